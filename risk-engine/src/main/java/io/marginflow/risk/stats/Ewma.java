package io.marginflow.risk.stats;

/**
 * RiskMetrics' exponentially weighted moving average of squared returns (J.P. Morgan/Reuters,
 * RiskMetrics Technical Document, 1996): σ²ₙ = λ σ²ₙ₋₁ + (1 − λ) r²ₙ₋₁, the variance forecast
 * for period n from the one before and the return of period n − 1. λ = 0.94 is RiskMetrics'
 * daily decay. Returns are log returns with mean taken as zero.
 */
public final class Ewma {

    private Ewma() {}

    /** The variance forecast after a period whose forecast was {@code variance} returned {@code lastReturn}. */
    public static double nextVariance(double lambda, double variance, double lastReturn) {
        requireDecay(lambda);
        return lambda * variance + (1.0 - lambda) * lastReturn * lastReturn;
    }

    /**
     * The conditional variances of a return series: element {@code t} is the forecast for return
     * {@code t} made from the returns before it; element {@code returns.length} is the forecast
     * for the next, unseen period. The recursion starts from the mean square of the first
     * {@code min(30, n)} returns, a common seed that the decay forgets within a few months.
     */
    public static double[] variances(double[] returns, double lambda) {
        requireDecay(lambda);
        if (returns.length == 0) {
            throw new IllegalArgumentException("an EWMA needs at least one return");
        }
        double[] variances = new double[returns.length + 1];
        int seed = Math.min(30, returns.length);
        double sum = 0.0;
        for (int t = 0; t < seed; t++) {
            sum += returns[t] * returns[t];
        }
        variances[0] = sum / seed;
        for (int t = 0; t < returns.length; t++) {
            variances[t + 1] = lambda * variances[t] + (1.0 - lambda) * returns[t] * returns[t];
        }
        return variances;
    }

    private static void requireDecay(double lambda) {
        if (!(lambda > 0.0 && lambda < 1.0)) {
            throw new IllegalArgumentException("EWMA decay must be in (0, 1): " + lambda);
        }
    }
}
