package io.marginflow.risk;

import io.marginflow.risk.stats.CorrelationOffset;
import io.marginflow.risk.stats.RiskMeasures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An account's margin. For each underlying it is exposed to, the account's positions on it are
 * revalued together under every scenario of the underlying's grid (price moves × vol shocks,
 * and weighted extremes), and the worst weighted loss is the underlying's requirement, so
 * offsetting positions on one underlying (a future against a perpetual, a covered call, a
 * spread) margin as the hedge they are; short options carry at least the short-option minimum.
 *
 * <p>Once every underlying of the account has enough return history, the statistical layer
 * joins in (see {@link RiskModel}): the requirements are combined across underlyings with a
 * capped correlation offset instead of summed, the whole portfolio's filtered historical
 * simulation gives VaR and Expected Shortfall, and
 * <pre>initial margin = max(scenario margin, expected shortfall) + concentration add-ons</pre>
 * with any anti-procyclicality buffer applied to both. Maintenance margin applies the
 * requirement-weighted maintenance ratio of the underlyings.
 *
 * <p>The work per account is sums of precomputed per-instrument vectors ({@link InstrumentRisk})
 * and one pass over the FHS losses; nothing is repriced per account. Sums run in the view's
 * sorted order, so results are identical on every replay. Not thread-safe: one per task.
 */
public final class MarginCalculator {

    private double[] scenarioPnl = new double[32];
    private double[] fhsLosses = new double[0];
    private double[] tail = new double[64];
    private double[] requirements = new double[4];
    private String[] underlyingNames = new String[4];

    public AccountMargin margin(AccountRiskView view, Market market) {
        double collateral = 0.0;
        for (int a = 0; a < view.assets.length; a++) {
            collateral += view.amounts[a] * market.collateralValuePerUnit(view.assets[a]);
        }

        List<UnderlyingRisk> breakdown = new ArrayList<>();
        double maintenanceWeighted = 0.0;
        double summed = 0.0;
        double unrealizedTotal = 0.0;
        double addOns = 0.0;
        double maxCredit = 1.0;
        double varConfidence = 0.0;
        double esConfidence = 0.0;
        boolean statistical = true;
        int count = 0;
        int n = view.instruments.length;
        int i = 0;
        while (i < n) {
            String underlying = view.underlyings[i];
            int end = i;
            while (end < n && view.underlyings[end].equals(underlying)) {
                end++;
            }
            MarginParameters parameters = market.parameters(underlying);
            Optional<UnderlyingStatistics> stats = market.statistics(underlying);
            double buffer = stats.isPresent() ? stats.get().bufferMultiplier() : 1.0;
            UnderlyingRisk risk = underlyingRisk(view, market, underlying, parameters, stats, buffer, i, end);
            i = end;
            remember(count++, underlying, risk.requirement());
            summed += risk.requirement();
            maintenanceWeighted += risk.requirement() * parameters.maintenanceToInitialRatio();
            unrealizedTotal += risk.unrealizedPnl();
            addOns += risk.concentrationAddOn();
            RiskModel model = parameters.riskModel();
            maxCredit = Math.min(maxCredit, model.maxOffsetCredit());
            varConfidence = Math.max(varConfidence, model.varConfidence());
            esConfidence = Math.max(esConfidence, model.esConfidence());
            statistical &= stats.isPresent();
            breakdown.add(risk);
        }

        double scenarioMargin = summed;
        double valueAtRisk = 0.0;
        double expectedShortfall = 0.0;
        if (statistical && count > 0) {
            if (count > 1 && maxCredit > 0.0) {
                scenarioMargin = CorrelationOffset.combine(Arrays.copyOf(requirements, count), correlations(market, count),
                        maxCredit);
            }
            Optional<RiskMeasures.Result> measures = fhsMeasures(view, market, varConfidence, esConfidence);
            if (measures.isPresent()) {
                valueAtRisk = measures.get().valueAtRisk();
                expectedShortfall = measures.get().expectedShortfall();
            }
        }
        AccountMargin.Component binding = expectedShortfall > scenarioMargin
                ? AccountMargin.Component.EXPECTED_SHORTFALL : AccountMargin.Component.SCENARIO;
        double initial = Math.max(scenarioMargin, expectedShortfall) + addOns;
        double maintenance = summed > 0.0 ? initial * maintenanceWeighted / summed : 0.0;
        double equity = collateral + unrealizedTotal;
        return new AccountMargin(collateral, equity, initial, maintenance, MarginStatus.of(equity, initial, maintenance),
                scenarioMargin, valueAtRisk, expectedShortfall, addOns, binding, breakdown);
    }

