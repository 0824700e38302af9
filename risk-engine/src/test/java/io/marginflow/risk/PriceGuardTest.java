package io.marginflow.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.PriceGuard.Action;
import io.marginflow.risk.PriceGuard.Finding;
import io.marginflow.risk.PriceGuard.Quote;
import io.marginflow.risk.PriceGuard.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PriceGuardTest {

    private static final long DAY = 86_400_000L;
    private static final long MINUTE = 60_000L;

    @Test
    void offJudgesNothingAndAGuardWithoutAHoldOnlyReports() {
        assertThat(PriceGuard.OFF.judges()).isFalse();
        assertThat(PriceGuard.OFF.jump(100.0, 1.0, MINUTE, 0.05, DAY)).isEmpty();
        PriceGuard reporting = new PriceGuard(8.0, 0, MINUTE);
        assertThat(reporting.judges()).isTrue();
        assertThat(reporting.holds()).isFalse();
        assertThat(new PriceGuard(8.0, 30 * MINUTE, MINUTE).holds()).isTrue();
        assertThat(new PriceGuard(0.0, 30 * MINUTE, MINUTE).holds()).as("nothing judged, nothing held").isFalse();
    }

    @Test
    void aJumpIsJudgedWithTheGuardsSigmasAndFloor() {
        // By hand: 3% a day over 15 minutes is 0.03 × √(15/1440) = 0.0030619; 8 of them 0.0244949.
        // 100 → 103 moves ln 1.03 = 0.0295588: a jump of 9.65 standard deviations; 100 → 102 (0.0198) is not.
        PriceGuard guard = new PriceGuard(8.0, 0, MINUTE);
        assertThat(guard.jump(100.0, 103.0, 15 * MINUTE, 0.03, DAY).orElseThrow().sigmas())
                .isCloseTo(Math.log(1.03) / (0.03 * Math.sqrt(15.0 / 1440)), within(1e-9));
        assertThat(guard.jump(100.0, 102.0, 15 * MINUTE, 0.03, DAY)).isEmpty();
        // one second apart is judged over the floor of a minute: σ = 0.03 × √(1/1440) = 0.00079057, 8 of them 0.0063246
        assertThat(guard.jump(100.0, 100.7, 1_000, 0.03, DAY)).isPresent();
        assertThat(guard.jump(100.0, 100.6, 1_000, 0.03, DAY)).isEmpty();
    }

    @Test
    void nonsenseIsRefusedWithTheReason() {
        assertThatThrownBy(() -> new PriceGuard(-1.0, 0, MINUTE)).hasMessageContaining("sigmas must be finite and not negative");
        assertThatThrownBy(() -> new PriceGuard(Double.NaN, 0, MINUTE)).hasMessageContaining("sigmas");
        assertThatThrownBy(() -> new PriceGuard(Double.POSITIVE_INFINITY, 0, MINUTE)).hasMessageContaining("sigmas");
        assertThatThrownBy(() -> new PriceGuard(8.0, -1, MINUTE)).hasMessageContaining("hold must be 0 to 86400000 ms: -1");
        assertThatThrownBy(() -> new PriceGuard(8.0, DAY + 1, MINUTE)).hasMessageContaining("hold");
        assertThatThrownBy(() -> new PriceGuard(8.0, 0, 0)).hasMessageContaining("minimum elapsed time");
    }

    // 3% a day over 15 minutes: σ = 0.0030619, 8σ = 0.0245, a 2.5% move; the hold is 30 minutes
    private static final PriceGuard HOLDING = new PriceGuard(8.0, 30 * MINUTE, MINUTE);
    private static final Optional<Quote> APPLIED = Optional.of(new Quote(100.0, 0));

    @Test
    void aPlausiblePriceIsAppliedAndAJumpIsHeld() {
        Verdict plausible = HOLDING.judge(APPLIED, Optional.empty(), new Quote(101.0, 15 * MINUTE), 0.03, DAY);
        assertThat(plausible.applies()).isTrue();
        assertThat(plausible.findings()).isEmpty();

        Quote fatFinger = new Quote(10.0, 15 * MINUTE);
        Verdict held = HOLDING.judge(APPLIED, Optional.empty(), fatFinger, 0.03, DAY);
        assertThat(held.applies()).isFalse();
        assertThat(held.held()).contains(fatFinger);
        assertThat(held.findings()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(Action.HELD);
            assertThat(f.reference()).isEqualTo(APPLIED.get());
            assertThat(f.jump().orElseThrow().sigmas()).isCloseTo(Math.log(10) / (0.03 * Math.sqrt(15.0 / 1440)), within(1e-9));
        });
    }

    @Test
    void theNextPriceDecidesAHeldOne() {
        Optional<Quote> held = Optional.of(new Quote(10.0, 15 * MINUTE));
        // back near 100: the held price was the mistake
        Verdict back = HOLDING.judge(APPLIED, held, new Quote(100.5, 30 * MINUTE), 0.03, DAY);
        assertThat(back.applies()).isTrue();
        assertThat(back.held()).isEmpty();
        assertThat(back.findings()).extracting(Finding::action, Finding::expired).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Action.DISCARDED, false));
        // near the held 10 (10 → 10.1 is 1%, plausible over 15 minutes): the move is real
        Verdict confirmed = HOLDING.judge(APPLIED, held, new Quote(10.1, 30 * MINUTE), 0.03, DAY);
        assertThat(confirmed.applies()).isTrue();
        assertThat(confirmed.held()).isEmpty();
        assertThat(confirmed.findings()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(Action.CONFIRMED);
            assertThat(f.held()).isEqualTo(held);
        });
        // far from both: held in its place
        Quote other = new Quote(50.0, 30 * MINUTE);
        Verdict replaced = HOLDING.judge(APPLIED, held, other, 0.03, DAY);
        assertThat(replaced.applies()).isFalse();
        assertThat(replaced.held()).contains(other);
        assertThat(replaced.findings()).singleElement().satisfies(f -> assertThat(f.held()).isEqualTo(held));
    }

    @Test
    void aHeldPriceWhoseWindowHasPassedIsDiscardedBeforeTheNextIsJudged() {
        Optional<Quote> held = Optional.of(new Quote(10.0, 15 * MINUTE));
        // 46 minutes after the held price (the window is 30): discarded as expired, and 10.1 is then a jump from 100
        Verdict verdict = HOLDING.judge(APPLIED, held, new Quote(10.1, 61 * MINUTE), 0.03, DAY);
        assertThat(verdict.findings()).extracting(Finding::action, Finding::expired).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Action.DISCARDED, true),
                org.assertj.core.groups.Tuple.tuple(Action.HELD, false));
        assertThat(verdict.applies()).isFalse();
    }

    @Test
    void withoutAHoldAJumpIsAppliedAndWithoutAReferenceOrForecastNothingIsJudged() {
        Verdict applied = new PriceGuard(8.0, 0, MINUTE).judge(APPLIED, Optional.empty(), new Quote(10.0, MINUTE), 0.03, DAY);
        assertThat(applied.applies()).isTrue();
        assertThat(applied.findings()).extracting(Finding::action).containsExactly(Action.APPLIED);
        assertThat(HOLDING.judge(Optional.empty(), Optional.empty(), new Quote(10.0, MINUTE), 0.03, DAY).findings()).isEmpty();
        assertThat(HOLDING.judge(APPLIED, Optional.empty(), new Quote(10.0, MINUTE), 0.0, DAY).applies()).isTrue();
        assertThat(PriceGuard.OFF.judge(APPLIED, Optional.empty(), new Quote(10.0, MINUTE), 0.03, DAY).applies()).isTrue();
    }
}
