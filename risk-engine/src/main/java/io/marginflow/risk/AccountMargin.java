package io.marginflow.risk;

import java.util.List;

/**
 * An account's margin at the current market.
 *
 * @param collateralValue USD value of the collateral balances after haircuts
 * @param equity collateral value plus unrealised P&amp;L
 * @param initialMargin max(scenario margin, expected shortfall) + add-ons
 * @param scenarioMargin the per-underlying scenario requirements (with any anti-procyclicality
 *        buffer), summed or combined with the correlation offset
 * @param valueAtRisk FHS VaR of the whole portfolio (0 until every underlying has enough history)
 * @param expectedShortfall FHS Expected Shortfall of the whole portfolio (0 likewise)
 * @param addOns concentration add-ons
 * @param binding which of scenario margin and expected shortfall set the initial margin
 * @param underlyings breakdown per underlying, in underlying order
 */
public record AccountMargin(double collateralValue, double equity, double initialMargin, double maintenanceMargin,
                            MarginStatus status, double scenarioMargin, double valueAtRisk, double expectedShortfall,
                            double addOns, Component binding, List<UnderlyingRisk> underlyings) {

    /** What set an account's initial margin. */
    public enum Component { SCENARIO, EXPECTED_SHORTFALL }

    public AccountMargin {
        underlyings = List.copyOf(underlyings);
    }

    /** Equity minus initial margin; negative is a deficit. */
    public double excess() {
        return equity - initialMargin;
    }
}
