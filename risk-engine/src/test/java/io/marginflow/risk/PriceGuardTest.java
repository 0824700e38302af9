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

    @Test
    void aPerpetualsMarkIsJudgedAgainstItsIndexWhenItCrossesTheRangeAndOnceForALastingBasis() {
        // By hand: the mark and index of the same instant are judged over the floor of a minute,
        // σ = 0.03 × √(1/1440) = 0.00079057, 8σ = 0.0063246 (0.63%). A mark 1.5% above an index of 100
        // is ln 1.015 / σ = 18.83 standard deviations off it, though plausible from the previous mark
        // 100 a quarter of an hour before (8σ over 15 minutes is 2.45%).
        Optional<Quote> index = Optional.of(new Quote(100.0, 15 * MINUTE));
        Quote off = new Quote(101.5, 15 * MINUTE);
        Verdict held = HOLDING.judge(APPLIED, Optional.empty(), off, at(index, false), 0.03, DAY);
        assertThat(held.applies()).isFalse();
        assertThat(held.offIndex()).isTrue();
        assertThat(held.findings()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(Action.HELD);
            assertThat(f.againstIndex()).isTrue();
            assertThat(f.reference()).isEqualTo(index.get());
            assertThat(f.jump().orElseThrow().sigmas()).isCloseTo(Math.log(1.015) / (0.03 * Math.sqrt(1.0 / 1440)), within(1e-9));
            assertThat(f.jump().orElseThrow().sigmas()).isCloseTo(18.83, within(0.01));
        });
        // the next mark insists (near the held one): the basis is confirmed and applied, and reported as off the index
        Quote insists = new Quote(101.6, 30 * MINUTE);
        Verdict confirmed = HOLDING.judge(APPLIED, held.held(), insists, at(Optional.of(new Quote(100.0, 30 * MINUTE)), false),
                0.03, DAY);
        assertThat(confirmed.applies()).isTrue();
        assertThat(confirmed.offIndex()).isTrue();
        assertThat(confirmed.findings()).extracting(Finding::action, Finding::againstIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Action.CONFIRMED, true));
        // while the applied mark lay that far from its index, the basis is not judged again
        Optional<Quote> appliedOff = Optional.of(insists);
        Optional<Quote> index45 = Optional.of(new Quote(100.0, 45 * MINUTE));
        Verdict lasting = HOLDING.judge(appliedOff, Optional.empty(), new Quote(101.7, 45 * MINUTE), at(index45, true), 0.03, DAY);
        assertThat(lasting.applies()).isTrue();
        assertThat(lasting.findings()).isEmpty();
        assertThat(lasting.offIndex()).isTrue();
        // back within range (0.2%): no longer off; off again after that is a new crossing, judged again
        Verdict back = HOLDING.judge(appliedOff, Optional.empty(), new Quote(100.2, 60 * MINUTE),
                at(Optional.of(new Quote(100.0, 60 * MINUTE)), true), 0.03, DAY);
        assertThat(back.findings()).isEmpty();
        assertThat(back.offIndex()).isFalse();
        Verdict again = HOLDING.judge(Optional.of(new Quote(100.2, 60 * MINUTE)), Optional.empty(), new Quote(101.5, 75 * MINUTE),
                at(Optional.of(new Quote(100.0, 75 * MINUTE)), false), 0.03, DAY);
        assertThat(again.findings()).extracting(Finding::action).containsExactly(Action.HELD);
        // an index a quarter of an hour older widens the range to 2.45%: 1.5% is then plausible
        Verdict older = HOLDING.judge(APPLIED, Optional.empty(), off, at(Optional.of(new Quote(100.0, 0)), false), 0.03, DAY);
        assertThat(older.findings()).isEmpty();
        assertThat(older.offIndex()).isFalse();
    }

    @Test
    void aMarkThatJumpsFromItsPreviousOneIsReportedAgainstItAndWithoutAHoldApplied() {
        Optional<Quote> index = Optional.of(new Quote(10.0, 15 * MINUTE));
        Verdict verdict = HOLDING.judge(APPLIED, Optional.empty(), new Quote(10.0, 15 * MINUTE), at(index, false), 0.03, DAY);
        assertThat(verdict.findings()).singleElement().satisfies(f -> {
            assertThat(f.againstIndex()).as("the previous mark is judged first").isFalse();
            assertThat(f.reference()).isEqualTo(APPLIED.get());
        });
        Verdict reported = new PriceGuard(8.0, 0, MINUTE).judge(APPLIED, Optional.empty(), new Quote(101.5, 15 * MINUTE),
                at(Optional.of(new Quote(100.0, 15 * MINUTE)), false), 0.03, DAY);
        assertThat(reported.applies()).isTrue();
        assertThat(reported.offIndex()).isTrue();
        assertThat(reported.findings()).extracting(Finding::action, Finding::againstIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Action.APPLIED, true));
    }

    @Test
    void aDatedFuturesMarkIsJudgedAgainstTheIndexWithTheBasisOfItsLastMark() {
        // The future's last mark lay 1% above its index (basis ln 1.01): the index of 100 puts it at 101. A mark
        // of 101.2 is 0.2% from there, within 8σ of the floor (0.63%); 102.6 is ln(102.6 / 101) = 1.57% from it:
        // 19.9 standard deviations of a minute, though plausible from the previous mark 101 a quarter of an hour
        // before (1.57% against 2.45%).
        Optional<Quote> future = Optional.of(new Quote(101.0, 0));
        Optional<PriceGuard.IndexReference> place = Optional.of(new PriceGuard.IndexReference(new Quote(100.0, 15 * MINUTE),
                Math.log(1.01), false));
        assertThat(place.get().mark()).isCloseTo(101.0, within(1e-9));
        assertThat(HOLDING.judge(future, Optional.empty(), new Quote(101.2, 15 * MINUTE), place, 0.03, DAY).findings())
                .isEmpty();
        Verdict held = HOLDING.judge(future, Optional.empty(), new Quote(102.6, 15 * MINUTE), place, 0.03, DAY);
        assertThat(held.findings()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(Action.HELD);
            assertThat(f.againstIndex()).isTrue();
            assertThat(f.reference().price()).isCloseTo(101.0, within(1e-9));
            assertThat(f.jump().orElseThrow().sigmas()).isCloseTo(Math.log(102.6 / 101.0) / (0.03 * Math.sqrt(1.0 / 1440)),
                    within(1e-6));
        });
    }

    private static Optional<PriceGuard.IndexReference> at(Optional<Quote> index, boolean accepted) {
        return index.map(quote -> new PriceGuard.IndexReference(quote, 0.0, accepted));
    }
}
