package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RiskMeasuresTest {

    @Test
    void withFiveHundredScenariosThe99PercentVarIsTheFifthWorstLoss() {
        // Hull's historical-simulation convention (Risk Management and Financial Institutions): 500
        // scenarios, 99% VaR = the fifth-worst loss. Losses 1 … 500: VaR = 496; the 97.5% ES is the mean of
        // the ⌈12.5⌉ = 13 worst, 488 … 500, which is 494.
        double[] losses = new double[500];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = 500 - i;
        }
        RiskMeasures.Result result = RiskMeasures.of(losses, 0.99, 0.975);
        assertThat(result.valueAtRisk()).isEqualTo(496.0);
        assertThat(result.expectedShortfall()).isCloseTo(494.0, within(1e-12));
    }

    @Test
    void expectedShortfallIsNeverBelowVarAtTheSameConfidenceAndNeitherIsNegative() {
        Random random = new Random(3);
        for (int sample = 0; sample < 200; sample++) {
            double[] losses = new double[10 + random.nextInt(990)];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = random.nextGaussian() * 100 - 50 * random.nextDouble();
            }
            for (double confidence : new double[] {0.9, 0.975, 0.99, 0.999}) {
                RiskMeasures.Result result = RiskMeasures.of(losses, confidence, confidence);
                assertThat(result.expectedShortfall()).isGreaterThanOrEqualTo(result.valueAtRisk());
                assertThat(result.valueAtRisk()).isNotNegative();
            }
        }
        assertThat(RiskMeasures.of(new double[] {-5, -3, -1}, 0.99, 0.99).expectedShortfall()).isZero();
    }

    @Test
    void selectingTheTailGivesExactlyWhatAFullSortGives() {
        // An independent calculation: sort everything, take the k-th largest and the mean of the kEs largest.
        Random random = new Random(8);
        double[] tail = new double[80];
        for (int sample = 0; sample < 500; sample++) {
            int n = 1 + random.nextInt(3_000);
            double[] losses = new double[n];
            for (int i = 0; i < n; i++) {
                // Ties on purpose (rounded values), trends, gains and losses.
                losses[i] = Math.round(random.nextGaussian() * 20 + (sample % 3 == 0 ? i * 0.01 : 0)) / 2.0;
            }
            double[] sorted = losses.clone();
            java.util.Arrays.sort(sorted);
            int kVar = Math.max(1, (int) Math.ceil(n * 0.01 - 1e-9));
            int kEs = Math.max(1, (int) Math.ceil(n * 0.025 - 1e-9));
            double es = 0.0;
            for (int i = n - kEs; i < n; i++) {
                es += sorted[i];
            }
            RiskMeasures.Result result = RiskMeasures.ofFirst(losses, n, 0.99, 0.975, tail);
            assertThat(result.valueAtRisk()).as("n %d", n).isEqualTo(Math.max(0.0, sorted[n - kVar]));
            assertThat(result.expectedShortfall()).as("n %d", n).isCloseTo(Math.max(0.0, es / kEs), within(1e-9));
        }
    }
}
