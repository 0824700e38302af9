package io.marginflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.config.EngineSettings;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.lifecycle.LifecycleRules;
import io.marginflow.risk.lifecycle.ReductionPlan;
import io.marginflow.schema.Cause;
import io.marginflow.schema.LiquidationReason;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.Side;
import io.marginflow.schema.SourceCoordinates;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * What a recomputed margin publishes, as a pure function: the result and the lifecycle's events
 * in order, with their ids, amounts and plans, each chained to the one before. The lifecycle's
 * own rules are LifecycleTest's; these check what reaches the contract. Defaults: tolerance
 * max(1 USD, 0.5% of the last published figure), call release 10%, grace one hour.
 */
class AccountTransitionsTest {

    private static final EngineSettings SETTINGS = MarginflowConfig.of(Map.of()).engine();
    private static final LifecycleRules RULES = SETTINGS.defaultLifecycle();
    private static final Instant T = Instant.parse("2020-03-12T10:00:00Z");
    private static final Cause CAUSE = Cause.newBuilder().setJournalPartition(1).setJournalOffset(42)
            .setSource(new SourceCoordinates("market.prices", 0, 7L, T)).setEventTime(T).build();
    private static final long HOUR = 3_600_000L;
    private static final ReductionPlan PLAN = new ReductionPlan(List.of(new ReductionPlan.Step("BTC-PERPETUAL",
            ReductionPlan.Side.SELL, new BigDecimal("0.5"), 5_000, 120)), true, 400);

    private final AccountTransitions transitions = new AccountTransitions(SETTINGS);

    /** Equity {@code equity} against IM {@code im} and MM half of it. */
    private static AccountMargin margin(double equity, double im) {
        return new AccountMargin(equity, equity, im, im / 2, MarginStatus.of(equity, im, im / 2), im, 0, 0, 0,
                AccountMargin.Component.SCENARIO, List.of());
    }

    private AccountTransitions.Update next(AccountRecord before, AccountMargin margin) {
        return transitions.next("ACC-1", before, margin, CAUSE, decision(false)).orElseThrow();
    }

    private static AccountTransitions.Decision decision(boolean hold) {
        return new AccountTransitions.Decision(RULES, T.toEpochMilli(), hold, 1, (target, wholeBook) -> PLAN);
    }

    private static List<SpecificRecord> outputs(AccountTransitions.Update update) {
        return update.outputs().stream().map(OutputChain.Sealed::output).toList();
    }

    @Test
    void aNewAccountsFirstMarginIsPublishedAtTheHeadOfItsChain() {
        AccountTransitions.Update update = next(AccountRecord.NEW, margin(1_000, 800));

        assertThat(outputs(update)).singleElement().isInstanceOfSatisfying(MarginResult.class, result -> {
            assertThat(result.getSequence()).isEqualTo(1);
            assertThat(result.getPreviousHash()).isEmpty();
            assertThat(result.getCause()).isEqualTo(CAUSE);
            assertThat(OutputChain.verifies(result)).isTrue();
        });
        assertThat(update.after().status()).isEqualTo(MarginStatus.NORMAL);
        assertThat(update.after().published()).isTrue();
        assertThat(update.after().hashHead()).isEqualTo(((MarginResult) outputs(update).get(0)).getHash());
    }

    @Test
    void aMoveWithinTheToleranceIsNotPublished() {
        AccountRecord before = next(AccountRecord.NEW, margin(1_000, 800)).after();

        // equity 1000 → 1004: under max(1, 0.5% × 1000 = 5); IM 800 → 803: under max(1, 4)
        assertThat(transitions.next("ACC-1", before, margin(1_004, 803), CAUSE, decision(false))).isEmpty();
        // equity 1000 → 1006: beyond 5
        assertThat(transitions.next("ACC-1", before, margin(1_006, 800), CAUSE, decision(false))).isPresent();
    }

    @Test
    void intoAMarginCallACallIsIssuedWithItsShortfallAmountAndDeadline() {
        AccountRecord before = next(AccountRecord.NEW, margin(1_000, 800)).after();

        // equity 750 < IM 760, ≥ MM 380: short 10; meeting it takes 760 × 1.1 − 750 = 86
        AccountTransitions.Update update = next(before, margin(750, 760));

        List<SpecificRecord> outputs = outputs(update);
        assertThat(outputs).hasSize(2);
        MarginResult result = (MarginResult) outputs.get(0);
        MarginCallEvent call = (MarginCallEvent) outputs.get(1);
        assertThat(result.getStatus()).isEqualTo(io.marginflow.schema.MarginStatus.MARGIN_CALL);
        assertThat(call.getTransition()).isEqualTo(MarginCallTransition.ISSUED);
        assertThat(call.getCallId()).isEqualTo("ACC-1-CALL-1");
        assertThat(call.getShortfall()).isEqualByComparingTo("10");
        assertThat(call.getAmountToMeet()).isEqualByComparingTo("86");
        assertThat(call.getDeadline()).isEqualTo(T.plusMillis(HOUR));
        assertThat(result.getSequence()).isEqualTo(2);
        assertThat(call.getSequence()).isEqualTo(3);
        assertThat(result.getPreviousHash()).isEqualTo(before.hashHead());
        assertThat(call.getPreviousHash()).isEqualTo(result.getHash());
        assertThat(OutputChain.verifies(call)).isTrue();
        assertThat(update.after().lifecycle().call().orElseThrow().id()).isEqualTo("ACC-1-CALL-1");
        assertThat(update.after().hashHead()).isEqualTo(call.getHash());
    }