    /**
     * The positions {@code from .. to} of the view (all on {@code underlying}) revalued under the
     * underlying's grid: requirement (with the anti-procyclicality {@code buffer}), worst
     * scenario, Greeks, add-on.
     */
    private UnderlyingRisk underlyingRisk(AccountRiskView view, Market market, String underlying,
                                          MarginParameters parameters, Optional<UnderlyingStatistics> stats,
                                          double buffer, int from, int to) {
        ScenarioGrid grid = market.grid(underlying);
        int scenarios = grid.size();
        if (scenarioPnl.length < scenarios) {
            scenarioPnl = new double[scenarios];
        }
        Arrays.fill(scenarioPnl, 0, scenarios, 0.0);
        double delta = 0.0;
        double deltaUsd = 0.0;
        double gamma = 0.0;
        double vega = 0.0;
        double theta = 0.0;
        double shortOptionMinimum = 0.0;
        double unrealized = 0.0;
        for (int p = from; p < to; p++) {
            InstrumentRisk risk = market.risk(view.instruments[p]);
            double quantity = view.quantities[p];
            for (int k = 0; k < scenarios; k++) {
                scenarioPnl[k] += quantity * risk.pnlPerContract(k);
            }
            delta += quantity * risk.deltaPerContract();
            // Delta in USD: each contract's delta at its underlying's price (a linear contract's mark).
            deltaUsd += quantity * risk.deltaUsdPerContract();
            gamma += quantity * risk.gammaPerContract();
            vega += quantity * risk.vegaPerContract();
            theta += quantity * risk.thetaPerContract();
            if (quantity < 0) {
                shortOptionMinimum -= quantity * risk.shortOptionMinimumPerContract();
            }
            unrealized += quantity * risk.multiplier() * (risk.mark() - view.averagePrices[p]);
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
        RiskModel model = parameters.riskModel();
        double concentration = model.concentrationThreshold() > 0.0
                ? model.concentrationRate() * Math.max(0.0, Math.abs(deltaUsd) - model.concentrationThreshold())
                : 0.0;
        return new UnderlyingRisk(underlying, Math.max(scenarioRequirement, shortOptionMinimum) * buffer,
                worst < 0 ? 0.0 : grid.move(worst), worst < 0 ? 0.0 : grid.nominalVolShock(worst),
                worst < 0 ? 0.0 : -scenarioPnl[worst], shortOptionMinimum, delta, gamma, vega, theta, unrealized,
                stats.isPresent() ? stats.get().marginVol() : 0.0, grid.range(), concentration);
    }

    /**
     * VaR and ES of the account's filtered-historical-simulation losses at the given confidences,
     * with the largest anti-procyclicality buffer of its underlyings, as {@link #margin} takes
     * them at the risk model's confidences (a backtest reports other levels too). Empty while an
     * underlying of the account has no statistics yet, or the account has no positions.
     */
    public Optional<RiskMeasures.Result> fhsMeasures(AccountRiskView view, Market market, double varConfidence,
                                                     double esConfidence) {
        double largestBuffer = 1.0;
        int scenarios = Integer.MAX_VALUE;
        for (int p = 0; p < view.underlyings.length; p++) {
            if (p > 0 && view.underlyings[p].equals(view.underlyings[p - 1])) {
                continue;
            }
            Optional<UnderlyingStatistics> stats = market.statistics(view.underlyings[p]);
            if (stats.isEmpty()) {
                return Optional.empty();
            }
            largestBuffer = Math.max(largestBuffer, stats.get().bufferMultiplier());
            // Every instrument of the underlying is revalued in all of its statistics' FHS scenarios
            // (the market rebuilds instrument risks whenever the statistics change).
            scenarios = Math.min(scenarios, stats.get().fhsMoves().length);
        }
        if (scenarios == 0 || scenarios == Integer.MAX_VALUE) {
            return Optional.empty();
        }
        RiskMeasures.Result measures = fhs(view, market, scenarios, varConfidence, esConfidence);
        return Optional.of(new RiskMeasures.Result(measures.valueAtRisk() * largestBuffer,
                measures.expectedShortfall() * largestBuffer));
    }

    /** VaR and ES of the portfolio's losses over the FHS scenarios every position has. */
    private RiskMeasures.Result fhs(AccountRiskView view, Market market, int scenarios, double varConfidence,
                                    double esConfidence) {
        if (fhsLosses.length < scenarios) {
            fhsLosses = new double[scenarios];
        }
        Arrays.fill(fhsLosses, 0, scenarios, 0.0);
        for (int p = 0; p < view.instruments.length; p++) {
            double[] pnl = market.risk(view.instruments[p]).fhsPnlVector();
            double quantity = view.quantities[p];
            for (int s = 0; s < scenarios; s++) {
                fhsLosses[s] -= quantity * pnl[s];
            }
        }
        int needed = Math.max(RiskMeasures.tailSize(scenarios, varConfidence), RiskMeasures.tailSize(scenarios, esConfidence));
        if (tail.length < needed) {
            tail = new double[needed];
        }
        return RiskMeasures.ofFirst(fhsLosses, scenarios, varConfidence, esConfidence, tail);
    }

    private double[][] correlations(Market market, int count) {
        double[][] rho = new double[count][count];
        for (int a = 0; a < count; a++) {
            for (int b = 0; b < count; b++) {
                rho[a][b] = market.correlation(underlyingNames[a], underlyingNames[b]);
            }
        }
        return rho;
    }

    private void remember(int index, String underlying, double requirement) {
        if (requirements.length <= index) {
            requirements = Arrays.copyOf(requirements, 2 * index + 2);
            underlyingNames = Arrays.copyOf(underlyingNames, 2 * index + 2);
        }
        requirements[index] = requirement;
        underlyingNames[index] = underlying;
    }
}
