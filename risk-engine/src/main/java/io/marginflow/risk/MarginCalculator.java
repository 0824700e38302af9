package io.marginflow.risk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scenario (risk-array) margin. For each underlying an account is exposed to, the account's
 * positions on it are revalued together under every scenario of the underlying's grid, and the
 * worst weighted loss is the requirement, so offsetting positions on one underlying (a future
 * against a perpetual) margin as the hedge they are. Initial margin is the sum over
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
            double unrealized = 0.0;
            for (; i < n && view.underlyings[i].equals(underlying); i++) {
                InstrumentRisk risk = market.risk(view.instruments[i]);
                double quantity = view.quantities[i];
                for (int k = 0; k < scenarios; k++) {
                    scenarioPnl[k] += quantity * risk.pnlPerContract(k);
                }
                delta += quantity * risk.deltaPerContract();
                unrealized += quantity * risk.multiplier() * (risk.mark() - view.averagePrices[i]);
            }
            double requirement = 0.0;
            double worstMove = 0.0;
            for (int k = 0; k < scenarios; k++) {
                double weightedLoss = -scenarioPnl[k] * grid.weight(k);
                if (weightedLoss > requirement) {
                    requirement = weightedLoss;
                    worstMove = grid.move(k);
                }
            }
            initial += requirement;
            maintenance += requirement * market.parameters(underlying).maintenanceToInitialRatio();
            unrealizedTotal += unrealized;
            breakdown.add(new UnderlyingRisk(underlying, requirement, worstMove, delta, unrealized));
        }
        double equity = collateral + unrealizedTotal;
        return new AccountMargin(collateral, equity, initial, maintenance,
                MarginStatus.of(equity, initial, maintenance), breakdown);
    }
}
