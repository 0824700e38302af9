package io.marginflow.risk;

import io.marginflow.risk.stats.RobustBaseline;
import java.util.OptionalDouble;

/**
 * How a sudden position build-up is found against an account's own habit: each fill's growth of
 * the account's gross position, ln(gross after / gross before) at cost, is set against a robust
 * baseline of the account's earlier fills' growths ({@link RobustBaseline}); a growth more than
 * {@code sigmas} robust standard deviations above the account's median, once the baseline has seen
 * {@code warmUpFills} fills, is a build-up.
 *
 * @param sigmas robust standard deviations above the median taken as the account's habit; 0: not judged
 * @param rate the baseline's step per fill, in (0, 1)
 * @param warmUpFills fills the baseline must have seen before a build-up is judged, at least 2
 */
public record BuildUpRule(double sigmas, double rate, int warmUpFills) {

    public BuildUpRule {
        if (!(sigmas >= 0.0 && Double.isFinite(sigmas))) {
            throw new IllegalArgumentException("build-up sigmas must be finite and not negative (0: not judged): " + sigmas);
        }
        if (!(rate > 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("build-up baseline rate must be in (0, 1): " + rate);
        }
        if (warmUpFills < 2) {
            throw new IllegalArgumentException("build-up warm-up must be at least 2 fills: " + warmUpFills);
        }
    }

    /** The growth of a gross position from {@code before} to {@code after} (both positive), in log terms. */
    public static double growth(double before, double after) {
        return Math.log(after / before);
    }

    /** The robust z-score of {@code growth} against {@code baseline}, if it is a build-up. */
    public OptionalDouble buildUp(RobustBaseline baseline, double growth) {
        if (sigmas == 0.0 || baseline.count() < warmUpFills) {
            return OptionalDouble.empty();
        }
        double z = baseline.z(growth);
        return z > sigmas ? OptionalDouble.of(z) : OptionalDouble.empty();
    }
}
