package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** EWMA and GARCH(1,1) against Hull's worked examples, and GARCH fitted back from simulated paths. */
class VolatilityForecastTest {

    @Test
    void ewmaUpdateAsInHullsExample() {
        // Hull, Options, Futures, and Other Derivatives, "Estimating volatilities and correlations":
        // λ = 0.90, yesterday's volatility 1% a day, yesterday's return 2% → σ² = 0.9 × 0.0001 + 0.1 × 0.0004
        // = 0.00013, a volatility of 1.14% a day.
        double variance = Ewma.nextVariance(0.90, 0.01 * 0.01, 0.02);
        assertThat(variance).isCloseTo(0.00013, within(1e-15));
        assertThat(Math.sqrt(variance)).isCloseTo(0.0114, within(5e-5));
    }

    @Test
    void ewmaVariancesAreForecastsFromThePastOnly() {
        double[] returns = {0.01, -0.02, 0.03, 0.0};
        double[] variances = Ewma.variances(returns, 0.94);
        // Seed: mean square of the (four) returns = (1 + 4 + 9 + 0) e-4 / 4 = 3.5e-4.
        assertThat(variances[0]).isCloseTo(3.5e-4, within(1e-18));
        assertThat(variances[1]).isCloseTo(0.94 * 3.5e-4 + 0.06 * 1e-4, within(1e-18));
        assertThat(variances[4]).isCloseTo(0.94 * variances[3], within(1e-18));
        assertThat(variances).hasSize(5);
    }

    @Test
    void garchUpdateAndLongRunVarianceAsInHullsExample() {
        // Hull, same chapter: ω = 0.000002, α = 0.13, β = 0.86; yesterday's volatility 1.6% and return 1%
        // → σ² = 0.000002 + 0.13 × 0.0001 + 0.86 × 0.000256 = 0.00023516, a volatility of 1.53% a day;
        // long-run variance ω / (1 − α − β) = 0.0002, a volatility of 1.4% a day.
        Garch11 garch = new Garch11(0.000002, 0.13, 0.86);
        double variance = garch.nextVariance(0.016 * 0.016, 0.01);
        assertThat(variance).isCloseTo(0.00023516, within(1e-15));
        assertThat(Math.sqrt(variance)).isCloseTo(0.0153, within(5e-5));
        assertThat(garch.longRunVariance()).isCloseTo(0.0002, within(1e-15));
    }

    @Test
    void garchFitRecoversTheParametersOfASimulatedPath() {
        // An independent check: simulate GARCH(1,1) with known parameters (a daily volatility near
        // crypto's, 3.2% long-run) and fit it back by maximum likelihood.
        Garch11 truth = new Garch11(2e-5, 0.10, 0.88);
        Random random = new Random(7);
        double[] returns = new double[20_000];
        double variance = truth.longRunVariance();
        for (int t = 0; t < returns.length; t++) {
            returns[t] = Math.sqrt(variance) * random.nextGaussian();
            variance = truth.nextVariance(variance, returns[t]);
        }

        Garch11 fitted = Garch11.fit(returns);

        assertThat(fitted.alpha()).isCloseTo(0.10, within(0.015));
        assertThat(fitted.beta()).isCloseTo(0.88, within(0.02));
        assertThat(Math.sqrt(fitted.longRunVariance())).isCloseTo(Math.sqrt(truth.longRunVariance()), within(0.003));
        assertThat(fitted.logLikelihood(returns)).isGreaterThanOrEqualTo(truth.logLikelihood(returns));
        assertThat(Garch11.fit(returns)).as("deterministic").isEqualTo(fitted);
    }

    @Test
    void invalidParametersAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new Garch11(1e-6, 0.2, 0.8)).hasMessageContaining("α + β < 1");
        assertThatThrownBy(() -> Ewma.nextVariance(1.0, 1e-4, 0.01)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Garch11.fit(new double[10])).hasMessageContaining("at least 50");
    }
}
