package io.marginflow.risk.options;

/**
 * The standard normal distribution function by Hart's double-precision rational approximation
 * (J. F. Hart et al., "Computer Approximations", 1968, algorithm 5666, as given by G. West,
 * "Better approximations to cumulative normal functions", Wilmott Magazine, 2005): a ratio of
 * polynomials times the density up to |x| = 5√2, a continued fraction beyond. Its absolute
 * error is below 1e-15 everywhere and its relative error in the lower tail below 1e-8
 * (NormalDistributionTest checks both against commons-math's erfc), at a tenth of the cost of
 * erfc's continued fraction, which matters because a tick revalues every option under every
 * scenario (OptionTickBenchmark: 12.5 ms → 1.3 ms for 500 options).
 */
final class NormalDistribution {

    private static final double SQRT_2PI = Math.sqrt(2.0 * Math.PI);
    private static final double RATIONAL_LIMIT = 7.07106781186547;
    private static final double UNDERFLOW = 37.0;

    private NormalDistribution() {}

    /** P(Z ≤ x) for a standard normal Z. */
    static double cdf(double x) {
        double z = Math.abs(x);
        double lowerTail;
        if (z > UNDERFLOW) {
            lowerTail = 0.0;
        } else {
            double density = Math.exp(-0.5 * z * z);
            if (z < RATIONAL_LIMIT) {
                double numerator = 3.52624965998911e-02 * z + 0.700383064443688;
                numerator = numerator * z + 6.37396220353165;
                numerator = numerator * z + 33.912866078383;
                numerator = numerator * z + 112.079291497871;
                numerator = numerator * z + 221.213596169931;
                numerator = numerator * z + 220.206867912376;
                double denominator = 8.83883476483184e-02 * z + 1.75566716318264;
                denominator = denominator * z + 16.064177579207;
                denominator = denominator * z + 86.7807322029461;
                denominator = denominator * z + 296.564248779674;
                denominator = denominator * z + 637.333633378831;
                denominator = denominator * z + 793.826512519948;
                denominator = denominator * z + 440.413735824752;
                lowerTail = density * numerator / denominator;
            } else {
                double fraction = z + 0.65;
                fraction = z + 4.0 / fraction;
                fraction = z + 3.0 / fraction;
                fraction = z + 2.0 / fraction;
                fraction = z + 1.0 / fraction;
                lowerTail = density / fraction / SQRT_2PI;
            }
        }
        return x > 0 ? 1.0 - lowerTail : lowerTail;
    }
}
