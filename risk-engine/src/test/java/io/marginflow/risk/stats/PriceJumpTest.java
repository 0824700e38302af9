package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PriceJumpTest {

    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;

    @Test
    void aMoveBeyondKStandardDeviationsOfTheElapsedTimeIsAJump() {
        // By hand: 2% a day over an hour is 0.02 × √(1/24) = 0.0040825; six of them 0.0244949. 100 → 103 moves
        // ln 1.03 = 0.0295588, 7.24 standard deviations: a jump; 100 → 102 moves 0.0198026: not one.
        PriceJump jump = PriceJump.of(100.0, 103.0, HOUR, 0.02, DAY, 6.0, MINUTE).orElseThrow();
        assertThat(jump.logMove()).isCloseTo(Math.log(1.03), within(1e-15));
        assertThat(jump.threshold()).isCloseTo(6 * 0.02 * Math.sqrt(1.0 / 24), within(1e-15));
        assertThat(jump.sigmas()).isCloseTo(7.2404, within(1e-4));
        assertThat(PriceJump.of(100.0, 102.0, HOUR, 0.02, DAY, 6.0, MINUTE)).isEmpty();
        assertThat(PriceJump.of(100.0, 97.0, HOUR, 0.02, DAY, 6.0, MINUTE)).as("down as up").isPresent();
    }

    @Test
    void aFatFingerIsHundredsOfStandardDeviationsAndTheElapsedTimeHasAFloor() {
        // a mark at a tenth of the last, one second later, 4% a day: the floor of a minute gives σ = 0.04 × √(1/1440)
        // = 0.00105409; the move ln 10 = 2.302585 is 2,184 of them
        PriceJump fatFinger = PriceJump.of(50_000.0, 5_000.0, 1_000, 0.04, DAY, 6.0, MINUTE).orElseThrow();
        assertThat(fatFinger.sigmas()).isCloseTo(Math.log(10) / (0.04 * Math.sqrt(1.0 / 1440)), within(1e-9))
                .isGreaterThan(2_000);
        assertThat(PriceJump.of(50_000.0, 5_000.0, 0, 0.04, DAY, 6.0, MINUTE)).as("the same instant: the floor").isPresent();
    }

    @Test
    void withoutAForecastNothingIsJudgedAndNonsenseIsRefused() {
        assertThat(PriceJump.of(100.0, 10.0, HOUR, 0.0, DAY, 6.0, MINUTE)).isEmpty();
        assertThat(PriceJump.of(100.0, 10.0, HOUR, Double.NaN, DAY, 6.0, MINUTE)).isEmpty();
        assertThatThrownBy(() -> PriceJump.of(100.0, 10.0, HOUR, 0.02, DAY, -1.0, MINUTE)).hasMessageContaining("k,");
        assertThatThrownBy(() -> PriceJump.of(100.0, 10.0, HOUR, 0.02, DAY, Double.NaN, MINUTE)).hasMessageContaining("k,");
        assertThatThrownBy(() -> PriceJump.of(0.0, 10.0, HOUR, 0.02, DAY, 6.0, MINUTE)).hasMessageContaining("positive");
        assertThatThrownBy(() -> PriceJump.of(100.0, 10.0, HOUR, 0.02, 0, 6.0, MINUTE)).hasMessageContaining("interval");
    }
}
