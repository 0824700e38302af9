package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BacktestsTest {

    @Test
    void kupiecByHand() {
        // n = 250, x = 5, p = 0.01: LR = −2[245 ln 0.99 + 5 ln 0.01] + 2[245 ln 0.98 + 5 ln 0.02]
        // = 50.976366 − 49.019556 = 1.95681 (six-digit logarithms); P(χ²₁ > 1.95681) = 0.16185.
        Backtests.LikelihoodRatio lr = Backtests.kupiec(250, 5, 0.99);
        assertThat(lr.statistic()).isCloseTo(1.95681, within(1e-5));
        assertThat(lr.pValue()).isCloseTo(0.16185, within(1e-5));
        assertThat(lr.rejectedAt(0.05)).isFalse();
    }

    @Test
    void kupiecsNonRejectionRegionsAsJorionTabulates() {
        // Jorion, Value at Risk (3rd ed.), table "Model backtesting, 95% nonrejection test confidence
        // regions", p = 0.01: T = 510 days: 1 < N < 11; T = 1000 days: 4 < N < 17.
        assertThat(Backtests.kupiec(510, 1, 0.99).rejectedAt(0.05)).isTrue();
        assertThat(Backtests.kupiec(510, 2, 0.99).rejectedAt(0.05)).isFalse();
        assertThat(Backtests.kupiec(510, 10, 0.99).rejectedAt(0.05)).isFalse();
        assertThat(Backtests.kupiec(510, 11, 0.99).rejectedAt(0.05)).isTrue();
        assertThat(Backtests.kupiec(1000, 4, 0.99).rejectedAt(0.05)).isTrue();
        assertThat(Backtests.kupiec(1000, 5, 0.99).rejectedAt(0.05)).isFalse();
        assertThat(Backtests.kupiec(1000, 16, 0.99).rejectedAt(0.05)).isFalse();
        assertThat(Backtests.kupiec(1000, 17, 0.99).rejectedAt(0.05)).isTrue();
    }

    @Test
    void christoffersenByHand() {
        // 0 0 1 1 0 0 0 1 0 0: transitions n00 = 4, n01 = 2, n10 = 2, n11 = 1.
        // π0 = 2/6, π1 = 1/3, π = 3/9: all equal, so clustering adds nothing: LR = 0, p = 1.
        boolean[] spread = {false, false, true, true, false, false, false, true, false, false};
        assertThat(Backtests.christoffersen(spread).statistic()).isCloseTo(0.0, within(1e-12));
        // 0 0 0 0 0 0 1 1 1 1: n00 = 5, n01 = 1, n10 = 0, n11 = 3. π0 = 1/6, π1 = 1, π = 4/9.
        // LR = −2[5 ln(5/9) + 4 ln(4/9)] + 2[5 ln(5/6) + 1 ln(1/6) + 0 + 3 ln 1]
        //    = −2[−2.938933 − 3.243721] + 2[−0.911608 − 1.791759] = 12.365308 − 5.406735 = 6.958573.
        boolean[] clustered = {false, false, false, false, false, false, true, true, true, true};
        Backtests.LikelihoodRatio lr = Backtests.christoffersen(clustered);
        assertThat(lr.statistic()).isCloseTo(6.958573, within(1e-5));
        assertThat(lr.rejectedAt(0.01)).isTrue();
    }

    @Test
    void baselTrafficLightForTwoHundredFiftyDays() {
        // Basel Committee on Banking Supervision (1996), "Supervisory framework for the use of backtesting
        // in conjunction with the internal models approach", table 2: green 0–4, yellow 5–9, red 10+.
        for (int x = 0; x <= 4; x++) {
            assertThat(Backtests.trafficLight(250, x, 0.99)).as("%d exceptions", x).isEqualTo(Backtests.Zone.GREEN);
        }
        for (int x = 5; x <= 9; x++) {
            assertThat(Backtests.trafficLight(250, x, 0.99)).as("%d exceptions", x).isEqualTo(Backtests.Zone.YELLOW);
        }
        assertThat(Backtests.trafficLight(250, 10, 0.99)).isEqualTo(Backtests.Zone.RED);
    }
}
