package io.marginflow.risk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scenario (risk-array) margin. For each underlying an account is exposed to, the account's
 * positions on it are revalued together under every scenario of the underlying's grid (price
 * moves × vol shocks, and weighted extremes), and the worst weighted loss is the requirement, so
 * offsetting positions on one underlying (a future against a perpetual, a covered call, a
 * spread) margin as the hedge they are. Short options carry at least the short-option minimum. Initial margin is the sum over
 * underlyings; maintenance margin applies each underlying's ratio to its requirement.
 *
 * <p>The work per account is a sum of precomputed per-instrument scenario vectors
 * ({@link InstrumentRisk}); nothing is repriced per account. Sums run in the view's sorted
 * order, so results are identical on every replay. Not thread-safe: one per task.
 */
public final class MarginCalculator {

    private double[] scenarioPnl = new double[32];

    public AccountMargin margin(AccountRiskView view, Market market) {
        double collateral = 0.0;
        for (int a = 0; a < view.assets.length; a++) {
            collateral += view.amounts[a] * market.collateralValuePerUnit(view.assets[a]);
        }

        List<UnderlyingRisk> breakdown = new ArrayList<>();
        double initial = 0.0;
        double maintenance = 0.0;
        double unrealizedTotal = 0.0;
        int n = view.instruments.length;
        int i = 0;
        while (i < n) {
            String underlying = view.underlyings[i];
            ScenarioGrid grid = market.grid(underlying);
            int scenarios = grid.size();
            if (scenarioPnl.length < scenarios) {
                scenarioPnl = new double[scenarios];
            }
            Arrays.fill(scenarioPnl, 0, scenarios, 0.0);
            double delta = 0.0;
            double gamma = 0.0;
            double vega = 0.0;
            double theta = 0.0;
            double shortOptionMinimum = 0.0;
            double unrealized = 0.0;
            for (; i < n && view.underlyings[i].equals(underlying); i++) {
                InstrumentRisk risk = market.risk(view.instruments[i]);
                double quantity = view.quantities[i];
                for (int k = 0; k < scenarios; k++) {
                    scenarioPnl[k] += quantity * risk.pnlPerContract(k);
                }
                delta += quantity * risk.deltaPerContract();
                gamma += quantity * risk.gammaPerContract();
                vega += quantity * risk.vegaPerContract();
                theta += quantity * risk.thetaPerContract();
                if (quantity < 0) {
                    shortOptionMinimum -= quantity * risk.shortOptionMinimumPerContract();
                }
                unrealized += quantity * risk.multiplier() * (risk.mark() - view.averagePrices[i]);
            }
            double scenarioRequirement = 0.0;
            int worst = -1;
            for (int k = 0; k < scenarios; k++) {
                double weightedLoss = -scenarioPnl[k] * grid.weight(k);
                if (weightedLoss > scenarioRequirement) {
                    scenarioRequirement = weightedLoss;
                    worst = k;
                }
            }
            double requirement = Math.max(scenarioRequirement, shortOptionMinimum);
            initial += requirement;
            maintenance += requirement * market.parameters(underlying).maintenanceToInitialRatio();
            unrealizedTotal += unrealized;
            breakdown.add(new UnderlyingRisk(underlying, requirement,
                    worst < 0 ? 0.0 : grid.move(worst), worst < 0 ? 0.0 : grid.nominalVolShock(worst),
                    worst < 0 ? 0.0 : -scenarioPnl[worst], shortOptionMinimum, delta, gamma, vega, theta, unrealized));
        }
        double equity = collateral + unrealizedTotal;
        return new AccountMargin(collateral, equity, initial, maintenance,
                MarginStatus.of(equity, initial, maintenance), breakdown);
    }
}
