package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ForecastLossesTest {

    @Test
    void qlikeIsZeroForAPerfectForecastAndPunishesUnderForecastsMore() {
        assertThat(ForecastLosses.qlike(2.0, 2.0)).isZero();
        // by hand: realised 2, forecast 1: 2 − ln 2 − 1 = 0.30685; realised 1, forecast 2: 0.5 + ln 2 − 1 = 0.19315
        assertThat(ForecastLosses.qlike(2.0, 1.0)).isCloseTo(1.0 - Math.log(2.0), within(1e-15));
        assertThat(ForecastLosses.qlike(1.0, 2.0)).isCloseTo(Math.log(2.0) - 0.5, within(1e-15));
        assertThat(ForecastLosses.squaredError(3.0, 1.0)).isEqualTo(4.0);
    }

    @Test
    void dieboldMarianoByHand() {
        // d = 1, 2, 3, 4, 5: mean 3; autocovariances (divided by n = 5): γ0 = (4 + 1 + 0 + 1 + 4) / 5 = 2,
        // γ1 = ((−1)(−2) + 0 + 0 + (2)(1)) / 5 = 0.8. No lags: 3 / √(2 / 5) = 4.7434; one lag (Bartlett weight
        // 1/2): variance 2 + 2 × 0.5 × 0.8 = 2.8, statistic 3 / √(2.8 / 5) = 4.0089.
        double[] a = {1, 2, 3, 4, 5};
        double[] b = {0, 0, 0, 0, 0};
        ForecastLosses.DieboldMariano none = ForecastLosses.dieboldMariano(a, b, 0);
        assertThat(none.meanDifference()).isEqualTo(3.0);
        assertThat(none.statistic()).isCloseTo(3.0 / Math.sqrt(0.4), within(1e-12));
        // two-sided: 2 Φ(−4.7434) = 2.1e-6 (normal tables)
        assertThat(none.pValue()).isCloseTo(2.1e-6, within(0.1e-6));
        assertThat(ForecastLosses.dieboldMariano(a, b, 1).statistic()).isCloseTo(3.0 / Math.sqrt(0.56), within(1e-12));
        ForecastLosses.DieboldMariano same = ForecastLosses.dieboldMariano(a, a, 2);
        assertThat(same.statistic()).isZero();
        assertThat(same.pValue()).isEqualTo(1.0);
        // losses that cancel out: mean difference 0, p-value 1
        double[] c = {1.0, -1.0, 1.0, -1.0};
        assertThat(ForecastLosses.dieboldMariano(c, new double[4], 0).pValue()).isEqualTo(1.0);
    }

    @Test
    void neweyWestsRuleOfThumb() {
        assertThat(ForecastLosses.neweyWestLags(100)).isEqualTo(4);
        assertThat(ForecastLosses.neweyWestLags(880)).isEqualTo(6); // 4 × 8.8^(2/9) = 6.49
    }
}
