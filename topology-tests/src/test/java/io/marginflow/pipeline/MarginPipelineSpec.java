package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.clock;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.expired;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.parameters;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.engine.OutputChain;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Fill;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.RiskParameters;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What Marginflow does with each kind of input, and what each output means, on the whole
 * topology (sequencer, journal, engine) under TopologyTestDriver. Defaults unless a case says
 * otherwise: ±16% in 9 steps, maintenance margin half of initial. Every figure is worked by
 * hand in the comment beside it: a linear position's worst loss is quantity × price × 16%.
 */
class MarginPipelineSpec {

    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        pipeline = new PipelineDriver();
        pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
        pipeline.publish(perpetual("ETH-PERPETUAL", "ETH"));
    }

    @AfterEach
    void stop() {
        pipeline.close();
    }

    @Nested
    class Journal {

        @Test
        void everyValidInputIsJournalledWithItsSourceCoordinates() {
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));

            List<JournalEntry> journal = pipeline.journal();
            assertThat(journal).hasSize(3); // two instruments and the deposit
            JournalEntry deposit = journal.get(2);
            assertThat(deposit.getSource().getTopic()).isEqualTo("clearing.collateral");
            assertThat(deposit.getSource().getOffset()).isZero();
            assertThat(deposit.getEventTime()).isEqualTo(Inputs.T0.plusSeconds(30));
        }
    }

    @Nested
    class AccountEvents {

        @Test
        void aDepositPublishesTheAccountsFirstResult() {
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));

            assertThat(pipeline.margin()).singleElement().satisfies(result -> {
                assertThat(result.getAccount()).isEqualTo("ACC-A");
                assertThat(result.getSequence()).isEqualTo(1);
                assertThat(result.getEquity()).isEqualByComparingTo("10000");
                assertThat(result.getInitialMargin()).isEqualByComparingTo("0");
                assertThat(result.getStatus()).isEqualTo(MarginStatus.NORMAL);
            });
        }

        @Test
        void aFillOpensAPositionMarginedAtTheEdgeOfTheScanRange() {
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "2", 5_000.0));

            MarginResult result = last(pipeline.margin());
            // IM = 2 × 5000 × 0.16 = 1600, MM = 800, equity 10000 (the fill price marks the position), excess 8400
            assertThat(result.getInitialMargin()).isEqualByComparingTo("1600");
            assertThat(result.getMaintenanceMargin()).isEqualByComparingTo("800");
            assertThat(result.getEquity()).isEqualByComparingTo("10000");
            assertThat(result.getExcess()).isEqualByComparingTo("8400");
            assertThat(result.getUnderlyings()).singleElement().satisfies(btc -> {
                assertThat(btc.getUnderlying()).isEqualTo("BTC");
                assertThat(btc.getWorstPriceMove()).isEqualTo(-0.16);
                assertThat(btc.getNetDelta()).isEqualTo(2.0);
            });
            assertThat(result.getCause().getSource().getTopic()).isEqualTo("clearing.fills");
        }
    }

    @Nested
    class MarketEvents {

        @Test
        void aMarkPriceRepricesEveryAccountExposedToItsUnderlyingAndOnlyThose() {
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "2", 5_000.0));
            pipeline.publish(deposit("M-2", "ACC-B", "USD", "10000"));
            pipeline.publish(fill("F-2", "ACC-B", "BTC-PERPETUAL", "-1", 5_000.0));
            pipeline.publish(deposit("M-3", "ACC-C", "USD", "10000"));
            pipeline.publish(fill("F-3", "ACC-C", "ETH-PERPETUAL", "10", 120.0));
            pipeline.margin();

            pipeline.publish(mark("BTC-PERPETUAL", 4_000.0, 5));

            List<MarginResult> results = pipeline.margin();
            assertThat(results).extracting(MarginResult::getAccount).containsExactly("ACC-A", "ACC-B");
            // A: 10000 + 2 × (4000 − 5000) = 8000, IM 2 × 4000 × 0.16 = 1280
            assertThat(results.get(0).getEquity()).isEqualByComparingTo("8000");
            assertThat(results.get(0).getInitialMargin()).isEqualByComparingTo("1280");
            // B (short 1): 10000 + 1000 = 11000, IM 640
            assertThat(results.get(1).getEquity()).isEqualByComparingTo("11000");
            assertThat(results.get(1).getInitialMargin()).isEqualByComparingTo("640");
            assertThat(results.get(0).getCause().getSource().getTopic()).isEqualTo("market.prices");
        }

        @Test
        void aMoveWithinTheToleranceIsNotPublished() {
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "2", 5_000.0));
            pipeline.margin();

            // equity moves by 2 and IM by 0.32: both under max(1 USD, 0.5% of the last published)
            pipeline.publish(mark("BTC-PERPETUAL", 5_001.0, 5));

            assertThat(pipeline.margin()).isEmpty();
        }

        @Test
        void newParametersRemarginTheUnderlying() {
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "2", 5_000.0));
            pipeline.margin();

            pipeline.publish(parameters("BTC", 1, 0.20, 5, 0.6));

            // IM = 2 × 5000 × 0.20 = 2000, MM = 0.6 × 2000 = 1200
            MarginResult result = last(pipeline.margin());
            assertThat(result.getInitialMargin()).isEqualByComparingTo("2000");
            assertThat(result.getMaintenanceMargin()).isEqualByComparingTo("1200");
            assertThat(result.getCause().getSource().getTopic()).isEqualTo("risk.parameters");
        }
    }

    @Nested
    class MarginCallsAndLiquidations {

        @Test
        void anAccountMovesThroughCallLiquidationAndRecoveryOnceEach() {
            // 1000 USD and long 1 BTC @ 5000: IM = 800, MM = 400
            pipeline.publish(deposit("M-1", "ACC-B", "USD", "1000"));
            pipeline.publish(fill("F-1", "ACC-B", "BTC-PERPETUAL", "1", 5_000.0));

            // 4800: equity 800 ≥ IM 768 → normal, no call
            pipeline.publish(mark("BTC-PERPETUAL", 4_800.0, 10));
            pipeline.publish(clock(11));
            assertThat(pipeline.marginCalls()).isEmpty();

            // 4750: equity 750 < IM 760, ≥ MM 380 → call issued for 10 once the instant is over, due an hour later
            pipeline.publish(mark("BTC-PERPETUAL", 4_750.0, 20));
            assertThat(pipeline.marginCalls()).as("decided at the end of the instant").isEmpty();
            pipeline.publish(clock(21));
            assertThat(pipeline.marginCalls()).singleElement().satisfies(call -> {
                assertThat(call.getTransition()).isEqualTo(MarginCallTransition.ISSUED);
                assertThat(call.getShortfall()).isEqualByComparingTo("10");
                assertThat(call.getDeadline()).isEqualTo(Inputs.T0.plusSeconds(20 * 60 + 3_600));
                assertThat(call.getCallId()).isEqualTo("ACC-B-CALL-1");
            });
            assertThat(last(pipeline.margin()).getStatus()).isEqualTo(MarginStatus.MARGIN_CALL);

            // 4300: equity 300 < MM 344 → call escalated and liquidation triggered, with a plan
            pipeline.publish(mark("BTC-PERPETUAL", 4_300.0, 30));
            pipeline.publish(clock(31));
            assertThat(pipeline.marginCalls()).singleElement()
                    .extracting(MarginCallEvent::getTransition).isEqualTo(MarginCallTransition.ESCALATED);
            assertThat(pipeline.liquidations()).singleElement().satisfies(signal -> {
                assertThat(signal.getTransition()).isEqualTo(LiquidationTransition.TRIGGERED);
                assertThat(signal.getSignalId()).isEqualTo("ACC-B-LIQ-1");
                assertThat(signal.getEquity()).isEqualByComparingTo("300");
                assertThat(signal.getMaintenanceMargin()).isEqualByComparingTo("344");
                // sell enough of the long 1 BTC that IM = 688 × q ≤ 300 / 1.05: q ≤ 0.4153, so close ≥ 0.5847
                assertThat(signal.getPlan()).singleElement().satisfies(step -> {
                    assertThat(step.getInstrument()).isEqualTo("BTC-PERPETUAL");
                    assertThat(step.getQuantity().doubleValue()).isBetween(0.5847, 0.5857);
                });
            });

            // 5000: equity 1000 ≥ IM 800 × 1.05 → liquidation cleared, no new call
            pipeline.publish(mark("BTC-PERPETUAL", 5_000.0, 40));
            pipeline.publish(clock(41));
            assertThat(pipeline.liquidations()).singleElement()
                    .extracting(LiquidationSignal::getTransition).isEqualTo(LiquidationTransition.CLEARED);
            assertThat(pipeline.marginCalls()).isEmpty();
            assertThat(last(pipeline.margin()).getStatus()).isEqualTo(MarginStatus.NORMAL);
        }

        @Test
        void aCallIsMetWhenEquityIsRestored() {
            pipeline.publish(deposit("M-1", "ACC-B", "USD", "1000"));
            pipeline.publish(fill("F-1", "ACC-B", "BTC-PERPETUAL", "1", 5_000.0));
            pipeline.publish(mark("BTC-PERPETUAL", 4_750.0, 20));
            pipeline.publish(clock(21));
            pipeline.marginCalls();

            // a deposit of 100: equity 850 ≥ IM 760 × 1.1 = 836
            pipeline.publish(CollateralMovement.newBuilder(deposit("M-2", "ACC-B", "USD", "100"))
                    .setEventTime(Inputs.T0.plusSeconds(22 * 60)).build());
            pipeline.publish(clock(23));

            assertThat(pipeline.marginCalls()).singleElement().satisfies(call -> {
                assertThat(call.getTransition()).isEqualTo(MarginCallTransition.MET);
                assertThat(call.getCallId()).isEqualTo("ACC-B-CALL-1");
                assertThat(call.getShortfall()).isEqualByComparingTo("0");
            });
        }
    }

    @Nested
    class HashChain {

        @Test
        void anAccountsOutputsAcrossTopicsFormOneVerifiableHashChain() {
            pipeline.publish(deposit("M-1", "ACC-B", "USD", "1000"));
            pipeline.publish(fill("F-1", "ACC-B", "BTC-PERPETUAL", "1", 5_000.0));
            pipeline.publish(mark("BTC-PERPETUAL", 4_750.0, 20));
            pipeline.publish(clock(21));

            List<MarginResult> results = pipeline.margin();
            List<MarginCallEvent> calls = pipeline.marginCalls();
            // sequence 1: deposit result, 2: fill result, 3: mark result, 4: the decision's result (status MARGIN_CALL), 5: the call
            assertThat(results).extracting(MarginResult::getSequence).containsExactly(1L, 2L, 3L, 4L);
            assertThat(results.get(3).getStatus()).isEqualTo(MarginStatus.MARGIN_CALL);
            assertThat(calls).extracting(MarginCallEvent::getSequence).containsExactly(5L);
            assertThat(results.get(0).getPreviousHash()).isEmpty();
            assertThat(results.get(1).getPreviousHash()).isEqualTo(results.get(0).getHash());
            assertThat(results.get(2).getPreviousHash()).isEqualTo(results.get(1).getHash());
            assertThat(results.get(3).getPreviousHash()).isEqualTo(results.get(2).getHash());
            assertThat(calls.get(0).getPreviousHash()).isEqualTo(results.get(3).getHash());
            assertThat(results).allSatisfy(result -> assertThat(OutputChain.verifies(result)).isTrue());
            assertThat(OutputChain.verifies(calls.get(0))).isTrue();

            MarginResult tampered = MarginResult.newBuilder(results.get(1)).setEquity(new BigDecimal("99999").setScale(18)).build();
            assertThat(OutputChain.verifies(tampered)).isFalse();
        }
    }

    @Nested
    class BadInput {

        @Test
        void bytesThatAreNotAvroGoToDeadLettersUntouchedAndNeverReachTheJournal() {
            pipeline.journal();
            byte[] json = "{\"fillId\":\"F-1\"}".getBytes(StandardCharsets.UTF_8);

            pipeline.publishBytes("clearing.fills", "ACC-A", json);

            assertThat(pipeline.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.getStage()).isEqualTo(RejectionStage.SEQUENCER);
                assertThat(letter.getErrorClass()).isEqualTo("NOT_WIRE_FORMAT");
                assertThat(bytes(letter.getOriginalValue())).isEqualTo(json);
                assertThat(bytes(letter.getOriginalKey())).isEqualTo("ACC-A".getBytes(StandardCharsets.UTF_8));
                assertThat(letter.getSource().getTopic()).isEqualTo("clearing.fills");
                assertThat(letter.getReason()).contains("first byte is 0x7b");
            });
            assertThat(pipeline.journal()).isEmpty();
        }

        @Test
        void anUnknownSchemaIdIsDeadLettered() {
            pipeline.publishBytes("clearing.fills", "ACC-A", new byte[] {0, 0, 0, 0x30, 0x39, 2, 'x'});

            assertThat(pipeline.deadLetters()).singleElement()
                    .satisfies(letter -> assertThat(letter.getErrorClass()).isEqualTo("UNKNOWN_SCHEMA_ID"));
        }

        @Test
        void recordsThatBreakTheContractsRulesAreDeadLetteredWithTheirReason() {
            pipeline.journal();
            pipeline.publish(fill("F-0", "ACC-A", "BTC-PERPETUAL", "0", 5_000.0));
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "1", 0.0));
            pipeline.publish(mark("BTC-PERPETUAL", Double.NaN, 1));
            pipeline.publish(mark("BTC-PERPETUAL", -1.0, 1));
            pipeline.send("clearing.fills", "ACC-OTHER", Fill.class, fill("F-2", "ACC-A", "BTC-PERPETUAL", "1", 5_000.0));

            assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass)
                    .containsExactly("ZERO_QUANTITY", "INVALID_PRICE", "INVALID_PRICE", "INVALID_PRICE", "KEY_MISMATCH");
            assertThat(pipeline.journal()).isEmpty();
        }

        @Test
        void aFillForAnUnknownOrExpiredInstrumentIsRejectedByTheEngineInJournalOrder() {
            pipeline.publish(perpetual("XRP-PERPETUAL", "XRP"));
            pipeline.publish(expired(perpetual("XRP-PERPETUAL", "XRP")));
            pipeline.publish(fill("F-1", "ACC-A", "DOGE-PERPETUAL", "1", 0.07));
            pipeline.publish(fill("F-2", "ACC-A", "XRP-PERPETUAL", "1", 0.17));
            assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass).containsExactly("EXPIRED_INSTRUMENT");
            // the DOGE fill (minute 1) waited 60 s of stream time for a definition that never came
            pipeline.publish(Inputs.clock(2));
            assertThat(pipeline.deadLetters()).as("its wait ends when stream time passes minute 2").isEmpty();
            pipeline.publish(Inputs.clock(3));

            List<DeadLetter> letters = pipeline.deadLetters();
            assertThat(letters).extracting(DeadLetter::getErrorClass).containsExactly("UNKNOWN_INSTRUMENT");
            assertThat(letters.get(0).getReason()).contains("did not define within 60000 ms of stream time");
            assertThat(letters).allSatisfy(letter -> {
                assertThat(letter.getStage()).isEqualTo(RejectionStage.ENGINE);
                assertThat(letter.getJournalOffset()).isNotNull();
            });
            assertThat(pipeline.margin()).isEmpty();
        }

        @Test
        void aRepublishedFillIsDeadLetteredAndDoesNotChangeThePosition() {
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "2", 5_000.0));
            pipeline.margin();

            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "2", 5_000.0));
            pipeline.publish(mark("BTC-PERPETUAL", 4_000.0, 5));

            assertThat(pipeline.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.getErrorClass()).isEqualTo("DUPLICATE_FILL");
                assertThat(letter.getReason()).contains("F-1");
            });
            // still 2 contracts: equity 10000 − 2000 = 8000 (4 contracts would give 6000)
            assertThat(last(pipeline.margin()).getEquity()).isEqualByComparingTo("8000");
        }

        @Test
        void staleParametersAreRejected() {
            pipeline.publish(parameters("BTC", 2, 0.20, 5, 0.6));
            pipeline.publish(parameters("BTC", 2, 0.10, 5, 0.6));

            assertThat(pipeline.deadLetters()).singleElement()
                    .satisfies(letter -> assertThat(letter.getErrorClass()).isEqualTo("STALE_PARAMETERS"));
        }

        @Test
        void parametersTheModelCannotUseAreDeadLetteredWithTheReason() {
            pipeline.journal();
            RiskParameters valid = parameters("BTC", 2, 0.16, 9, 0.5);
            pipeline.publish(RiskParameters.newBuilder(valid).setVarConfidence(1.2).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setEsConfidence(0.0).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setEwmaLambda(1.0).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setMarginPeriodOfRiskDays(0).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setVolShockUp(-0.1).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setVolShockDown(1.0).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setPriceScanSteps(1).build());
            pipeline.publish(RiskParameters.newBuilder(valid)
                    .setAntiProcyclicality(io.marginflow.schema.AntiProcyclicalityTool.BUFFER).setApcBuffer(0.1).build());

            assertThat(pipeline.deadLetters()).hasSize(8).allSatisfy(letter -> {
                assertThat(letter.getStage()).isEqualTo(RejectionStage.SEQUENCER);
                assertThat(letter.getErrorClass()).isEqualTo("INVALID_PARAMETERS");
            });
            assertThat(pipeline.journal()).isEmpty();
        }

        @Test
        void processingContinuesAfterBadInput() {
            pipeline.publishBytes("clearing.fills", "ACC-A", new byte[] {1, 2, 3});
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "500"));

            assertThat(pipeline.deadLetters()).hasSize(1);
            assertThat(pipeline.margin()).singleElement()
                    .satisfies(result -> assertThat(result.getEquity()).isEqualByComparingTo("500"));
        }
    }

    private static <T> T last(List<T> records) {
        assertThat(records).isNotEmpty();
        return records.get(records.size() - 1);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
