package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.T0;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.index;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.parameters;
import static io.marginflow.pipeline.Inputs.perpetual;
import static io.marginflow.pipeline.Inputs.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.schema.Alert;
import io.marginflow.schema.AlertAction;
import io.marginflow.schema.AlertKind;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The price guard through the pipeline: a BTC perpetual account at 5x, a history of 2% daily
 * moves, and marks every 15 minutes. A mark at a tenth of its value is a jump of hundreds of
 * standard deviations: with a hold it is not applied, and the account is neither called nor
 * liquidated; without one it is applied and liquidates the account. A real move is held for one
 * price and applied when the next confirms it.
 */
class PriceGuardSpec {

    private static final Map<String, String> SETTINGS = Map.of("engine.history.length", "200",
            "engine.history.min-returns", "50");
    private static final long HOLD = 30 * 60_000L;
    private static final String[] HABIT = {"1", "-2", "2", "-1"};

    @Test
    void aFatFingerMarkIsHeldAndDiscardedAndLiquidatesNobody() {
        try (PipelineDriver pipeline = market(guarded(HOLD))) {
            pipeline.publish(mark("BTC-PERPETUAL", 1_000.0, 15));
            List<Alert> held = pipeline.alerts();
            assertThat(held).singleElement().satisfies(alert -> {
                assertThat(alert.getKind()).isEqualTo(AlertKind.PRICE_JUMP);
                assertThat(alert.getAction()).isEqualTo(AlertAction.HELD);
                assertThat(alert.getSubject()).isEqualTo("BTC-PERPETUAL");
                assertThat(alert.getUnderlying()).isEqualTo("BTC");
                assertThat(figures(alert)).containsEntry("price", 1_000.0).containsEntry("reference", 10_000.0)
                        .containsEntry("elapsedMillis", 15 * 60_000.0);
                // ln 10 over 15 minutes of a volatility near 2% a day: σ √(15 / 1440) ≈ 0.002, so ~1,000 of them
                assertThat(figures(alert).get("logMove")).isCloseTo(Math.log(10), within(1e-12));
                assertThat(figures(alert).get("sigmas")).isGreaterThan(500.0);
                assertThat(alert.getAlertId()).startsWith("PRICE_JUMP:HELD:MARK:BTC-PERPETUAL:0:");
            });
            assertThat(pipeline.margin()).as("a held price recomputes nobody").isEmpty();

            pipeline.publish(mark("BTC-PERPETUAL", 10_020.0, 30));
            assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.getAction()).isEqualTo(AlertAction.DISCARDED);
                assertThat(alert.getReason()).contains("within range of the last applied");
            });
            pipeline.publish(mark("BTC-PERPETUAL", 10_010.0, 45));
            assertThat(pipeline.alerts()).isEmpty();
            assertThat(pipeline.margin()).extracting(MarginResult::getStatus).map(Object::toString).containsOnly("NORMAL");
            assertThat(pipeline.marginCalls()).isEmpty();
            assertThat(pipeline.liquidations()).isEmpty();
        }
    }

    @Test
    void withoutAHoldTheFatFingerIsAppliedAndReportedAndLiquidatesTheAccount() {
        try (PipelineDriver pipeline = market(guarded(0))) {
            pipeline.publish(mark("BTC-PERPETUAL", 1_000.0, 15));
            pipeline.publish(mark("BTC-PERPETUAL", 10_020.0, 30));
            // the fat finger and the return from it: both jumps, both applied
            assertThat(pipeline.alerts()).hasSize(2).allSatisfy(alert -> {
                assertThat(alert.getAction()).isEqualTo(AlertAction.APPLIED);
                assertThat(alert.getReason()).contains("applied (the underlying holds no jumps)");
            }).extracting(alert -> figures(alert).get("price")).containsExactly(1_000.0, 10_020.0);
            assertThat(pipeline.liquidations()).as("the fat finger liquidates the account").singleElement()
                    .satisfies(signal -> assertThat(signal.getPlan()).singleElement().satisfies(step ->
                            assertThat(step.getMarkPrice()).as("the plan is priced at the fat finger").isEqualTo(1_000.0)));
        }
    }

    @Test
    void aRealMoveIsHeldForOnePriceAndAppliedWhenTheNextConfirmsIt() {
        try (PipelineDriver pipeline = market(guarded(HOLD))) {
            // index and mark fall 30% in a snapshot; the next, 15 minutes later, stays there
            pipeline.publish(snapshotWithIndex(7_000.0, 7_000.0, 15));
            assertThat(pipeline.alerts()).extracting(Alert::getAction, Alert::getSubject)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertAction.HELD, "BTC"),
                            org.assertj.core.groups.Tuple.tuple(AlertAction.HELD, "BTC-PERPETUAL"));
            assertThat(pipeline.margin()).isEmpty();

            pipeline.publish(snapshotWithIndex(6_950.0, 6_960.0, 30));
            List<Alert> confirmed = pipeline.alerts();
            assertThat(confirmed).extracting(Alert::getAction).containsExactly(AlertAction.CONFIRMED, AlertAction.CONFIRMED);
            assertThat(figures(confirmed.get(1))).containsEntry("price", 6_960.0).containsEntry("reference", 10_000.0)
                    .containsEntry("held", 7_000.0);
            MarginResult result = pipeline.margin().get(0);
            assertThat(result.getEquity().doubleValue()).as("the confirmed price is applied: 1 BTC lost 3,040")
                    .isCloseTo(2_500.0 - 3_040.0, within(1e-6));
        }
    }

    @Test
    void aHeldPriceNotConfirmedWithinItsWindowIsDiscarded() {
        try (PipelineDriver pipeline = market(guarded(HOLD))) {
            pipeline.publish(mark("BTC-PERPETUAL", 1_000.0, 15));
            pipeline.alerts();
            // 3 hours later, 1% up: the held price's window has passed, and this one is plausible
            pipeline.publish(mark("BTC-PERPETUAL", 10_100.0, 195));
            assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.getAction()).isEqualTo(AlertAction.DISCARDED);
                assertThat(alert.getReason()).contains("no price confirmed it within 1800000 ms");
            });
            assertThat(pipeline.margin()).singleElement().satisfies(result ->
                    assertThat(result.getEquity().doubleValue()).isCloseTo(2_600.0, within(1e-6)));
        }
    }

    @Test
    void everyPartitionJudgesAlikeAndAReplayRaisesTheSameAlerts() {
        List<Alert> alerts;
        List<JournalEntry> journal;
        try (PipelineDriver pipeline = market(guarded(HOLD))) {
            pipeline.publish(mark("BTC-PERPETUAL", 1_000.0, 15));
            pipeline.publish(snapshotWithIndex(7_000.0, 7_000.0, 30));
            pipeline.publish(snapshotWithIndex(6_950.0, 6_960.0, 45));
            alerts = pipeline.alerts();
            journal = pipeline.journal();
        }
        assertThat(alerts).hasSize(5);
        try (PipelineDriver auditor = new PipelineDriver(SETTINGS)) {
            journal.forEach(entry -> auditor.replay(entry, ReplaySpec.keyOf(entry)));
            assertThat(auditor.alerts()).containsExactlyElementsOf(alerts);
        }
    }

    @Test
    void aFillFarOffTheMarkIsAppliedAndReportedByItsAccountsPartition() {
        try (PipelineDriver pipeline = market(guarded(HOLD))) {
            // 10 minutes after the mark at 10,000: 10,050 is plausible (0.5%), 9,000 is not (10.5%, ~70 σ of 10 minutes)
            pipeline.publish(Fill.newBuilder(fill("F-2", "ACC-1", "BTC-PERPETUAL", "1", 10_050.0))
                    .setEventTime(T0.plusSeconds(600)).build());
            assertThat(pipeline.alerts()).isEmpty();
            pipeline.publish(Fill.newBuilder(fill("F-3", "ACC-1", "BTC-PERPETUAL", "-1", 9_000.0))
                    .setEventTime(T0.plusSeconds(660)).build());
            assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.getKind()).isEqualTo(AlertKind.OFF_MARKET_FILL);
                assertThat(alert.getAction()).isEqualTo(AlertAction.APPLIED);
                assertThat(alert.getAccount()).isEqualTo("ACC-1");
                assertThat(alert.getSubject()).isEqualTo("BTC-PERPETUAL");
                assertThat(alert.getAlertId()).startsWith("OFF_MARKET_FILL:APPLIED:FILL:F-3:0:");
                assertThat(figures(alert)).containsEntry("price", 9_000.0).containsEntry("reference", 10_000.0)
                        .containsEntry("elapsedMillis", 660_000.0);
                assertThat(figures(alert).get("logMove")).isCloseTo(Math.log(10_000.0 / 9_000.0), within(1e-12));
            });
            // both fills applied: long 2 at an average of 10,025, one sold at 9,000 (−1,025), the other marked at 10,000 (−25)
            List<MarginResult> results = pipeline.margin();
            assertThat(results.get(results.size() - 1).getEquity().doubleValue()).isCloseTo(2_500.0 - 1_025.0 - 25.0,
                    within(1e-6));
            // a fill stamped before the last mark (journalled late) is not judged against it
            pipeline.publish(mark("BTC-PERPETUAL", 10_000.0, 12));
            pipeline.publish(Fill.newBuilder(fill("F-4", "ACC-1", "BTC-PERPETUAL", "1", 9_000.0))
                    .setEventTime(T0.plusSeconds(690)).build());
            assertThat(pipeline.alerts()).isEmpty();
        }
    }

    @Test
    void aFillThatGrowsThePositionFarBeyondTheAccountsHabitIsReported() {
        Map<String, String> settings = new java.util.HashMap<>(SETTINGS);
        settings.putAll(Map.of("engine.build-up.sigmas", "6", "engine.build-up.rate", "0.1",
                "engine.build-up.warm-up-fills", "10"));
        try (PipelineDriver pipeline = market(guarded(HOLD), settings)) {
            // ACC-2 buys 10 BTC (from a flat book: no growth to judge), then trades +1, −2, +2, −1 in turn: growths
            // of ln(11/10), ln(9/11), ln(11/9), ln(10/11) = 0.095, −0.201, 0.201, −0.095
            pipeline.publish(deposit("M-2", "ACC-2", "USD", "1000000"));
            pipeline.publish(Fill.newBuilder(fill("F-0", "ACC-2", "BTC-PERPETUAL", "10", 10_000.0))
                    .setEventTime(T0.plusSeconds(120)).build());
            for (int n = 0; n < 20; n++) {
                pipeline.publish(Fill.newBuilder(fill("F-H" + n, "ACC-2", "BTC-PERPETUAL", HABIT[n % 4], 10_000.0))
                        .setEventTime(T0.plusSeconds(180 + n)).build());
            }
            assertThat(pipeline.alerts()).as("the habit, and the first fills' growth before the warm-up").isEmpty();
            // then 60 at once: growth ln(70/10) = 1.946, about 8 robust standard deviations of that habit (an
            // independent run of the baseline's recursion in Python: median 0.064, MAD 0.162, z 7.8)
            pipeline.publish(Fill.newBuilder(fill("F-BIG", "ACC-2", "BTC-PERPETUAL", "60", 10_000.0))
                    .setEventTime(T0.plusSeconds(240)).build());
            assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.getKind()).isEqualTo(AlertKind.POSITION_BUILD_UP);
                assertThat(alert.getAction()).isEqualTo(AlertAction.APPLIED);
                assertThat(alert.getAccount()).isEqualTo("ACC-2");
                assertThat(alert.getAlertId()).startsWith("POSITION_BUILD_UP:APPLIED:FILL:F-BIG:0:");
                assertThat(figures(alert)).containsEntry("grossBefore", 100_000.0).containsEntry("grossAfter", 700_000.0);
                assertThat(figures(alert).get("growth")).isCloseTo(Math.log(7), within(1e-12));
                assertThat(figures(alert).get("median")).isCloseTo(0.0642, within(1e-4));
                assertThat(figures(alert).get("mad")).isCloseTo(0.1624, within(1e-4));
                assertThat(figures(alert).get("z")).isCloseTo(7.81, within(0.01));
                assertThat(figures(alert).get("fillsSeen")).isEqualTo(20.0);
            });
            // the fill is applied: 70 BTC long
            List<MarginResult> results = pipeline.margin().stream().filter(r -> r.getAccount().equals("ACC-2")).toList();
            assertThat(results.get(results.size() - 1).getUnderlyings().get(0).getNetDelta()).isCloseTo(70.0, within(1e-9));
        }
    }

    @Test
    void aFillThatUnwindsAHedgeIsReportedByItsMarginNotByItsSize() {
        Map<String, String> settings = new java.util.HashMap<>(SETTINGS);
        settings.putAll(Map.of("engine.margin-usage.sigmas", "4", "engine.margin-usage.rate", "0.1",
                "engine.margin-usage.warm-up-fills", "10"));
        try (PipelineDriver pipeline = market(guarded(HOLD), settings)) {
            pipeline.publish(Instrument.newBuilder(perpetual("BTC-25DEC20", "BTC")).setKind(InstrumentKind.FUTURE)
                    .setExpiry(T0.plus(Duration.ofDays(90))).build());
            pipeline.publish(mark("BTC-25DEC20", 10_000.0, 0));
            // ACC-3 is long 50 perpetuals and short 40 futures: 10 BTC net, then trades its habit on the perpetual
            // (+1, −2, +2, −1 in turn: net 11, 9, 11, 10)
            pipeline.publish(deposit("M-3", "ACC-3", "USD", "1000000"));
            pipeline.publish(Fill.newBuilder(fill("F-P", "ACC-3", "BTC-PERPETUAL", "50", 10_000.0))
                    .setEventTime(T0.plusSeconds(120)).build());
            pipeline.publish(Fill.newBuilder(fill("F-F", "ACC-3", "BTC-25DEC20", "-40", 10_000.0))
                    .setEventTime(T0.plusSeconds(121)).build());
            for (int n = 0; n < 40; n++) {
                pipeline.publish(Fill.newBuilder(fill("F-H" + n, "ACC-3", "BTC-PERPETUAL", HABIT[n % 4], 10_000.0))
                        .setEventTime(T0.plusSeconds(180 + n)).build());
            }
            assertThat(pipeline.alerts()).as("the hedge and the habit").isEmpty();
            // buying the 40 futures back shrinks the book (gross 90 → 50 contracts: no build-up) but leaves 50 BTC
            // net: the initial margin, the ±16% scan of the net delta at 10,000, goes from 16,000 to 80,000 (ln 5)
            pipeline.publish(Fill.newBuilder(fill("F-UNWIND", "ACC-3", "BTC-25DEC20", "40", 10_000.0))
                    .setEventTime(T0.plusSeconds(240)).build());
            assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.getKind()).isEqualTo(AlertKind.MARGIN_USAGE);
                assertThat(alert.getAction()).isEqualTo(AlertAction.APPLIED);
                assertThat(alert.getAccount()).isEqualTo("ACC-3");
                assertThat(alert.getAlertId()).startsWith("MARGIN_USAGE:APPLIED:FILL:F-UNWIND:0:");
                Map<String, Double> figures = figures(alert);
                assertThat(figures.get("initialMarginBefore")).isCloseTo(0.16 * 10 * 10_000.0, within(1e-6));
                assertThat(figures.get("initialMarginAfter")).isCloseTo(0.16 * 50 * 10_000.0, within(1e-6));
                assertThat(figures.get("growth")).isCloseTo(Math.log(5), within(1e-9));
                // an independent run of the baseline's recursion in Python over the hedge (ln 1/5) and the 40 habit
                // fills: median −0.1054, MAD 0.1709, z 6.77
                assertThat(figures.get("median")).isCloseTo(-0.1054, within(1e-4));
                assertThat(figures.get("mad")).isCloseTo(0.1709, within(1e-4));
                assertThat(figures.get("z")).isCloseTo(6.77, within(0.01));
                assertThat(figures.get("fillsSeen")).isEqualTo(41.0);
                assertThat(alert.getReason()).contains("initial margin at the same market from 16000.00 to 80000.00");
            });
        }
    }

    @Test
    void aPerpetualsMarkThatLeavesItsIndexIsHeldOnceForALastingBasis() {
        try (PipelineDriver pipeline = market(guarded(HOLD))) {
            // a quarter of an hour on, the index falls 1% and the mark rises 0.8%: each plausible from its
            // previous price (8σ of ~2% a day over 15 minutes is ~1.6%), but the perpetual's mark now lies
            // ln(10,080 / 9,900) = 1.80% from the index of the same instant, judged over the floor of a
            // minute (8σ ~0.42%): held
            pipeline.publish(index("BTC", 9_900.0, 15));
            pipeline.publish(mark("BTC-PERPETUAL", 10_080.0, 15));
            assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.getAction()).isEqualTo(AlertAction.HELD);
                assertThat(alert.getSubject()).isEqualTo("BTC-PERPETUAL");
                Map<String, Double> figures = figures(alert);
                assertThat(figures).containsEntry("index", 9_900.0).containsEntry("reference", 9_900.0)
                        .containsEntry("basis", 0.0).containsEntry("price", 10_080.0).containsEntry("elapsedMillis", 0.0);
                // by hand from the forecast it carries: over the floor, σ = forecast × √(60,000 / 86,400,000)
                assertThat(figures.get("sigmas")).isCloseTo(Math.log(10_080.0 / 9_900.0)
                        / (figures.get("forecastVol") * Math.sqrt(60_000.0 / 86_400_000.0)), within(1e-9));
                assertThat(alert.getReason()).contains("lies 1.82% from BTC's index 9900.0 of 0 ms before");
            });
            assertThat(pipeline.margin()).as("the held mark recomputes nobody").isEmpty();

            // the next mark insists: it confirms the basis, and is applied; 1 BTC long gains 70
            pipeline.publish(index("BTC", 9_905.0, 30));
            pipeline.publish(mark("BTC-PERPETUAL", 10_070.0, 30));
            assertThat(pipeline.alerts()).extracting(Alert::getAction).containsExactly(AlertAction.CONFIRMED);
            assertThat(pipeline.margin()).last().satisfies(result ->
                    assertThat(result.getEquity().doubleValue()).isCloseTo(2_570.0, within(1e-6)));
            // a lasting basis is reported once: half an hour on, both rise ~1.5% (plausible over 30 minutes) and
            // the mark stays 1.77% above the index, as the applied one was: applied without an alert
            pipeline.publish(index("BTC", 10_050.0, 60));
            pipeline.publish(mark("BTC-PERPETUAL", 10_230.0, 60));
            assertThat(pipeline.alerts()).isEmpty();
            assertThat(pipeline.margin()).last().satisfies(result ->
                    assertThat(result.getEquity().doubleValue()).isCloseTo(2_730.0, within(1e-6)));
        }
    }

    @Test
    void aDatedFuturesMarkIsJudgedAgainstTheIndexWithTheBasisOfItsLastMark() {
        try (PipelineDriver pipeline = market(guarded(HOLD))) {
            pipeline.publish(Instrument.newBuilder(perpetual("BTC-25DEC20", "BTC")).setKind(InstrumentKind.FUTURE)
                    .setExpiry(T0.plus(Duration.ofDays(90))).build());
            // its first mark, 1% over the index of 10,000 (its carry), then with the index 1% lower: basis kept
            pipeline.publish(mark("BTC-25DEC20", 10_100.0, 0));
            pipeline.publish(index("BTC", 9_900.0, 15));
            pipeline.publish(mark("BTC-25DEC20", 9_999.0, 15));
            assertThat(pipeline.alerts()).isEmpty();
            // half an hour on, the index unchanged, the mark 1.5% higher: plausible from the previous mark (8σ over
            // 30 minutes ~2.3%) but ln(10,150 / 9,999) = 1.50% from where the index and the last basis put it
            // (9,900 × 9,999 / 9,900 = 9,999), beyond 8σ of a minute (~0.42%): held
            pipeline.publish(index("BTC", 9_900.0, 45));
            pipeline.publish(mark("BTC-25DEC20", 10_150.0, 45));
            assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.getAction()).isEqualTo(AlertAction.HELD);
                assertThat(alert.getSubject()).isEqualTo("BTC-25DEC20");
                Map<String, Double> figures = figures(alert);
                assertThat(figures.get("reference")).isCloseTo(9_999.0, within(1e-9));
                assertThat(figures.get("basis")).isCloseTo(Math.log(9_999.0 / 9_900.0), within(1e-12));
                assertThat(figures).containsEntry("index", 9_900.0).containsEntry("elapsedMillis", 0.0);
                assertThat(figures.get("logMove")).isCloseTo(Math.log(10_150.0 / 9_999.0), within(1e-12));
                assertThat(alert.getReason()).contains("with the basis of its last applied mark (+1.00%)");
            });
            // the next insists: confirmed and applied, and its basis is the one the marks after it are judged by
            pipeline.publish(index("BTC", 9_900.0, 60));
            pipeline.publish(mark("BTC-25DEC20", 10_160.0, 60));
            assertThat(pipeline.alerts()).extracting(Alert::getAction).containsExactly(AlertAction.CONFIRMED);
            pipeline.publish(index("BTC", 9_900.0, 75));
            pipeline.publish(mark("BTC-25DEC20", 10_155.0, 75));
            assertThat(pipeline.alerts()).isEmpty();
        }
    }

    @Test
    void guardParametersThatMakeNoSenseAreDeadLettered() {
        try (PipelineDriver pipeline = new PipelineDriver(SETTINGS)) {
            pipeline.publish(RiskParameters.newBuilder(guarded(HOLD)).setPriceJumpSigmas(-1.0).build());
            pipeline.publish(RiskParameters.newBuilder(guarded(HOLD)).setPriceJumpSigmas(Double.NaN).build());
            pipeline.publish(RiskParameters.newBuilder(guarded(HOLD)).setPriceJumpHoldMillis(-5).build());
            assertThat(pipeline.deadLetters()).hasSize(3).allSatisfy(letter ->
                    assertThat(letter.getErrorClass()).isEqualTo("INVALID_PARAMETERS"))
                    .extracting(letter -> letter.getReason())
                    .anySatisfy(reason -> assertThat(reason).contains("price jump sigmas must be finite and not negative"))
                    .anySatisfy(reason -> assertThat(reason).contains("price jump hold must be 0 to 86400000 ms: -5"));
            assertThat(pipeline.journal()).isEmpty();
        }
    }

    /** ±16% in 9 steps, maintenance at half; jumps beyond 8 standard deviations judged, held for {@code holdMillis}. */
    private static RiskParameters guarded(long holdMillis) {
        return RiskParameters.newBuilder(parameters("BTC", 1, 0.16, 9, 0.5))
                .setPriceJumpSigmas(8.0).setPriceJumpHoldMillis(holdMillis).setPriceJumpMinElapsedMillis(60_000L)
                .build();
    }

    /**
     * BTC with {@code parameters}, 120 days of 2% daily index moves ending at 10,000, and ACC-1 long one
     * perpetual at 10,000 with 2,500 USD, marked at 10,000 at minute 0.
     */
    private static PipelineDriver market(RiskParameters parameters) {
        return market(parameters, SETTINGS);
    }

    private static PipelineDriver market(RiskParameters parameters, Map<String, String> settings) {
        PipelineDriver pipeline = new PipelineDriver(settings);
        pipeline.publish(parameters);
        pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
        Random random = new Random(7);
        double[] path = new double[121];
        path[120] = 10_000.0;
        for (int day = 119; day >= 0; day--) {
            path[day] = path[day + 1] * Math.exp(0.02 * random.nextGaussian());
        }
        for (int day = 0; day < 120; day++) {
            pipeline.publish(PriceUpdate.newBuilder().setInstrument("BTC").setPrice(path[day]).setKind(PriceKind.INDEX)
                    .setEventTime(T0.minus(Duration.ofDays(120 - day))).build());
        }
        pipeline.publish(index("BTC", 10_000.0, 0));
        pipeline.publish(mark("BTC-PERPETUAL", 10_000.0, 0));
        pipeline.publish(deposit("M-1", "ACC-1", "USD", "2500"));
        pipeline.publish(fill("F-1", "ACC-1", "BTC-PERPETUAL", "1", 10_000.0));
        pipeline.margin();
        pipeline.alerts();
        return pipeline;
    }

    private static MarketSnapshot snapshotWithIndex(double index, double perpetual, int minute) {
        return MarketSnapshot.newBuilder(snapshot("BTC", minute, "BTC-PERPETUAL", perpetual)).setIndex(index).build();
    }

    /** An alert's figures by name. */
    private static Map<String, Double> figures(Alert alert) {
        Map<String, Double> figures = new java.util.TreeMap<>();
        alert.getFigures().forEach(figure -> figures.put(figure.getName(), figure.getValue()));
        return figures;
    }
}
