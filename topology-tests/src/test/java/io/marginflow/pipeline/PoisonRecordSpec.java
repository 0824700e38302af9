package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.parameters;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.ExtremeMove;
import io.marginflow.schema.Fill;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SmilePoint;
import io.marginflow.schema.VolSmile;
import io.marginflow.schema.VolSurface;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Records a clearinghouse should never send, and what Marginflow does with them: each is
 * dead-lettered with a reason, never journalled when the record alone shows it is wrong, and
 * never stops margining. After every case a good deposit is margined, as the proof that
 * processing went on. The bounds are the defaults (README, "Bounds at the door").
 */
class PoisonRecordSpec {

    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        pipeline = new PipelineDriver();
        pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
        pipeline.journal();
    }

    @AfterEach
    void stop() {
        assertThat(pipeline.failures.stuck()).as("no task failed").isEmpty();
        pipeline.close();
    }

    /** A good deposit after the poison: still margined. */
    private void assertMarginingGoesOn(String account) {
        pipeline.publish(deposit(account + "-SENTINEL", account, "USD", "1000"));
        assertThat(pipeline.margin()).filteredOn(r -> r.getAccount().equals(account)).isNotEmpty();
    }

    @Nested
    class AtTheDoor {

        @Test
        void decimalsBeyondWhatTheJournalCarriesAreRefusedNotRetriedForever() {
            // written with a generic writer: 1e30 at scale 18 is 49 digits, beyond decimal(38,18)
            pipeline.publishLoose(Fill.newBuilder(fill("F-1", "ACC-A", "BTC-PERPETUAL", "1", 5_000.0))
                    .setQuantity(new BigDecimal("1E30").setScale(18)).build());
            pipeline.publishLoose(CollateralMovement.newBuilder(deposit("M-1", "ACC-A", "USD", "1"))
                    .setAmount(new BigDecimal("1E30").setScale(18)).build());
            // allowed by the schema (38 digits), but far beyond a sane quantity
            pipeline.publish(fill("F-2", "ACC-A", "BTC-PERPETUAL", "99999999999999999999", 5_000.0));

            assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass)
                    .containsExactly("OUT_OF_RANGE", "OUT_OF_RANGE", "OUT_OF_RANGE");
            assertThat(pipeline.journal()).isEmpty();
            assertMarginingGoesOn("ACC-A");
        }

        @Test
        void finiteButAbsurdPricesAreRefused() {
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "1", 1e300));
            pipeline.publish(mark("BTC-PERPETUAL", 1e300, 1));
            pipeline.publish(mark("BTC-PERPETUAL", Double.MIN_VALUE, 1));
            pipeline.publish(mark("BTC-PERPETUAL", Double.POSITIVE_INFINITY, 1));
            // 1e12 contracts at 5000: worth 5e15 per unit of multiplier, beyond the 1e12 a fill may be worth
            pipeline.publish(fill("F-2", "ACC-A", "BTC-PERPETUAL", "1000000000000", 5_000.0));

            List<DeadLetter> letters = pipeline.deadLetters();
            assertThat(letters).extracting(DeadLetter::getErrorClass)
                    .containsExactly("OUT_OF_RANGE", "OUT_OF_RANGE", "OUT_OF_RANGE", "INVALID_PRICE", "OUT_OF_RANGE");
            assertThat(letters.get(0).getReason()).contains("price of fill F-1", "1.0E300", "1.0E9");
            assertThat(letters.get(4).getReason()).contains("worth");
            assertThat(pipeline.journal()).isEmpty();
            assertMarginingGoesOn("ACC-A");
        }

        @Test
        void timesOutsideTheWindowOrAfterTheirPublicationAreRefused() {
            Instant now = Instant.parse("2020-03-12T12:00:00Z");
            Fill base = fill("F-1", "ACC-A", "BTC-PERPETUAL", "1", 5_000.0);
            pipeline.publishLoose("ACC-A", Fill.newBuilder(base).setEventTime(Instant.ofEpochMilli(Long.MAX_VALUE)).build(), now);
            pipeline.publishLoose("ACC-A", Fill.newBuilder(base).setEventTime(Instant.ofEpochMilli(Long.MIN_VALUE)).build(), now);
            pipeline.publishLoose("ACC-A", Fill.newBuilder(base).setEventTime(Instant.parse("1990-01-01T00:00:00Z")).build(), now);
            // a day after the record was published
            pipeline.publishLoose("ACC-A", Fill.newBuilder(base).setEventTime(now.plus(Duration.ofDays(1))).build(), now);
            // within the five minutes of clock skew allowed: accepted
            pipeline.publishLoose("ACC-A", Fill.newBuilder(base).setEventTime(now.plusSeconds(60)).build(), now);

            assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass)
                    .containsExactly("OUT_OF_RANGE", "OUT_OF_RANGE", "OUT_OF_RANGE", "OUT_OF_RANGE");
            assertThat(pipeline.journal()).singleElement()
                    .satisfies(entry -> assertThat(entry.getEventTime()).isEqualTo(now.plusSeconds(60)));
        }

        @Test
        void textAndListsBeyondTheirLimitsAreRefused() {
            String long1 = "A".repeat(400_000);
            String long2 = "B".repeat(400_000);
            pipeline.publishLoose(long1, fill("F-1", long2, "BTC-PERPETUAL", "1", 5_000.0), Instant.now());
            pipeline.publish(fill("F-" + "9".repeat(300), "ACC-A", "BTC-PERPETUAL", "1", 5_000.0));
            RiskParameters valid = parameters("BTC", 2, 0.16, 9, 0.5);
            pipeline.publish(RiskParameters.newBuilder(valid)
                    .setExtremeMoves(Collections.nCopies(10_000, new ExtremeMove(-0.5, 0.3))).build());
            pipeline.publish(surfaceWith(65, 3));
            pipeline.publish(surfaceWith(1, 257));

            List<DeadLetter> letters = pipeline.deadLetters();
            assertThat(letters).extracting(DeadLetter::getErrorClass).containsOnly("TOO_LONG").hasSize(5);
            DeadLetter huge = letters.get(0);
            assertThat(huge.getReason()).hasSizeLessThan(300).contains("400000 characters");
            assertThat(huge.getOriginalKeySize()).isEqualTo(400_000);
            assertThat(huge.getOriginalKey().remaining()).isEqualTo(65_536);
            assertThat(huge.getOriginalValueSize()).isGreaterThan(400_000);
            assertThat(huge.getOriginalValue().remaining()).isEqualTo(65_536);
            assertThat(pipeline.journal()).isEmpty();
            assertMarginingGoesOn("ACC-A");
        }

        @Test
        void emptySurfacesAndNonFiniteFiguresAreRefused() {
            pipeline.publish(VolSurface.newBuilder(surfaceWith(1, 3)).setSmiles(List.of()).build());
            pipeline.publish(surfaceWith(1, 0));
            VolSurface nan = surfaceWith(1, 3);
            nan.getSmiles().get(0).getPoints().set(1, new SmilePoint(5_000.0, Double.NaN));
            pipeline.publish(nan);
            VolSurface wild = surfaceWith(1, 3);
            wild.getSmiles().get(0).getPoints().set(1, new SmilePoint(5_000.0, 1e300));
            pipeline.publish(wild);
            RiskParameters valid = parameters("BTC", 2, 0.16, 9, 0.5);
            pipeline.publish(RiskParameters.newBuilder(valid).setPriceScanRange(Double.NaN).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setExtremeMoves(List.of(new ExtremeMove(1e300, 0.3))).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setConcentrationRate(Double.POSITIVE_INFINITY).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setCallGracePeriodMillis(Long.MAX_VALUE).build());
            pipeline.publish(RiskParameters.newBuilder(valid).setMarginPeriodOfRiskDays(Integer.MAX_VALUE).build());

            assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass).containsExactly(
                    "INVALID_SURFACE", "INVALID_SURFACE", "INVALID_SURFACE", "OUT_OF_RANGE",
                    "INVALID_PARAMETERS", "INVALID_PARAMETERS", "INVALID_PARAMETERS", "INVALID_PARAMETERS",
                    "INVALID_PARAMETERS");
            assertThat(pipeline.journal()).isEmpty();
            assertMarginingGoesOn("ACC-A");
        }

        @Test
        void aReasonQuotingWholeSchemasIsCutToFit() {
            // a record whose writer schema is another record: the decoder's reason quotes both schemas
            byte[] surface = LooseAvro.wireFormat(pipeline.registry, "market.vol-surfaces", surfaceWith(1, 3));
            pipeline.publishBytes("clearing.fills", "ACC-A", surface);

            assertThat(pipeline.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.getErrorClass()).isEqualTo("INCOMPATIBLE_WRITER_SCHEMA");
                assertThat(letter.getReason()).hasSizeLessThanOrEqualTo(2_000).endsWith("characters in all)");
                assertThat(bytes(letter.getOriginalValue())).isEqualTo(surface);
            });
        }
    }

    @Nested
    class InTheEngine {

        @Test
        void anAccountWhoseFiguresLeaveTheContractsRangeIsDeadLetteredAndTheOthersAreMargined() {
            // 1e12 USD covers the position's IM of 1e15 × 0.001 × 16% = 1.6e11: normal
            pipeline.publish(deposit("M-1", "ACC-HUGE", "USD", "1000000000000"));
            // 1e15 contracts at 0.001: worth 1e12, within every bound at the door
            pipeline.publish(fill("F-1", "ACC-HUGE", "BTC-PERPETUAL", "1000000000000000", 0.001));
            pipeline.publish(deposit("M-2", "ACC-GOOD", "USD", "10000"));
            pipeline.publish(fill("F-2", "ACC-GOOD", "BTC-PERPETUAL", "1", 5_000.0));
            MarginResult hugeBefore = last(pipeline.margin(), "ACC-HUGE");

            // a mark of 1e9: ACC-HUGE's unrealised P&L would be 1e24 USD, beyond decimal(38,18)
            pipeline.publish(mark("BTC-PERPETUAL", 1e9, 5));

            assertThat(pipeline.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.getStage()).isEqualTo(RejectionStage.ENGINE);
                assertThat(letter.getErrorClass()).isEqualTo("OUT_OF_RANGE");
                assertThat(bytes(letter.getOriginalKey())).isEqualTo("ACC-HUGE".getBytes(StandardCharsets.UTF_8));
                assertThat(letter.getReason()).contains("1e20", "ACC-HUGE keeps its state");
                assertThat(letter.getJournalOffset()).isNotNull();
                assertThat(letter.getSource().getTopic()).isEqualTo("market.prices");
            });
            List<MarginResult> results = pipeline.margin();
            assertThat(results).extracting(MarginResult::getAccount).containsExactly("ACC-GOOD");
            // ACC-GOOD: 10000 + (1e9 − 5000) in equity; the price was applied
            assertThat(results.get(0).getEquity()).isEqualByComparingTo(new BigDecimal(10_000 + 1e9 - 5_000));

            // the price moves back: ACC-HUGE is margined again, its chain unbroken
            pipeline.publish(mark("BTC-PERPETUAL", 0.002, 6));
            MarginResult hugeAfter = last(pipeline.margin(), "ACC-HUGE");
            assertThat(hugeAfter.getSequence()).isEqualTo(hugeBefore.getSequence() + 1);
            assertThat(hugeAfter.getPreviousHash()).isEqualTo(hugeBefore.getHash());
        }

        @Test
        void anInstrumentKeepsItsTermsOnceListed() {
            // found by ValidatorPropertySpec: a redefinition on another underlying left accounts' cached
            // scenario vectors of the old underlying's length, and recomputing them failed
            pipeline.publish(parameters("ETH", 1, 0.20, 5, 0.5));
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "1", 5_000.0));
            pipeline.margin();

            pipeline.publish(perpetual("BTC-PERPETUAL", "ETH"));
            pipeline.publish(Inputs.expired(perpetual("BTC-PERPETUAL", "BTC")));
            pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));

            assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass)
                    .containsExactly("INSTRUMENT_REDEFINED", "INSTRUMENT_REDEFINED");
            pipeline.publish(mark("BTC-PERPETUAL", 4_000.0, 5));
            // still margined as BTC at ±16%: IM = 4000 × 0.16 = 640
            assertThat(last(pipeline.margin(), "ACC-A").getInitialMargin()).isEqualByComparingTo("640");
        }

        @Test
        void anOutputTooLargeToPublishDeadLettersItsEntryWhichChangesNothing() {
            pipeline.close();
            // a margin result is about 180 bytes without an underlying and 370 with one; allow 300
            pipeline = new PipelineDriver(Map.of("engine.max-output-bytes", "300"));
            pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));
            assertThat(pipeline.margin()).hasSize(1); // no underlying yet: small enough

            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "2", 5_000.0));

            assertThat(pipeline.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.getErrorClass()).isEqualTo("OUTPUT_TOO_LARGE");
                assertThat(letter.getReason()).contains("MarginResult of ACC-A", "more than its topic takes (300 bytes",
                        "the entry changed nothing");
                assertThat(letter.getSource().getTopic()).isEqualTo("clearing.fills");
            });
            assertThat(pipeline.margin()).isEmpty();
            // the fill was not applied: a re-published copy is not a duplicate, and a deposit finds no position
            pipeline.publish(deposit("M-2", "ACC-A", "USD", "1000"));
            assertThat(pipeline.margin()).singleElement()
                    .satisfies(result -> assertThat(result.getUnderlyings()).isEmpty());
        }

        @Test
        void replayingAJournalWithFailuresReproducesEveryOutputAndDeadLetter() {
            pipeline.close();
            pipeline = new PipelineDriver();
            pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
            List<SpecificRecord> original = new ArrayList<>();
            pipeline.publish(deposit("M-1", "ACC-HUGE", "USD", "1000"));
            pipeline.publish(fill("F-1", "ACC-HUGE", "BTC-PERPETUAL", "1000000000000000", 0.001));
            pipeline.publish(deposit("M-2", "ACC-GOOD", "USD", "10000"));
            pipeline.publish(fill("F-2", "ACC-GOOD", "BTC-PERPETUAL", "1", 5_000.0));
            pipeline.publish(mark("BTC-PERPETUAL", 1e9, 5));
            pipeline.publish(fill("F-3", "ACC-HUGE", "BTC-PERPETUAL", "1", 1e9));
            pipeline.publish(mark("BTC-PERPETUAL", 4_000.0, 6));
            List<JournalEntry> journal = pipeline.journal();
            original.addAll(pipeline.margin());
            original.addAll(pipeline.deadLetters().stream().filter(l -> l.getStage() == RejectionStage.ENGINE).toList());
            assertThat(original).filteredOn(DeadLetter.class::isInstance).hasSize(2);

            List<SpecificRecord> replayed = new ArrayList<>();
            try (PipelineDriver auditor = new PipelineDriver(Map.of("application.id", "auditor"))) {
                journal.forEach(entry -> auditor.replay(entry, ReplaySpec.keyOf(entry)));
                replayed.addAll(auditor.margin());
                replayed.addAll(auditor.deadLetters());
            }
            assertThat(replayed).containsExactlyElementsOf(original);
        }
    }

    private static VolSurface surfaceWith(int smiles, int points) {
        List<VolSmile> list = new ArrayList<>();
        for (int s = 0; s < smiles; s++) {
            List<SmilePoint> smile = new ArrayList<>();
            for (int p = 0; p < points; p++) {
                smile.add(new SmilePoint(4_000.0 + p * (2_000.0 / Math.max(1, points - 1)), 0.8));
            }
            list.add(VolSmile.newBuilder().setExpiry(Inputs.T0.plus(Duration.ofDays(30 + s)))
                    .setForward(5_000.0).setPoints(smile).build());
        }
        return VolSurface.newBuilder().setUnderlying("BTC").setEventTime(Inputs.T0.plusSeconds(60)).setSmiles(list).build();
    }

    private static MarginResult last(List<MarginResult> results, String account) {
        List<MarginResult> mine = results.stream().filter(r -> r.getAccount().equals(account)).toList();
        assertThat(mine).isNotEmpty();
        return mine.get(mine.size() - 1);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
