package io.marginflow.risk.stats;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Corsi's heterogeneous autoregressive model of realised variance (HAR-RV: F. Corsi, "A simple
 * approximate long-memory model of realized volatility", Journal of Financial Econometrics 7(2),
 * 2009): the next day's realised variance regressed, by ordinary least squares, on the day's, on
 * the mean of the last week's and on the mean of the last month's,
 * RVₜ₊₁ = b₀ + b_d RVₜ + b_w RVₜ⁽ʷ⁾ + b_m RVₜ⁽ᵐ⁾ + εₜ₊₁.
 * Corsi's week and month are 5 and 22 trading days; a market that never closes has
 * {@link #WEEK} = 7 and {@link #MONTH} = 30 days. A day's realised variance is the sum of its
 * intraday squared log returns (hourly here), so the forecast uses what daily closes cannot see.
 */
public record HarRv(double intercept, double daily, double weekly, double monthly) {

    /** Days in the weekly mean. */
    public static final int WEEK = 7;
    /** Days in the monthly mean: the first day a forecast can be made from is day {@code MONTH − 1}. */
    public static final int MONTH = 30;

    /**
     * Fits the model on the days {@code [from, to)} of {@code rv}: each pair of a day t (with
     * a month of history before it, t ≥ {@code max(from, MONTH − 1)}) and its next day t + 1, before {@code to}.
     *
     * @throws IllegalArgumentException with fewer than 10 such pairs
     */
    public static HarRv fit(double[] rv, int from, int to) {
        int first = Math.max(from, MONTH - 1);
        int pairs = to - 1 - first;
        if (pairs < 10) {
            throw new IllegalArgumentException("fitting HAR-RV needs at least 10 days with a month before them, got "
                    + Math.max(0, pairs));
        }
        double[] next = new double[pairs];
        double[][] regressors = new double[pairs][];
        for (int i = 0; i < pairs; i++) {
            int t = first + i;
            next[i] = rv[t + 1];
            regressors[i] = new double[] {rv[t], mean(rv, t, WEEK), mean(rv, t, MONTH)};
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.newSampleData(next, regressors);
        double[] b = ols.estimateRegressionParameters();
        return new HarRv(b[0], b[1], b[2], b[3]);
    }

    /**
     * The forecast of day t + 1's realised variance from the days up to t (t ≥ {@code MONTH − 1});
     * a forecast that is not positive (the regression is linear and unconstrained) is replaced by
     * the monthly mean, which is.
     */
    public double forecast(double[] rv, int t) {
        double monthly = mean(rv, t, MONTH);
        double forecast = intercept + daily * rv[t] + weekly * mean(rv, t, WEEK) + this.monthly * monthly;
        return forecast > 0.0 ? forecast : monthly;
    }

    /** The mean of the {@code days} values of {@code rv} ending with day t. */
    static double mean(double[] rv, int t, int days) {
        if (t + 1 < days) {
            throw new IllegalArgumentException("day " + t + " has no " + days + " days before it");
        }
        double sum = 0.0;
        for (int d = t - days + 1; d <= t; d++) {
            sum += rv[d];
        }
        return sum / days;
    }
}
