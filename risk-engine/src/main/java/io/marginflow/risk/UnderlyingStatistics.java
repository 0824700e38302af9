package io.marginflow.risk;

import io.marginflow.risk.stats.Ewma;
import io.marginflow.risk.stats.FilteredHistoricalSimulation;
import io.marginflow.risk.stats.Garch11;
import io.marginflow.risk.stats.HarRv;
import io.marginflow.risk.stats.ReturnHistory;

/**
 * What the statistical layer makes of one underlying's return history, once per completed
 * sampling interval (not per tick): its volatility forecasts, the filtered-historical-simulation
 * moves over the margin period of risk, and what anti-procyclicality and a dynamic scan range
 * make of them. Volatilities are per sampling interval.
 *
 * @param forecastVol the model's forecast (EWMA, GARCH or HAR-RV)
 * @param marginVol the forecast after anti-procyclicality: what scenarios are scaled to
 * @param tenYearVol the volatility of the whole retained history (the floor's lookback)
 * @param bufferMultiplier the anti-procyclicality buffer on the calculated margin (1 without one)
 * @param scanRange the core scan range ({@link MarginParameters#scanRange}): fixed, or following {@code marginVol}
 * @param fhsMoves relative price moves of the FHS scenarios, most recent window first
 * @param returns the history's log returns, oldest first (for correlations)
 */
public record UnderlyingStatistics(double forecastVol, double marginVol, double tenYearVol, double bufferMultiplier,
                                   double scanRange, double[] fhsMoves, double[] returns) {

    /**
     * The statistics of a history. A pure function of the history and the parameters, so that a
     * replay or a restored engine computes the same numbers; a GARCH or HAR-RV model is refitted to
     * the history every time (once per refresh). HAR-RV regresses each interval's realised variance
     * on the previous interval's, week's and month's over the whole history (a rolling window of
     * {@code engine.history.length} intervals); where it cannot be fitted (fewer than 41 intervals, or
     * a singular regression: a history of identical variances) the EWMA forecast stands.
     */
    static UnderlyingStatistics of(ReturnHistory history, MarginParameters parameters) {
        RiskModel model = parameters.riskModel();
        double[] returns = history.returns();
        double[] ewma = Ewma.variances(returns, model.ewmaLambda());
        double forecast = Math.sqrt(ewma[ewma.length - 1]);
        if (model.volatilityModel() == RiskModel.VolatilityModel.GARCH) {
            double[] variances = Garch11.fit(returns).variances(returns);
            forecast = Math.sqrt(variances[variances.length - 1]);
        } else if (model.volatilityModel() == RiskModel.VolatilityModel.HAR_RV) {
            double[] realised = history.realisedVariances();
            try {
                forecast = Math.sqrt(HarRv.fit(realised, 0, realised.length).forecast(realised, realised.length - 1));
            } catch (IllegalArgumentException unfit) {
                // fewer than 41 intervals, or a singular regression (SingularMatrixException is one): the EWMA forecast stands
            }
        }
        double stressed = 0.0;
        for (double variance : ewma) {
            stressed = Math.max(stressed, Math.sqrt(variance));
        }
        double sum = 0.0;
        for (double r : returns) {
            sum += r * r;
        }
        double tenYear = Math.sqrt(sum / returns.length);
        double marginVol = model.antiProcyclicality().volatility(forecast, stressed, tenYear);
        double buffer = model.antiProcyclicality().margin(1.0, marginVol, tenYear);
        int horizon = model.marginPeriodIntervals(history.interval());
        double range = parameters.scanRange(marginVol, horizon);
        double[] oldestFirst = FilteredHistoricalSimulation.scenarioMoves(new double[][] {returns}, new double[] {marginVol},
                model.ewmaLambda(), horizon)[0];
        double[] recentFirst = new double[oldestFirst.length];
        for (int s = 0; s < recentFirst.length; s++) {
            recentFirst[s] = oldestFirst[oldestFirst.length - 1 - s];
        }
        return new UnderlyingStatistics(forecast, marginVol, tenYear, buffer, range, recentFirst, returns);
    }

    /** Correlation of two underlyings' most recent returns (as many as both have), means taken as zero. */
    static double correlation(UnderlyingStatistics a, UnderlyingStatistics b) {
        int n = Math.min(a.returns.length, b.returns.length);
        double xy = 0.0;
        double xx = 0.0;
        double yy = 0.0;
        for (int k = 1; k <= n; k++) {
            double x = a.returns[a.returns.length - k];
            double y = b.returns[b.returns.length - k];
            xy += x * y;
            xx += x * x;
            yy += y * y;
        }
        return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0.0;
    }
}
