package io.marginflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.config.EngineSettings;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.MarginStatus;
import io.marginflow.schema.Cause;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.SourceCoordinates;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * An account's status transitions, as a pure function: what a new margin publishes, which call
 * and liquidation events a status change brings, in which order, with which ids, and how they
 * chain. Defaults: tolerance max(1 USD, 0.5% of the last published figure).
 */
class AccountTransitionsTest {

    private static final EngineSettings SETTINGS = MarginflowConfig.of(Map.of()).engine();
    private static final Instant T = Instant.parse("2020-03-12T10:00:00Z");
    private static final Cause CAUSE = Cause.newBuilder().setJournalPartition(1).setJournalOffset(42)
            .setSource(new SourceCoordinates("market.prices", 0, 7L, T)).setEventTime(T).build();
    private static final long HOUR = 3_600_000L;

    private final AccountTransitions transitions = new AccountTransitions(SETTINGS);

    /** Equity {@code equity} against IM {@code im} and MM half of it; the status follows. */
    private static AccountMargin margin(double equity, double im) {
        MarginStatus status = equity >= im ? MarginStatus.NORMAL : equity >= im / 2 ? MarginStatus.MARGIN_CALL
                : MarginStatus.LIQUIDATION;
        return new AccountMargin(equity, equity, im, im / 2, status, im, 0, 0, 0, AccountMargin.Component.SCENARIO, List.of());
    }

    private AccountTransitions.Update next(AccountRecord before, AccountMargin margin) {
        return transitions.next("ACC-1", before, margin, CAUSE, () -> HOUR).orElseThrow();
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
        assertThat(transitions.next("ACC-1", before, margin(1_004, 803), CAUSE, () -> HOUR)).isEmpty();
        // equity 1000 → 1006: beyond 5
        assertThat(transitions.next("ACC-1", before, margin(1_006, 800), CAUSE, () -> HOUR)).isPresent();
    }

    @Test
    void intoAMarginCallACallIsIssuedForTheShortfallDueAfterTheGracePeriod() {
        AccountRecord before = next(AccountRecord.NEW, margin(1_000, 800)).after();

        // equity 750 < IM 760, ≥ MM 380: a call for 10
        AccountTransitions.Update update = next(before, margin(750, 760));

        List<SpecificRecord> outputs = outputs(update);
        assertThat(outputs).hasSize(2);
        MarginResult result = (MarginResult) outputs.get(0);
        MarginCallEvent call = (MarginCallEvent) outputs.get(1);
        assertThat(call.getTransition()).isEqualTo(MarginCallTransition.ISSUED);
        assertThat(call.getCallId()).isEqualTo("ACC-1-CALL-1");
        assertThat(call.getShortfall()).isEqualByComparingTo("10");
        assertThat(call.getDeadline()).isEqualTo(T.plusMillis(HOUR));
        assertThat(result.getSequence()).isEqualTo(2);
        assertThat(call.getSequence()).isEqualTo(3);
        assertThat(result.getPreviousHash()).isEqualTo(before.hashHead());
        assertThat(call.getPreviousHash()).isEqualTo(result.getHash());
        assertThat(OutputChain.verifies(call)).isTrue();
        assertThat(update.after().openCallId()).isEqualTo("ACC-1-CALL-1");
        assertThat(update.after().callCount()).isEqualTo(1);
        assertThat(update.after().hashHead()).isEqualTo(call.getHash());
    }

    @Test
    void fromACallBelowMaintenanceTheCallIsEscalatedThenLiquidationStarts() {
        AccountRecord called = next(next(AccountRecord.NEW, margin(1_000, 800)).after(), margin(750, 760)).after();

        // equity 300 < MM 344
        AccountTransitions.Update update = next(called, margin(300, 688));

        List<SpecificRecord> outputs = outputs(update);
        assertThat(outputs).extracting(o -> o.getSchema().getName())
                .containsExactly("MarginResult", "MarginCallEvent", "LiquidationSignal");
        MarginCallEvent escalated = (MarginCallEvent) outputs.get(1);
        assertThat(escalated.getTransition()).isEqualTo(MarginCallTransition.ESCALATED);
        assertThat(escalated.getCallId()).isEqualTo("ACC-1-CALL-1");
        assertThat(escalated.getShortfall()).isEqualByComparingTo("388");
        assertThat(escalated.getDeadline()).isNull();
        LiquidationSignal started = (LiquidationSignal) outputs.get(2);
        assertThat(started.getTransition()).isEqualTo(LiquidationTransition.STARTED);
        assertThat(started.getSignalId()).isEqualTo("ACC-1-LIQ-1");
        assertThat(update.after().openCallId()).isEmpty();
        assertThat(update.after().liquidationId()).isEqualTo("ACC-1-LIQ-1");
        assertThat(update.after().status()).isEqualTo(MarginStatus.LIQUIDATION);
    }

    @Test
    void outOfLiquidationTheSignalEndsAndACallIsIssuedIfStillShort() {
        AccountRecord liquidating = next(AccountRecord.NEW, margin(300, 800)).after();
        assertThat(liquidating.liquidationId()).isEqualTo("ACC-1-LIQ-1");

        // equity 700: ≥ MM 400, < IM 800
        List<SpecificRecord> outputs = outputs(next(liquidating, margin(700, 800)));

        assertThat(outputs).hasSize(3);
        assertThat(((LiquidationSignal) outputs.get(1)).getTransition()).isEqualTo(LiquidationTransition.ENDED);
        assertThat(((LiquidationSignal) outputs.get(1)).getSignalId()).isEqualTo("ACC-1-LIQ-1");
        assertThat(((MarginCallEvent) outputs.get(2)).getTransition()).isEqualTo(MarginCallTransition.ISSUED);
        assertThat(((MarginCallEvent) outputs.get(2)).getCallId()).isEqualTo("ACC-1-CALL-1");
    }

    @Test
    void aCallIsMetWithNoShortfallLeftAndItsIdClosed() {
        AccountRecord called = next(next(AccountRecord.NEW, margin(1_000, 800)).after(), margin(750, 760)).after();

        AccountTransitions.Update update = next(called, margin(900, 760));

        MarginCallEvent met = (MarginCallEvent) outputs(update).get(1);
        assertThat(met.getTransition()).isEqualTo(MarginCallTransition.MET);
        assertThat(met.getShortfall()).isEqualByComparingTo("0");
        assertThat(update.after().openCallId()).isEmpty();
        assertThat(update.after().callCount()).isEqualTo(1);
    }

    @Test
    void theGracePeriodIsOnlyWorkedOutWhenACallIsIssued() {
        AtomicInteger asked = new AtomicInteger();
        AccountRecord before = next(AccountRecord.NEW, margin(1_000, 800)).after();

        Optional<AccountTransitions.Update> moved = transitions.next("ACC-1", before, margin(2_000, 800), CAUSE, () -> {
            asked.incrementAndGet();
            return HOUR;
        });

        assertThat(moved).isPresent();
        assertThat(asked).hasValue(0);
    }
}
