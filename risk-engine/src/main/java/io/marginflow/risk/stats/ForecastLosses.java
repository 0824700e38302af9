package io.marginflow.risk.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * How good a variance forecast was against the variance realised, and whether one forecast is
 * better than another: squared error and QLIKE, the two losses that rank variance forecasts
 * consistently when the realised variance is a noisy proxy (A. Patton, "Volatility forecast
 * comparison using imperfect volatility proxies", Journal of Econometrics 160, 2011), and the
 * Diebold–Mariano test of equal expected loss (F. Diebold and R. Mariano, "Comparing predictive
 * accuracy", Journal of Business &amp; Economic Statistics 13, 1995) with a Newey–West variance.
 */
public final class ForecastLosses {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0.0, 1.0);

    private ForecastLosses() {}

    /** (realised − forecast)². */
    public static double squaredError(double realised, double forecast) {
        double error = realised - forecast;
        return error * error;
    }

    /** Patton's QLIKE, normalised to 0 at a perfect forecast: realised/forecast − ln(realised/forecast) − 1. */
    public static double qlike(double realised, double forecast) {
        if (!(realised > 0.0 && forecast > 0.0)) {
            throw new IllegalArgumentException("QLIKE needs a positive realised variance and forecast: " + realised + ", "
                    + forecast);
        }
        double ratio = realised / forecast;
        return ratio - Math.log(ratio) - 1.0;
    }

    /**
     * The Diebold–Mariano test of equal expected loss.
     *
     * @param meanDifference the mean of loss A − loss B: negative when A did better
     * @param statistic the mean difference over its Newey–West standard error: asymptotically standard normal
     * @param pValue two-sided
     */
    public record DieboldMariano(double meanDifference, double statistic, double pValue) {
        /** Whether equal accuracy is rejected at {@code level} (e.g. 0.05). */
        public boolean significantAt(double level) {
            return pValue < level;
        }
    }

    /**
     * Compares the losses of two forecasts of the same targets, in time order: the mean of
     * dₜ = a[t] − b[t] over its standard error, whose variance is the Newey–West (Bartlett
     * weights) long-run variance of d with {@code lags} autocovariances, divided by n.
     */
    public static DieboldMariano dieboldMariano(double[] a, double[] b, int lags) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("the Diebold-Mariano test needs two loss series of the same length, at least 2");
        }
        if (lags < 0 || lags >= a.length) {
            throw new IllegalArgumentException("lags must be in [0, " + (a.length - 1) + "]: " + lags);
        }
        int n = a.length;
        double[] d = new double[n];
        double mean = 0.0;
        for (int t = 0; t < n; t++) {
            d[t] = a[t] - b[t];
            mean += d[t];
        }
        mean /= n;
        double variance = autocovariance(d, mean, 0);
        for (int k = 1; k <= lags; k++) {
            variance += 2.0 * (1.0 - k / (lags + 1.0)) * autocovariance(d, mean, k);
        }
        if (!(variance > 0.0)) {
            return new DieboldMariano(mean, 0.0, 1.0);
        }
        double statistic = mean / Math.sqrt(variance / n);
        return new DieboldMariano(mean, statistic, 2.0 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(statistic)));
    }

    /** Newey and West's rule for the number of lags: ⌊4 (n / 100)^(2/9)⌋. */
    public static int neweyWestLags(int n) {
        return (int) Math.floor(4.0 * Math.pow(n / 100.0, 2.0 / 9.0));
    }

    /** The lag-k autocovariance of d about {@code mean}, divided by n. */
    private static double autocovariance(double[] d, double mean, int k) {
        double sum = 0.0;
        for (int t = k; t < d.length; t++) {
            sum += (d[t] - mean) * (d[t - k] - mean);
        }
        return sum / d.length;
    }
}
