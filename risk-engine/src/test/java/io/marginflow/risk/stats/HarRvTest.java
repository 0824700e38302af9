package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HarRvTest {

    @Test
    void aForecastIsTheRegressionOnTheDayTheWeekAndTheMonthByHand() {
        // rv[d] = d + 1: at t = 29 the day is 30, the week (24 … 30) 27, the month (1 … 30) 15.5.
        double[] rv = new double[40];
        for (int d = 0; d < rv.length; d++) {
            rv[d] = d + 1;
        }
        HarRv model = new HarRv(1.0, 0.5, 0.25, 0.125);
        assertThat(model.forecast(rv, 29)).isCloseTo(1.0 + 0.5 * 30 + 0.25 * 27 + 0.125 * 15.5, within(1e-12));
        assertThat(new HarRv(-100.0, 0.0, 0.0, 0.0).forecast(rv, 29)).as("not positive: the monthly mean")
                .isEqualTo(15.5);
        assertThatThrownBy(() -> model.forecast(rv, 28)).hasMessageContaining("has no 30 days before it");
    }

    @Test
    void fittingAHarProcessRecoversItsCoefficients() {
        // An independent check: simulate RV(t+1) = b0 + bd RV(t) + bw RV_w(t) + bm RV_m(t) + noise with known b
        // (mean-reverting: bd + bw + bm = 0.9), then fit. 4,000 days, noise a tenth of the long-run level.
        double b0 = 0.1;
        double bd = 0.4;
        double bw = 0.3;
        double bm = 0.2;
        Random random = new Random(11);
        double[] rv = new double[4_000];
        for (int d = 0; d < HarRv.MONTH; d++) {
            rv[d] = 1.0;
        }
        for (int t = HarRv.MONTH - 1; t + 1 < rv.length; t++) {
            double mean = b0 + bd * rv[t] + bw * HarRv.mean(rv, t, HarRv.WEEK) + bm * HarRv.mean(rv, t, HarRv.MONTH);
            rv[t + 1] = mean * (1.0 + 0.1 * random.nextGaussian());
        }
        HarRv fitted = HarRv.fit(rv, 0, rv.length);
        assertThat(fitted.intercept()).isCloseTo(b0, within(0.03));
        assertThat(fitted.daily()).isCloseTo(bd, within(0.05));
        assertThat(fitted.weekly()).isCloseTo(bw, within(0.08));
        assertThat(fitted.monthly()).isCloseTo(bm, within(0.08));
        assertThatThrownBy(() -> HarRv.fit(rv, 0, 35)).hasMessageContaining("at least 10 days");
    }
}
