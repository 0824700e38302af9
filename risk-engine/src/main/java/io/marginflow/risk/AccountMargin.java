package io.marginflow.risk;

import java.util.List;

/**
 * An account's margin at the current market.
 *
 * @param collateralValue USD value of the collateral balances after haircuts
 * @param equity collateral value plus unrealised P&L
 * @param underlyings breakdown per underlying, in underlying order
 */
public record AccountMargin(double collateralValue, double equity, double initialMargin, double maintenanceMargin,
                            MarginStatus status, List<UnderlyingRisk> underlyings) {

    public AccountMargin {
        underlyings = List.copyOf(underlyings);
    }

    /** Equity minus initial margin; negative is a deficit. */
    public double excess() {
        return equity - initialMargin;
    }
}
