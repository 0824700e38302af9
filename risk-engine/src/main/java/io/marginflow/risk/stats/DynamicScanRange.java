package io.marginflow.risk.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * A scan range that follows the volatility forecast: the fall in price that a log return of
 * z_c σ √h means, 1 − exp(−z_c σ √h), with σ today's daily volatility, h the margin period of
 * risk in days and z_c the standard normal quantile of the confidence level, kept between a
 * floor and a cap from the parameters. Turbulence widens the range, and margin with
 * it, automatically.
 */
public final class DynamicScanRange {

    private static final NormalDistribution STANDARD = new NormalDistribution(null, 0.0, 1.0);

    private DynamicScanRange() {}

    public static double of(double dailyVol, int horizonDays, double confidence, double floor, double cap) {
        if (!(floor > 0.0 && floor <= cap && cap < 1.0)) {
            throw new IllegalArgumentException("need 0 < floor ≤ cap < 1: " + floor + ", " + cap);
        }
        double z = STANDARD.inverseCumulativeProbability(confidence);
        double range = -Math.expm1(-z * dailyVol * Math.sqrt(horizonDays));
        return Math.min(cap, Math.max(floor, range));
    }
}
