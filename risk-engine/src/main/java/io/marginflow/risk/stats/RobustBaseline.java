package io.marginflow.risk.stats;

/**
 * An exponentially weighted, robust baseline of one quantity of an account's own behaviour: its
 * median and its median absolute deviation (MAD), tracked online by stochastic approximation, and
 * the robust z-score of a new observation against them, (x − median) / (1.4826 MAD); 1.4826 makes
 * the MAD of a normal sample its standard deviation. Each observation moves the median toward
 * itself by {@code rate} × MAD (a step of fixed size, whatever the observation's distance, so an
 * outlier moves it no more than an ordinary one) and the MAD by a factor e^{±rate} toward the
 * observation's distance from the median; at equilibrium half the observations lie above the
 * median and half the distances above the MAD. Deterministic, three numbers of state.
 *
 * @param median the tracked median
 * @param mad the tracked median absolute deviation (0 until two observations differ)
 * @param count observations seen
 */
public record RobustBaseline(double median, double mad, long count) {

    /** Nothing seen yet. */
    public static final RobustBaseline EMPTY = new RobustBaseline(0.0, 0.0, 0);

    /** The normal distribution's standard deviation over its MAD. */
    public static final double MAD_TO_SIGMA = 1.4826;

    /**
     * The baseline after {@code x}.
     *
     * @param rate the step, in (0, 1): about the share of weight the latest observations carry
     */
    public RobustBaseline next(double x, double rate) {
        if (!(rate > 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("a baseline's rate is in (0, 1): " + rate);
        }
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("a baseline takes finite observations: " + x);
        }
        if (count == 0) {
            return new RobustBaseline(x, 0.0, 1);
        }
        double distance = Math.abs(x - median);
        if (mad == 0.0) {
            // the first spread seen sets the scale; until then the median is the first observation
            return new RobustBaseline(median, distance, count + 1);
        }
        double nextMedian = median + rate * mad * Math.signum(x - median);
        double nextMad = mad * Math.exp(rate * Math.signum(distance - mad));
        return new RobustBaseline(nextMedian, nextMad, count + 1);
    }

    /** The robust z-score of {@code x}; 0 while the baseline has no spread. */
    public double z(double x) {
        return mad == 0.0 ? 0.0 : (x - median) / (MAD_TO_SIGMA * mad);
    }
}
