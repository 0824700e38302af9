package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.T0;
import static io.marginflow.pipeline.Inputs.clock;
import static io.marginflow.pipeline.Inputs.decimal;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static io.marginflow.pipeline.Inputs.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.schema.ClockTick;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.LiquidationReason;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.ReductionStep;
import io.marginflow.schema.Side;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Margin calls and liquidations as a liquidation service sees them, on the whole topology:
 * snapshots applied at once, deadlines on stream time and the clock, a fill and its funding
 * deposit of the same instant, parked fills, plans executed and refused. Defaults: ±16% in 9
 * steps, MM half of IM, grace one hour, call release 10%, liquidation release 5%.
 */
class LifecycleSpec {

    private static final Instant EXPIRY = Instant.parse("2020-06-26T08:00:00Z");

    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        pipeline = new PipelineDriver();
        pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
        pipeline.publish(perpetual("ETH-PERPETUAL", "ETH"));
        pipeline.publish(Instrument.newBuilder(perpetual("BTC-26JUN20", "BTC")).setKind(InstrumentKind.FUTURE)
                .setExpiry(EXPIRY).build());
    }

    @AfterEach
    void stop() {
        pipeline.close();
    }

    /** 100 USD, long 10 BTC-PERPETUAL and short 10 BTC-26JUN20, both at 5,000: IM 0.16 × |50,000 − 50,000| = 0. */
    private void hedgedAccount() {
        pipeline.publish(deposit("M-1", "ACC-H", "USD", "100"));
        pipeline.publish(fill("F-1", "ACC-H", "BTC-PERPETUAL", "10", 5_000.0));
        pipeline.publish(fill("F-2", "ACC-H", "BTC-26JUN20", "-10", 5_000.0));
        pipeline.publish(snapshot("BTC", 2, "BTC-PERPETUAL", 5_000.0, "BTC-26JUN20", 5_000.0));
    }

    @Test
    void aHedgeWhoseLegsMoveInOneSnapshotNeverChangesStatus() {
        hedgedAccount();

        // both legs to 4,000 at once: equity 100 − 10,000 + 10,000 = 100, IM 0
        pipeline.publish(snapshot("BTC", 3, "BTC-PERPETUAL", 4_000.0, "BTC-26JUN20", 4_000.0));

        assertThat(pipeline.margin()).extracting(MarginResult::getStatus).containsOnly(MarginStatus.NORMAL);
        assertThat(pipeline.liquidations()).isEmpty();
        assertThat(pipeline.marginCalls()).isEmpty();
    }

    @Test
    void theSameMovesAsTwoSinglePricesOfOneInstantAreDecidedTogether() {
        hedgedAccount();

        // the perpetual first: equity 100 − 10,000 = −9,900 against IM 0.16 × 10,000 = 1,600
        pipeline.publish(mark("BTC-PERPETUAL", 4_000.0, 3));
        assertThat(last(pipeline.margin()).getEquity()).isEqualByComparingTo("-9900");
        // at the same instant, the future: the account is decided on what the whole instant left
        pipeline.publish(mark("BTC-26JUN20", 4_000.0, 3));
        pipeline.publish(clock(4));

        assertThat(pipeline.liquidations()).isEmpty();
        assertThat(pipeline.margin()).extracting(MarginResult::getStatus).containsOnly(MarginStatus.NORMAL);
    }

    @Test
    void aCallUnmetAtItsDeadlineExpiresOnTheClockAndTheAccountGoesToLiquidation() {
        // 1,000 USD, long 1 BTC at 5,000 (IM 800); at 4,750 equity 750 < IM 760: a call due at minute 20 + 60
        pipeline.publish(deposit("M-1", "ACC-B", "USD", "1000"));
        pipeline.publish(fill("F-1", "ACC-B", "BTC-PERPETUAL", "1", 5_000.0));
        pipeline.publish(mark("BTC-PERPETUAL", 4_750.0, 20));
        pipeline.publish(clock(20));
        assertThat(pipeline.marginCalls()).as("decided when stream time passes minute 20").isEmpty();
        pipeline.publish(clock(21));
        assertThat(pipeline.marginCalls()).extracting(MarginCallEvent::getTransition)
                .containsExactly(MarginCallTransition.ISSUED);

        pipeline.publish(clock(80));
        assertThat(pipeline.marginCalls()).as("a deposit stamped at the deadline would still count").isEmpty();

        pipeline.publish(clock(81));
        assertThat(pipeline.marginCalls()).singleElement().satisfies(call -> {
            assertThat(call.getTransition()).isEqualTo(MarginCallTransition.EXPIRED);
            assertThat(call.getCallId()).isEqualTo("ACC-B-CALL-1");
        });
        assertThat(pipeline.liquidations()).singleElement().satisfies(signal -> {
            assertThat(signal.getTransition()).isEqualTo(LiquidationTransition.TRIGGERED);
            assertThat(signal.getReason()).isEqualTo(LiquidationReason.CALL_EXPIRED);
            assertThat(signal.getCause().getSource().getTopic()).isEqualTo(pipeline.topics.clock());
        });
    }

    @Test
    void aClockTickOlderThanThePreviousTickIsDeadLetteredAndOneBehindThePricesIsHarmless() {
        pipeline.publish(mark("BTC-PERPETUAL", 5_000.0, 12));
        pipeline.publish(clock(10));
        assertThat(pipeline.deadLetters()).as("behind stream time, ahead of the clock: it moves nothing").isEmpty();
        pipeline.publish(clock(9));

        assertThat(pipeline.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.getErrorClass()).isEqualTo("CLOCK_BACKWARDS");
            assertThat(letter.getReason()).contains("older than the partition's previous clock tick at 2020-03-12T00:10:00Z");
        });
    }

    @Test
    void aDepositStampedWithItsFillsInstantFundsANewAccountEvenWhenJournalledAfterIt() {
        Instant t = T0.plusSeconds(120);
        // long 1 BTC at 5,000 with nothing yet: equity 0 < MM 400 ...
        pipeline.publish(Fill.newBuilder(fill("F-1", "ACC-N", "BTC-PERPETUAL", "1", 5_000.0)).setEventTime(t).build());
        // ... until the deposit of the same instant: equity 1,000 ≥ IM 800
        pipeline.publish(io.marginflow.schema.CollateralMovement.newBuilder(deposit("M-1", "ACC-N", "USD", "1000"))
                .setEventTime(t).build());
        pipeline.publish(clock(3));

        assertThat(pipeline.liquidations()).isEmpty();
        assertThat(pipeline.marginCalls()).isEmpty();
        assertThat(pipeline.margin()).extracting(MarginResult::getStatus).containsOnly(MarginStatus.NORMAL);
    }

    /**
     * A deposit published 2 ms before its fill by another producer can be fetched, and so journalled,
     * after the fill and after entries stamped later than both (here a mark): the decision grace
     * (engine.decision-grace.ms, 1,000 by default) still counts it; an entry beyond the grace
     * decides the account on what has arrived.
     */
    @ParameterizedTest(name = "mark {0} ms after the fill: liquidated {1}")
    @CsvSource({"500, false", "1001, true"})
    void aDepositJournalledAfterItsFillAndALaterEntryStillCountsWithinTheDecisionGrace(long markAfter, boolean liquidated) {
        Instant t = T0.plusSeconds(120);
        pipeline.publish(Fill.newBuilder(fill("F-1", "ACC-N", "BTC-PERPETUAL", "1", 5_000.0)).setEventTime(t).build());
        pipeline.publish(PriceUpdate.newBuilder(mark("BTC-PERPETUAL", 5_000.0, 2)).setEventTime(t.plusMillis(markAfter)).build());
        pipeline.publish(io.marginflow.schema.CollateralMovement.newBuilder(deposit("M-1", "ACC-N", "USD", "1000"))
                .setEventTime(t.minusMillis(2)).build());
        pipeline.publish(clock(3));

        assertThat(pipeline.liquidations()).hasSize(liquidated ? 2 : 0); // triggered, then cleared by the deposit
        assertThat(pipeline.marginCalls()).isEmpty();
    }

    @Test
    void anUnfundedFillIsLiquidatedOnceStreamTimeHasPassedItsInstant() {
        pipeline.publish(fill("F-1", "ACC-N", "BTC-PERPETUAL", "1", 5_000.0));
        assertThat(pipeline.liquidations()).isEmpty();

        pipeline.publish(clock(2));

        assertThat(pipeline.liquidations()).singleElement()
                .extracting(LiquidationSignal::getReason).isEqualTo(LiquidationReason.MAINTENANCE_BREACH);
    }

    @Test
    void aFillArrivingBeforeItsInstrumentIsParkedAndAppliedWhenTheDefinitionArrives() {
        pipeline.publish(deposit("M-1", "ACC-S", "USD", "1000"));
        pipeline.publish(fill("F-1", "ACC-S", "SOL-PERPETUAL", "10", 20.0));
        assertThat(pipeline.margin()).extracting(MarginResult::getCause)
                .allSatisfy(cause -> assertThat(cause.getSource().getTopic()).isEqualTo(pipeline.topics.collateral()));

        pipeline.publish(Instrument.newBuilder(perpetual("SOL-PERPETUAL", "SOL")).setEventTime(T0.plusSeconds(90)).build());

        // 10 SOL at 20: IM 0.16 × 200 = 32, applied under the fill's own journal coordinates
        assertThat(pipeline.margin()).singleElement().satisfies(result -> {
            assertThat(result.getInitialMargin()).isEqualByComparingTo("32");
            assertThat(result.getCause().getSource().getTopic()).isEqualTo(pipeline.topics.fills());
        });
        assertThat(pipeline.deadLetters()).isEmpty();
    }

    @Test
    void aServiceExecutingThePlanRestoresTheAccountAndAFillOfASupersededPlanIsRefused() {
        // 1,000 USD, long 1 BTC at 5,000; at 4,300 equity 300 < MM 344
        pipeline.publish(deposit("M-1", "ACC-B", "USD", "1000"));
        pipeline.publish(fill("F-1", "ACC-B", "BTC-PERPETUAL", "1", 5_000.0));
        pipeline.publish(mark("BTC-PERPETUAL", 4_300.0, 30));
        pipeline.publish(new ClockTick(T0.plusSeconds(30 * 60).plusMillis(1_500))); // past the decision grace
        LiquidationSignal triggered = pipeline.liquidations().get(0);
        ReductionStep step = triggered.getPlan().get(0);
        assertThat(step.getSide()).isEqualTo(Side.SELL);

        pipeline.publish(Fill.newBuilder(fill("L-1", "ACC-B", "BTC-PERPETUAL", "-1", 4_300.0))
                .setQuantity(decimal(step.getQuantity().negate().toPlainString())).setPrice(step.getMarkPrice())
                .setOrderId(triggered.getPlanOrderId()).setEventTime(T0.plusSeconds(30 * 60 + 2)).build());
        pipeline.publish(Fill.newBuilder(fill("L-OLD", "ACC-B", "BTC-PERPETUAL", "-0.1", 4_300.0))
                .setOrderId("ACC-B-LIQ-1/r0").setEventTime(T0.plusSeconds(30 * 60 + 3).plusMillis(500)).build()); // decided by then
        pipeline.publish(clock(31));

        // what is left (0.4153 BTC) needs IM 0.16 × 4,300 × 0.4153 ≤ 300 / 1.05: cleared
        List<LiquidationSignal> signals = pipeline.liquidations();
        assertThat(signals).extracting(LiquidationSignal::getTransition).containsExactly(LiquidationTransition.CLEARED);
        List<DeadLetter> letters = pipeline.deadLetters();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.getErrorClass()).isEqualTo("STALE_LIQUIDATION_PLAN");
            assertThat(letter.getReason()).contains("ACC-B-LIQ-1/r0").contains("not in liquidation");
        });
    }

    @Test
    void aSnapshotTheEngineCannotApplyWholeIsRefusedWholeWithItsReason() {
        hedgedAccount();
        pipeline.margin();

        pipeline.publish(snapshot("BTC", 3, "BTC-PERPETUAL", 4_000.0, "ETH-PERPETUAL", 200.0));
        pipeline.publish(snapshot("BTC", 3, "BTC-PERPETUAL", 4_000.0, "DOGE-PERPETUAL", 0.1));
        pipeline.publish(snapshot("BTC", 3, "BTC-PERPETUAL", 4_000.0, "BTC-PERPETUAL", 4_001.0));
        pipeline.publish(snapshot("BTC", 3, "BTC-PERPETUAL", Double.NaN));

        assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass)
                .containsExactly("WRONG_UNDERLYING", "UNKNOWN_INSTRUMENT", "DUPLICATE_INSTRUMENT", "INVALID_PRICE");
        assertThat(pipeline.margin()).as("no price of a refused snapshot was applied").isEmpty();
    }

    @Test
    void lifecycleRulesOutOfRangeAreDeadLetteredWithTheRuleNamed() {
        pipeline.publish(io.marginflow.schema.RiskParameters.newBuilder(Inputs.parameters("BTC", 2, 0.16, 9, 0.5))
                .setCallReleaseBuffer(2.0).build());
        pipeline.publish(io.marginflow.schema.RiskParameters.newBuilder(Inputs.parameters("BTC", 3, 0.16, 9, 0.5))
                .setBackstopFraction(-0.1).build());
        pipeline.publish(io.marginflow.schema.RiskParameters.newBuilder(Inputs.parameters("BTC", 4, 0.16, 9, 0.5))
                .setCallGracePeriodMillis(-1).build());

        List<DeadLetter> letters = pipeline.deadLetters();
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsExactly("INVALID_PARAMETERS", "INVALID_PARAMETERS",
                "INVALID_PARAMETERS");
        assertThat(letters).extracting(DeadLetter::getReason).satisfiesExactly(
                reason -> assertThat(reason).contains("call release buffer must be in [0.0, 1.0]: 2.0"),
                reason -> assertThat(reason).contains("backstop fraction"),
                reason -> assertThat(reason).contains("call grace period"));
    }

    @Test
    void equityHoveringAroundInitialMarginIssuesOneCall() {
        pipeline.publish(deposit("M-1", "ACC-B", "USD", "1000"));
        pipeline.publish(fill("F-1", "ACC-B", "BTC-PERPETUAL", "1", 5_000.0));
        // IM 0.16 × P, equity 1,000 − 5,000 + P: below IM under 4,762 (0.84 P < 4,000), met only from 4,855 (P − 4,000 ≥ 1.1 × 0.16 P)
        double[] marks = {4_770, 4_750, 4_770, 4_755, 4_800, 4_760, 4_820};
        for (int i = 0; i < marks.length; i++) {
            pipeline.publish(mark("BTC-PERPETUAL", marks[i], 10 + i));
        }
        pipeline.publish(clock(19));
        assertThat(pipeline.marginCalls()).extracting(MarginCallEvent::getTransition)
                .containsExactly(MarginCallTransition.ISSUED);

        pipeline.publish(mark("BTC-PERPETUAL", 4_860, 20));
        pipeline.publish(clock(21));
        assertThat(pipeline.marginCalls()).extracting(MarginCallEvent::getTransition)
                .containsExactly(MarginCallTransition.MET);
    }

    private static <T> T last(List<T> records) {
        return records.get(records.size() - 1);
    }
}
