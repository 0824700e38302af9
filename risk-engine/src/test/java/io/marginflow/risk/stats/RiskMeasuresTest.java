package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RiskMeasuresTest {

    @Test
    void withFiveHundredScenariosThe99PercentVarIsTheFifthWorstLoss() {
        // Hull's historical-simulation convention (Risk Management and Financial Institutions): 500
        // scenarios, 99% VaR = the fifth-worst loss. Losses 1 … 500: VaR = 496. The 97.5% ES, by Acerbi and
        // Tasche (2002), weighs w = 500 × 0.025 = 12.5 losses: the 12 worst, 489 … 500 (sum 5,934), and half
        // of the 13th, 488: (5,934 + 244) / 12.5 = 494.24 (the mean of the 13 worst would be 494).
        double[] losses = new double[500];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = 500 - i;
        }
        RiskMeasures.Result result = RiskMeasures.of(losses, 0.99, 0.975);
        assertThat(result.valueAtRisk()).isEqualTo(496.0);
        assertThat(result.expectedShortfall()).isCloseTo(494.24, within(1e-9));
    }

    @Test
    void expectedShortfallWeighsTheLastLossOfAFractionalTailByItsFraction() {
        // By hand, losses 1 … 10 (shuffled), Acerbi–Tasche: at 75%, w = 2.5: (10 + 9 + 0.5 × 8) / 2.5 = 9.2
        // (the mean of the ⌈2.5⌉ = 3 worst would be 9); at 80%, w = 2 is whole: (10 + 9) / 2 = 9.5; at 95%,
        // w = 0.5 < 1: the worst loss alone, 10; at 70%, w = 3: (10 + 9 + 8) / 3 = 9.
        double[] losses = {3, 10, 1, 8, 6, 9, 2, 7, 5, 4};
        assertThat(RiskMeasures.of(losses, 0.75, 0.75).expectedShortfall()).isCloseTo(9.2, within(1e-12));
        assertThat(RiskMeasures.of(losses, 0.75, 0.75).valueAtRisk()).as("the ⌈2.5⌉ = 3rd worst").isEqualTo(8.0);
        assertThat(RiskMeasures.of(losses, 0.8, 0.8).expectedShortfall()).isCloseTo(9.5, within(1e-12));
        assertThat(RiskMeasures.of(losses, 0.95, 0.95).expectedShortfall()).isCloseTo(10.0, within(1e-12));
        assertThat(RiskMeasures.of(losses, 0.7, 0.7).expectedShortfall()).isCloseTo(9.0, within(1e-12));
        // 250 scenarios at 97.5% (w = 6.25) the case: losses 1 … 250, (250 + … + 245 + 0.25 × 244) / 6.25
        double[] many = new double[250];
        for (int i = 0; i < many.length; i++) {
            many[i] = i + 1;
        }
        double expected = (250 + 249 + 248 + 247 + 246 + 245 + 0.25 * 244) / 6.25;
        assertThat(RiskMeasures.of(many, 0.99, 0.975).expectedShortfall()).isCloseTo(expected, within(1e-9));
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
            // Acerbi–Tasche by the definition: each of the n sorted losses weighs 1/n, the tail weighs
            // w = n × 0.025, taken from the largest down until it is used up.
            double weight = n * 0.025;
            double left = weight;
            double es = 0.0;
            for (int i = n - 1; i >= 0 && left > 1e-12; i--) {
                double taken = Math.min(1.0, left);
                es += taken * sorted[i];
                left -= taken;
            }
            RiskMeasures.Result result = RiskMeasures.ofFirst(losses, n, 0.99, 0.975, tail);
            assertThat(result.valueAtRisk()).as("n %d", n).isEqualTo(Math.max(0.0, sorted[n - kVar]));
            assertThat(result.expectedShortfall()).as("n %d", n).isCloseTo(Math.max(0.0, es / weight), within(1e-9));
        }
    }
}
