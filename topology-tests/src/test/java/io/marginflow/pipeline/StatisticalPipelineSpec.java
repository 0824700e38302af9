package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.T0;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.parameters;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.schema.AntiProcyclicalityTool;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.MarginComponent;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.VolatilityModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The statistical layer through the pipeline: daily index prices build each underlying's return
 * history inside the engine; a volatile run raises margin, a calm run lowers it, and the
 * ten-year-floor tool limits the drop. BTC and ETH follow the same relative path; only their
 * anti-procyclicality differs.
 */
class StatisticalPipelineSpec {

    private static final Map<String, String> SETTINGS = Map.of("engine.history.length", "200",
            "engine.history.min-returns", "50");

    @Test
    void aVolatileRunRaisesMarginAndACalmRunLowersItWithAntiProcyclicalityLimitingTheDrop() {
        List<MarginResult> results = new ArrayList<>();
        List<JournalEntry> journal;
        try (PipelineDriver pipeline = new PipelineDriver(SETTINGS)) {
            pipeline.publish(statistical("BTC", AntiProcyclicalityTool.NONE));
            pipeline.publish(statistical("ETH", AntiProcyclicalityTool.TEN_YEAR_FLOOR));
            pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
            pipeline.publish(perpetual("ETH-PERPETUAL", "ETH"));
            pipeline.publish(deposit("M-1", "ACC-BTC", "USD", "100000"));
            pipeline.publish(fill("F-1", "ACC-BTC", "BTC-PERPETUAL", "1", 10_000.0));
            pipeline.publish(deposit("M-2", "ACC-ETH", "USD", "100000"));
            pipeline.publish(fill("F-2", "ACC-ETH", "ETH-PERPETUAL", "50", 200.0));

            // 100 calm days (1% a day), 15 turbulent (8%), 60 calm again.
            Random random = new Random(17);
            double path = 1.0;
            int day = 1;
            for (int[] regime : new int[][] {{100, 1}, {15, 8}, {60, 1}}) {
                for (int d = 0; d < regime[0]; d++, day++) {
                    path *= Math.exp(regime[1] / 100.0 * random.nextGaussian());
                    Instant at = T0.plus(Duration.ofDays(day));
                    for (String underlying : List.of("BTC", "ETH")) {
                        double price = (underlying.equals("BTC") ? 10_000 : 200) * path;
                        pipeline.publish(price(underlying, price, PriceKind.INDEX, at));
                        pipeline.publish(price(underlying + "-PERPETUAL", price, PriceKind.MARK, at));
                    }
                }
            }
            results.addAll(pipeline.margin());
            journal = pipeline.journal();
        }
        // An auditor's replay of the journal through a fresh engine reproduces every result, the
        // statistical layer's included.
        try (PipelineDriver auditor = new PipelineDriver(SETTINGS)) {
            journal.forEach(entry -> auditor.replay(entry, ReplaySpec.keyOf(entry)));
            assertThat(auditor.margin()).containsExactlyElementsOf(results);
        }

        double[] btc = {share(results, "ACC-BTC", 100), share(results, "ACC-BTC", 115), share(results, "ACC-BTC", 175)};
        double[] eth = {share(results, "ACC-ETH", 100), share(results, "ACC-ETH", 115), share(results, "ACC-ETH", 175)};
        assertThat(btc[1]).as("turbulence raises margin").isGreaterThan(2 * btc[0]);
        assertThat(btc[2]).as("calm lowers it").isLessThan(0.6 * btc[1]);
        assertThat(eth[1]).as("the same turbulence raises the floored margin").isGreaterThan(eth[0]);
        assertThat(eth[2] / eth[1]).as("the floor limits the drop").isGreaterThan(btc[2] / btc[1]);
        // Before any turbulence the floor (the whole history's volatility) is the calm volatility itself:
        // the same margin. After it, the floor remembers the turbulence.
        assertThat(eth[0]).isEqualTo(btc[0]);
        assertThat(eth[2]).as("and keeps margin higher once calm returns").isGreaterThan(btc[2]);

        MarginResult last = latest(results, "ACC-BTC", 175);
        assertThat(last.getExpectedShortfall()).isPositive();
        assertThat(last.getValueAtRisk()).isPositive();
        assertThat(last.getInitialMargin().doubleValue())
                .isCloseTo(Math.max(last.getScenarioMargin(), last.getExpectedShortfall()) + last.getAddOns(),
                        org.assertj.core.api.Assertions.within(1e-8)); // money is published to 1e-8 USD
        assertThat(last.getBindingComponent()).isIn(MarginComponent.SCENARIO, MarginComponent.EXPECTED_SHORTFALL);
        assertThat(last.getUnderlyings().get(0).getForecastVol()).isPositive();
        assertThat(last.getCause().getSource().getTopic()).isEqualTo("market.prices");
    }

