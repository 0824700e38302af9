package io.marginflow.risk.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** Hart's approximation against an independent implementation, commons-math's erfc, and tabulated values. */
class NormalDistributionTest {

    @Test
    void agreesWithErfcToDoublePrecisionInBothTails() {
        double worstRelative = 0.0;
        for (double x = -37.0; x <= 37.0; x += 0.0007) {
            double reference = 0.5 * Erf.erfc(-x / Math.sqrt(2.0));
            double hart = NormalDistribution.cdf(x);
            assertThat(hart).as("N(%s)", x).isCloseTo(reference, within(1e-15));
            // The smaller of the two tails carries the information: compare it relatively.
            double tail = x <= 0 ? hart : 1.0 - hart;
            double referenceTail = x <= 0 ? reference : 0.5 * Erf.erfc(x / Math.sqrt(2.0));
            if (referenceTail > 1e-300 && x <= 0) {
                worstRelative = Math.max(worstRelative, Math.abs(tail - referenceTail) / referenceTail);
            }
        }
        // Measured: at most 9e-9 relative, near x = -8 where N(x) is 6e-16; below 3e-11 for x above -5. An
        // absolute error under 1e-15 is what prices feel: under 1e-15 × (forward + strike) in USD.
        assertThat(worstRelative).as("worst relative error of the lower tail").isLessThan(1e-8);
    }

    @Test
    void matchesTabulatedValues() {
        // Abramowitz and Stegun, table 26.1: P(1) = 0.8413447460685429, P(2) = 0.9772498680518208, P(3) = 0.9986501019683699.
        assertThat(NormalDistribution.cdf(0.0)).isEqualTo(0.5);
        assertThat(NormalDistribution.cdf(1.0)).isCloseTo(0.8413447460685429, within(1e-15));
        assertThat(NormalDistribution.cdf(2.0)).isCloseTo(0.9772498680518208, within(1e-15));
        assertThat(NormalDistribution.cdf(-3.0)).isCloseTo(1 - 0.9986501019683699, within(1e-15));
        assertThat(NormalDistribution.cdf(-38.0)).isZero();
        assertThat(NormalDistribution.cdf(38.0)).isEqualTo(1.0);
    }
}
