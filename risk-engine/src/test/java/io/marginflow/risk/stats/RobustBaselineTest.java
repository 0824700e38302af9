package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RobustBaselineTest {

    @Test
    void onAStationarySampleItSettlesAtTheSamplesMedianAndMad() {
        // Independent calculation: the batch median and MAD of the same 20,000 draws (exponential, skewed on purpose:
        // its median ln 2 = 0.693 differs from its mean 1; its MAD is 0.4812).
        Random random = new Random(3);
        double[] sample = new double[20_000];
        RobustBaseline baseline = RobustBaseline.EMPTY;
        for (int i = 0; i < sample.length; i++) {
            sample[i] = -Math.log(1.0 - random.nextDouble());
            baseline = baseline.next(sample[i], 0.01);
        }
        double median = median(sample);
        double[] distances = Arrays.stream(sample).map(x -> Math.abs(x - median)).toArray();
        double mad = median(distances);
        assertThat(median).isCloseTo(Math.log(2), within(0.02));
        assertThat(baseline.median()).isCloseTo(median, within(0.05));
        assertThat(baseline.mad()).isCloseTo(mad, within(0.05 * mad * 2));
        assertThat(baseline.count()).isEqualTo(20_000);
    }

    @Test
    void outliersBarelyMoveItWhereTheyWouldDragAMean() {
        Random random = new Random(5);
        RobustBaseline baseline = RobustBaseline.EMPTY;
        double mean = 0.0;
        for (int i = 0; i < 5_000; i++) {
            double x = i % 20 == 0 ? 100.0 : random.nextGaussian(); // 5% wild values
            baseline = baseline.next(x, 0.02);
            mean += 0.02 * (x - mean);
        }
        assertThat(Math.abs(baseline.median())).isLessThan(0.2);
        assertThat(mean).as("an exponentially weighted mean, for contrast").isGreaterThan(2.0);
        // a normal sample's MAD is 0.6745 σ: the z of 4 is about 4
        assertThat(baseline.z(4.0)).isBetween(3.0, 5.5);
    }

    @Test
    void itStartsFromTheFirstObservationsAndRefusesNonsense() {
        RobustBaseline one = RobustBaseline.EMPTY.next(2.0, 0.1);
        assertThat(one).isEqualTo(new RobustBaseline(2.0, 0.0, 1));
        assertThat(one.z(10.0)).as("no spread yet").isZero();
        RobustBaseline two = one.next(3.0, 0.1);
        assertThat(two).isEqualTo(new RobustBaseline(2.0, 1.0, 2));
        // by hand: the median steps 0.1 × 1 toward 5, the MAD grows by e^0.1 (|5 − 2| > 1)
        RobustBaseline three = two.next(5.0, 0.1);
        assertThat(three.median()).isCloseTo(2.1, within(1e-15));
        assertThat(three.mad()).isCloseTo(Math.exp(0.1), within(1e-15));
        assertThat(three.z(2.1 + 1.4826 * Math.exp(0.1))).isCloseTo(1.0, within(1e-12));
        assertThatThrownBy(() -> one.next(Double.NaN, 0.1)).hasMessageContaining("finite");
        assertThatThrownBy(() -> one.next(1.0, 1.0)).hasMessageContaining("rate");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