    @Test
    void fromACallBelowMaintenanceTheCallIsEscalatedThenALiquidationTriggeredWithItsPlan() {
        AccountRecord called = next(next(AccountRecord.NEW, margin(1_000, 800)).after(), margin(750, 760)).after();

        // equity 300 < MM 344
        List<SpecificRecord> outputs = outputs(next(called, margin(300, 688)));

        assertThat(outputs).extracting(o -> o.getSchema().getName())
                .containsExactly("MarginResult", "MarginCallEvent", "LiquidationSignal");
        MarginCallEvent escalated = (MarginCallEvent) outputs.get(1);
        assertThat(escalated.getTransition()).isEqualTo(MarginCallTransition.ESCALATED);
        assertThat(escalated.getCallId()).isEqualTo("ACC-1-CALL-1");
        assertThat(escalated.getShortfall()).isEqualByComparingTo("388");
        assertThat(escalated.getDeadline()).isEqualTo(T.plusMillis(HOUR));
        LiquidationSignal triggered = (LiquidationSignal) outputs.get(2);
        assertThat(triggered.getTransition()).isEqualTo(LiquidationTransition.TRIGGERED);
        assertThat(triggered.getSignalId()).isEqualTo("ACC-1-LIQ-1");
        assertThat(triggered.getReason()).isEqualTo(LiquidationReason.MAINTENANCE_BREACH);
        assertThat(triggered.getRevision()).isEqualTo(1);
        assertThat(triggered.getPlanOrderId()).isEqualTo("ACC-1-LIQ-1/r1");
        assertThat(triggered.getShortfall()).isEqualByComparingTo("422.4"); // 688 × 1.05 − 300
        assertThat(triggered.getEquityToMaintenance()).isCloseTo(300.0 / 344, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(triggered.getPlan()).singleElement().satisfies(step -> {
            assertThat(step.getInstrument()).isEqualTo("BTC-PERPETUAL");
            assertThat(step.getSide()).isEqualTo(Side.SELL);
            assertThat(step.getQuantity()).isEqualByComparingTo("0.5");
            assertThat(step.getMarginReleased()).isEqualTo(120.0);
        });
        assertThat(triggered.getPlanRestores()).isTrue();
    }

    @Test
    void eachOutputIsEncodedOnceAndItsRecordCarriesExactlyTheEncodingWithItsHash() throws Exception {
        AccountRecord called = next(next(AccountRecord.NEW, margin(1_000, 800)).after(), margin(750, 760)).after();
        AccountTransitions.Update update = next(called, margin(300, 688));

        assertThat(update.outputs()).hasSize(3).allSatisfy(sealed -> {
            // an independent encoding: Avro's own writer over the record, its hash now set
            var bytes = new java.io.ByteArrayOutputStream();
            var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
            new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(sealed.output().getSchema())
                    .write(sealed.output(), encoder);
            encoder.flush();
            assertThat(sealed.encoding()).isEqualTo(bytes.toByteArray());
            assertThat(sealed.output().get(sealed.output().getSchema().getField("hash").pos())).isEqualTo(sealed.hash());
            assertThat(OutputChain.verifies(sealed.output())).isTrue();
        });
    }

    @Test
    void aHeldDecisionPublishesTheFiguresButKeepsTheStatus() {
        AccountRecord before = next(AccountRecord.NEW, margin(1_000, 800)).after();

        AccountTransitions.Update held = transitions.next("ACC-1", before, margin(300, 800), CAUSE, decision(true))
                .orElseThrow();

        assertThat(outputs(held)).singleElement().isInstanceOfSatisfying(MarginResult.class,
                result -> assertThat(result.getStatus()).isEqualTo(io.marginflow.schema.MarginStatus.NORMAL));
        assertThat(held.after().lifecycle()).isEqualTo(before.lifecycle());
        assertThat(held.outcome().held()).isTrue();
    }

    @Test
    void thePlannerIsOnlyAskedWhenALiquidationNeedsAPlan() {
        AccountRecord before = next(AccountRecord.NEW, margin(1_000, 800)).after();
        int[] asked = {0};

        transitions.next("ACC-1", before, margin(700, 800), CAUSE, new AccountTransitions.Decision(RULES,
                T.toEpochMilli(), false, 1, (target, wholeBook) -> {
                    asked[0]++;
                    return PLAN;
                }));

        assertThat(asked[0]).isZero();
    }
}
