package io.marginflow.backtest;

import io.marginflow.risk.stats.AntiProcyclicality;
import io.marginflow.risk.stats.CorrelationOffset;
import io.marginflow.risk.stats.DynamicScanRange;
import io.marginflow.risk.stats.Ewma;
import io.marginflow.risk.stats.FilteredHistoricalSimulation;
import io.marginflow.risk.stats.Garch11;
import io.marginflow.risk.stats.RiskMeasures;
import java.util.Arrays;

/**
 * The statistical margin model, composed from risk-engine's pieces exactly as the issue
 * describes it, for one portfolio at one observation:
 * <ol>
 *   <li>a daily (or per-period) volatility forecast per underlying from the trailing window of
 *       returns: EWMA, or GARCH(1,1) refitted every {@code refitEvery} observations;</li>
 *   <li>anti-procyclicality applied to that volatility (stressed weight, ten-year floor);</li>
 *   <li>filtered historical simulation over the margin period of risk, jointly across
 *       underlyings, with full revaluation (options at the EWMA forecast as implied vol, which
 *       reacts to each scenario's move): VaR and ES of the scenario losses;</li>
 *   <li>scenario (risk-array) margin per underlying over a scan range that follows the
 *       volatility (± range in 9 points, implied vol up 30% and down 20%), combined across
 *       underlyings with a correlation offset capped at {@code maxCredit};</li>
 *   <li>initial margin = max(scenario margin after offsets, ES), then the anti-procyclicality
 *       buffer if that tool is chosen.</li>
 * </ol>
 */
public final class MarginModel {

    /** Which volatility forecast rescales the filtered history. */
    public enum Forecast { EWMA, GARCH }

    private final Forecast forecast;
    private final AntiProcyclicality antiProcyclicality;
    private final double lambda;
    private final int horizon;
    private final int window;
    private final double periodsPerYear;
    private final double varConfidence;
    private final double esConfidence;
    private final double maxCredit;
    private final int refitEvery;
    private final Garch11[] fitted = new Garch11[2];
    private final int[] fittedAt = new int[2];

    /**
     * What the model says for one portfolio at one observation.
     *
     * @param impliedVols the annualised EWMA forecasts the options were opened at, per underlying
     */
    public record Margin(double valueAtRisk, double lowerValueAtRisk, double expectedShortfall, double scenarioMargin,
                         double initialMargin, double[] impliedVols, String binding) {}

    /** The second VaR level the backtest reports besides {@code varConfidence}: 97.5%. */
    public static final double LOWER_VAR_CONFIDENCE = 0.975;

    public MarginModel(Forecast forecast, AntiProcyclicality antiProcyclicality, double lambda, int horizon, int window,
                       double periodsPerYear, double varConfidence, double esConfidence, double maxCredit, int refitEvery) {
        this.forecast = forecast;
        this.antiProcyclicality = antiProcyclicality;
        this.lambda = lambda;
        this.horizon = horizon;
        this.window = window;
        this.periodsPerYear = periodsPerYear;
        this.varConfidence = varConfidence;
        this.esConfidence = esConfidence;
        this.maxCredit = maxCredit;
        this.refitEvery = refitEvery;
    }

    public int horizon() {
        return horizon;
    }

    public int window() {
        return window;
    }

    public double lambda() {
        return lambda;
    }

    public double periodsPerYear() {
        return periodsPerYear;
    }