    /**
     * HAR-RV sees inside the day: BTC's and ETH's index close every day on the same path, but for
     * the last ten days BTC's index swings ±8% hour by hour before it closes there; ETH's does not.
     * With HAR-RV both, BTC's forecast is several times ETH's, from the realised variances of those
     * days; the daily returns alone (what EWMA sees) are the same. A replay gives the same results.
     */
    @Test
    void harRvForecastsFromWhatTheIndexDidInsideEachDay() {
        List<MarginResult> results;
        List<JournalEntry> journal;
        try (PipelineDriver pipeline = new PipelineDriver(SETTINGS)) {
            for (String underlying : List.of("BTC", "ETH")) {
                pipeline.publish(RiskParameters.newBuilder(statistical(underlying, AntiProcyclicalityTool.NONE))
                        .setVolatilityModel(VolatilityModel.HAR_RV).build());
                pipeline.publish(perpetual(underlying + "-PERPETUAL", underlying));
            }
            pipeline.publish(deposit("M-1", "ACC-BTC", "USD", "100000"));
            pipeline.publish(fill("F-1", "ACC-BTC", "BTC-PERPETUAL", "1", 10_000.0));
            pipeline.publish(deposit("M-2", "ACC-ETH", "USD", "100000"));
            pipeline.publish(fill("F-2", "ACC-ETH", "ETH-PERPETUAL", "50", 200.0));
            Random random = new Random(23);
            double path = 1.0;
            for (int day = 1; day <= 90; day++) {
                path *= Math.exp(0.01 * random.nextGaussian());
                Instant at = T0.plus(Duration.ofDays(day));
                for (String underlying : List.of("BTC", "ETH")) {
                    double price = (underlying.equals("BTC") ? 10_000 : 200) * path;
                    pipeline.publish(price(underlying, price, PriceKind.INDEX, at));
                    pipeline.publish(price(underlying + "-PERPETUAL", price, PriceKind.MARK, at));
                }
                if (day > 80) {
                    // BTC's index swings within the day and comes back to where it opened: the day's close is the same
                    for (int hour = 1; hour <= 23; hour++) {
                        double swing = hour == 23 ? 1.0 : hour % 2 == 0 ? 0.92 : 1.08;
                        pipeline.publish(price("BTC", 10_000 * path * swing, PriceKind.INDEX, at.plus(Duration.ofHours(hour))));
                    }
                }
            }
            results = pipeline.margin();
            journal = pipeline.journal();
        }
        double btc = latest(results, "ACC-BTC", 90).getUnderlyings().get(0).getForecastVol();
        double eth = latest(results, "ACC-ETH", 90).getUnderlyings().get(0).getForecastVol();
        assertThat(eth).as("a 1%% daily walk").isBetween(0.003, 0.03);
        assertThat(btc).as("ten days of ±8%% hourly swings").isGreaterThan(3 * eth);
        try (PipelineDriver auditor = new PipelineDriver(SETTINGS)) {
            journal.forEach(entry -> auditor.replay(entry, ReplaySpec.keyOf(entry)));
            assertThat(auditor.margin()).containsExactlyElementsOf(results);
        }
    }

    /** ±16% in 9 steps but a scan range following volatility (2% to 50%), VaR 99% / ES 97.5% over 2 days. */
    private static RiskParameters statistical(String underlying, AntiProcyclicalityTool tool) {
        return RiskParameters.newBuilder(parameters(underlying, 1, 0.16, 9, 0.5))
                .setScanRangeFloor(0.02).setScanRangeCap(0.5).setAntiProcyclicality(tool).build();
    }

    private static PriceUpdate price(String id, double price, PriceKind kind, Instant at) {
        return PriceUpdate.newBuilder().setInstrument(id).setPrice(price).setKind(kind).setEventTime(at).build();
    }

    /** The account's initial margin as a share of its position's value, by the end of {@code day}. */
    private static double share(List<MarginResult> results, String account, int day) {
        MarginResult result = latest(results, account, day);
        double notional = 10_000 * result.getUnderlyings().get(0).getNetDelta() / (account.equals("ACC-BTC") ? 1 : 50);
        return result.getInitialMargin().doubleValue() / Math.abs(notional);
    }

    private static MarginResult latest(List<MarginResult> results, String account, int day) {
        Instant by = T0.plus(Duration.ofDays(day));
        return results.stream().filter(r -> r.getAccount().equals(account))
                .filter(r -> !r.getCause().getEventTime().isAfter(by))
                .reduce((first, second) -> second).orElseThrow();
    }
}