    /**
     * The margin of {@code portfolio} opened at {@code prices[u][t]}, from the returns before t.
     *
     * @param returns per underlying, returns[u][i] = ln(price[i + 1] / price[i])
     * @param t index of the opening price; the window is returns[t − window, t)
     */
    public Margin margin(ReferencePortfolio portfolio, double[][] prices, double[][] returns, int t) {
        int from = t - window;
        double[][] history = new double[2][];
        double[] vols = new double[2];
        double[] market = new double[2];
        for (int u = 0; u < 2; u++) {
            history[u] = Arrays.copyOfRange(returns[u], from, t);
            double[] ewma = Ewma.variances(history[u], lambda);
            market[u] = Math.sqrt(ewma[ewma.length - 1]);
            vols[u] = adjusted(u, history[u], ewma, returns[u], t);
        }
        double[] open = {prices[0][t], prices[1][t]};
        double[] implied = {annualised(market[0]), annualised(market[1])};
        double elapsedDays = horizon * 365.0 / periodsPerYear;

        double[][] moves = FilteredHistoricalSimulation.scenarioMoves(history, vols, lambda, horizon);
        double[] losses = new double[moves[0].length];
        double[] scenario = new double[2];
        double[] impliedThen = new double[2];
        double decay = Math.pow(lambda, horizon);
        for (int s = 0; s < losses.length; s++) {
            for (int u = 0; u < 2; u++) {
                scenario[u] = moves[u][s];
                // Options are valued at the EWMA forecast; in a scenario it reacts to the scenario's move as
                // it would to that many days of equal returns: λ^h σ² + (1 − λ^h) R² / h.
                double r = Math.log1p(moves[u][s]);
                impliedThen[u] = annualised(Math.sqrt(decay * market[u] * market[u] + (1 - decay) * r * r / horizon));
            }
            losses[s] = -portfolio.pnl(open, scenario, elapsedDays, implied, impliedThen);
        }
        RiskMeasures.Result measures = RiskMeasures.of(losses, varConfidence, esConfidence);
        double lowerVar = RiskMeasures.of(losses, LOWER_VAR_CONFIDENCE, LOWER_VAR_CONFIDENCE).valueAtRisk();

        double[] requirements = new double[2];
        for (int u = 0; u < 2; u++) {
            if (portfolio.uses(u)) {
                requirements[u] = scanRequirement(portfolio, u, open, implied, vols[u], elapsedDays);
            }
        }
        double[][] correlation = CorrelationOffset.correlations(history);
        double scenarioMargin = CorrelationOffset.combine(requirements, correlation, maxCredit);
        double calculated = Math.max(scenarioMargin, measures.expectedShortfall());
        int main = portfolio.legs().get(0).underlying();
        double initial = antiProcyclicality.margin(calculated, vols[main], tenYearVol(returns[main], t));
        String binding = initial > calculated + 1e-9 ? "APC buffer"
                : scenarioMargin >= measures.expectedShortfall() ? "scenario" : "ES";
        return new Margin(measures.valueAtRisk(), lowerVar, measures.expectedShortfall(), scenarioMargin, initial, implied,
                binding);
    }

    /** The annualised implied volatility the options are valued at: the forecast, annualised (no quotes exist). */
    public double annualised(double periodVol) {
        return periodVol * Math.sqrt(periodsPerYear);
    }

    /** The EWMA forecast for the period after {@code t − 1}, from the window before it: the vol options are valued at. */
    public double ewmaForecast(double[] returns, int t) {
        double[] variances = Ewma.variances(Arrays.copyOfRange(returns, t - window, t), lambda);
        return Math.sqrt(variances[variances.length - 1]);
    }

    private double adjusted(int u, double[] history, double[] ewma, double[] all, int t) {
        double current;
        if (forecast == Forecast.GARCH) {
            if (fitted[u] == null || t < fittedAt[u] || t - fittedAt[u] >= refitEvery) {
                fitted[u] = Garch11.fit(history);
                fittedAt[u] = t;
            }
            double[] garch = fitted[u].variances(history);
            current = Math.sqrt(garch[garch.length - 1]);
        } else {
            current = Math.sqrt(ewma[ewma.length - 1]);
        }
        double stressed = 0.0;
        for (double variance : ewma) {
            stressed = Math.max(stressed, Math.sqrt(variance));
        }
        return antiProcyclicality.volatility(current, stressed, tenYearVol(all, t));
    }

    /** The volatility of the returns before {@code t} over ten years (or as many as there are), mean taken as zero. */
    private double tenYearVol(double[] returns, int t) {
        int from = Math.max(0, t - (int) Math.round(10 * periodsPerYear));
        double sum = 0.0;
        for (int i = from; i < t; i++) {
            sum += returns[i] * returns[i];
        }
        return Math.sqrt(sum / Math.max(1, t - from));
    }

    /**
     * The worst loss of the portfolio's legs on underlying {@code u} over the scan: ± the dynamic
     * range in 9 points, each with the implied vol up 30%, unchanged and down 20%.
     */
    private double scanRequirement(ReferencePortfolio portfolio, int u, double[] open, double[] implied, double vol,
                                   double elapsedDays) {
        double range = DynamicScanRange.of(vol, horizon, varConfidence, 0.05, 0.6);
        double worst = 0.0;
        double[] moves = new double[2];
        double[] shocked = implied.clone();
        for (int step = 0; step < 9; step++) {
            moves[u] = -range + 2 * range * step / 8.0;
            for (double volShock : new double[] {0.3, 0.0, -0.2}) {
                shocked[u] = implied[u] * (1 + volShock);
                double loss = -legsOn(portfolio, u).pnl(open, moves, elapsedDays, implied, shocked);
                worst = Math.max(worst, loss);
            }
        }
        return worst;
    }

    private static ReferencePortfolio legsOn(ReferencePortfolio portfolio, int u) {
        return new ReferencePortfolio(portfolio.name(), portfolio.slug(),
                portfolio.legs().stream().filter(leg -> leg.underlying() == u).toList());
    }
}
