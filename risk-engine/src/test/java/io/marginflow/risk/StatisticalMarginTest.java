package io.marginflow.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.stats.AntiProcyclicality;
import io.marginflow.risk.stats.DynamicScanRange;
import io.marginflow.risk.stats.ReturnHistory;
import java.math.BigDecimal;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The statistical layer inside the engine's margin: return histories sampled from index prices,
 * FHS VaR/ES, offsets between underlyings, dynamic scan ranges, add-ons and anti-procyclicality.
 */
class StatisticalMarginTest {

    private static final long DAY = 86_400_000L;
    private static final Market.HistorySettings HISTORY = new Market.HistorySettings(DAY, 500, 100);

    @Test
    void theHistoryKeepsEachIntervalsLastPriceAsItsClose() {
        ReturnHistory history = ReturnHistory.starting(DAY, 0, 100.0)
                .with(DAY / 2, 101.0, 3)       // same day: the close so far
                .with(DAY + 1, 102.0, 3)       // day 1: day 0 closed at 101
                .with(2 * DAY, 99.0, 3)        // day 2: day 1 closed at 102
                .with(DAY + 5, 500.0, 3)       // an earlier time: ignored
                .with(5 * DAY, 98.0, 3)        // day 5: day 2 closed at 99
                .with(6 * DAY, 97.0, 3)        // day 6: day 5 closed at 98; only 4 closes are kept
                .with(7 * DAY, 96.0, 3);       // day 7: day 6 closed at 97
        assertThat(history.closes()).containsExactly(102.0, 99.0, 98.0, 97.0);
        assertThat(history.returns()).containsExactly(Math.log(99.0 / 102), Math.log(98.0 / 99), Math.log(97.0 / 98));
        assertThat(history.lastPrice()).isEqualTo(96.0);
        assertThat(history.closeBuckets()).containsExactly(1L, 2L, 5L, 6L);
        // As it stood when day 6 began: the closes of days 1, 2 and 5.
        assertThat(history.asOf(6).closes()).containsExactly(102.0, 99.0, 98.0);
    }

    @Test
    void aVolatileRunRaisesMarginAndACalmRunLowersItWithAntiProcyclicalityLimitingTheDrop() {
        double[] plain = marginThroughARegimeChange(AntiProcyclicality.NONE);
        double[] floored = marginThroughARegimeChange(new AntiProcyclicality(AntiProcyclicality.Tool.TEN_YEAR_FLOOR, 0, 0));

        // plain: [calm, after the turbulence, after calm again]
        assertThat(plain[1]).as("turbulence raises margin").isGreaterThan(2 * plain[0]);
        assertThat(plain[2]).as("calm lowers it again").isLessThan(0.6 * plain[1]);
        assertThat(floored[2]).as("the floor keeps some of it").isGreaterThan(plain[2]);
        assertThat(floored[2] / floored[1]).as("and the drop is smaller").isGreaterThan(plain[2] / plain[1]);
    }

    /**
     * A long BTC perpetual's IM, as a share of its value, after 300 calm days (±1%), 30 turbulent
     * days (±8%) and 90 calm days again; the scan range follows volatility (2% to 50%).
     */
    private static double[] marginThroughARegimeChange(AntiProcyclicality tool) {
        Market market = market(riskModel(0.0, tool, 0.02, 0.5));
        Random random = new Random(1);
        double[] margins = new double[3];
        int day = 0;
        double price = 10_000;
        int[] lengths = {300, 30, 90};
        double[] sizes = {0.01, 0.08, 0.01};
        for (int regime = 0; regime < 3; regime++) {
            for (int d = 0; d < lengths[regime]; d++) {
                price *= Math.exp(sizes[regime] * random.nextGaussian());
                market.recordIndexPrice("BTC", day++ * DAY, price);
            }
            market.putMark("BTC-PERPETUAL", price);
            margins[regime] = margin(market, Portfolio.EMPTY.withFill(spec(market, "BTC-PERPETUAL"), BigDecimal.ONE,
                    price, BigDecimal.ZERO, "USD")).initialMargin() / price;
        }
        return margins;
    }

    @Test
    void expectedShortfallJoinsTheScenarioMarginOnceTheHistoryIsLongEnough() {
        Market market = market(riskModel(0.0, AntiProcyclicality.NONE, 0.0, 0.0));
        feed(market, "BTC", 99, 0.05, 2);
        Portfolio longOne = Portfolio.EMPTY.withFill(spec(market, "BTC-PERPETUAL"), BigDecimal.ONE, 10_000.0, BigDecimal.ZERO, "USD");

        AccountMargin early = margin(market, longOne);
        assertThat(early.expectedShortfall()).as("98 returns, 100 needed").isZero();
        assertThat(early.initialMargin()).isCloseTo(10_000 * 0.16, within(1e-9));

        feed(market, "BTC", 200, 0.05, 3);
        AccountMargin later = margin(market, longOne);
        // (ES 97.5% need not exceed VaR 99%; ES ≥ VaR at the same confidence is RiskMeasuresTest's.)
        assertThat(later.expectedShortfall()).isPositive();
        assertThat(later.valueAtRisk()).isPositive();
        assertThat(later.initialMargin()).isEqualTo(Math.max(later.scenarioMargin(), later.expectedShortfall()));
        assertThat(later.binding()).isEqualTo(later.expectedShortfall() > later.scenarioMargin()
                ? AccountMargin.Component.EXPECTED_SHORTFALL : AccountMargin.Component.SCENARIO);
        // With ±5% days the 2-day 97.5% ES of a 10,000 position is far above the fixed 16% scan: ES binds.
        assertThat(later.binding()).isEqualTo(AccountMargin.Component.EXPECTED_SHORTFALL);
        assertThat(later.underlyings().get(0).forecastVol()).isBetween(0.03, 0.08);
    }

    @Test
    void marginRisesMonotonicallyWithForecastVolatility() {
        double previous = 0.0;
        for (double size : new double[] {0.005, 0.01, 0.02, 0.04, 0.08}) {
            Market market = market(riskModel(0.0, AntiProcyclicality.NONE, 0.0, 0.0));
            feed(market, "BTC", 300, size, 9); // the same draws, scaled: only the volatility differs
            double es = margin(market, Portfolio.EMPTY.withFill(spec(market, "BTC-PERPETUAL"), BigDecimal.ONE,
                    10_000.0, BigDecimal.ZERO, "USD")).expectedShortfall();
            assertThat(es).as("daily vol %.3f", size).isGreaterThan(previous);
            previous = es;
        }
    }

    @Test
    void correlatedUnderlyingsAreOffsetWithinTheCap() {
        Market market = market(riskModel(0.4, AntiProcyclicality.NONE, 0.0, 0.0));
        // BTC and ETH move in opposite directions every day: ρ = −1, so a long-long book's offsets would be
        // complete, but the credit is capped at 40% of the summed requirements.
        Random random = new Random(4);
        double btc = 10_000;
        double eth = 200;
        for (int d = 0; d < 300; d++) {
            double move = 0.02 * random.nextGaussian();
            btc *= Math.exp(move);
            eth *= Math.exp(-move);
            market.recordIndexPrice("BTC", d * DAY, btc);
            market.recordIndexPrice("ETH", d * DAY, eth);
        }
        assertThat(market.correlation("BTC", "ETH")).isCloseTo(-1.0, within(1e-9));
        Portfolio both = Portfolio.EMPTY
                .withFill(spec(market, "BTC-PERPETUAL"), BigDecimal.ONE, 10_000.0, BigDecimal.ZERO, "USD")
                .withFill(spec(market, "ETH-PERPETUAL"), new BigDecimal("50"), 200.0, BigDecimal.ZERO, "USD");

        AccountMargin margin = margin(market, both);

        double summed = margin.underlyings().stream().mapToDouble(UnderlyingRisk::requirement).sum();
        assertThat(margin.scenarioMargin()).isCloseTo(0.6 * summed, within(1e-6));
    }

    @Test
    void theScanRangeFollowsTheForecastAndTheConcentrationAddOnChargesLargePositions() {
        Market market = market(riskModel(0.0, AntiProcyclicality.NONE, 0.05, 0.5));
        feed(market, "BTC", 300, 0.03, 5);
        UnderlyingStatistics stats = market.statistics("BTC").orElseThrow();
        double range = DynamicScanRange.of(stats.marginVol(), 2, 0.99, 0.05, 0.5);
        // A long perpetual loses most at the bottom of the range: 10,000 × range (no extremes here).
        AccountMargin margin = margin(market, Portfolio.EMPTY.withFill(spec(market, "BTC-PERPETUAL"), BigDecimal.ONE,
                10_000.0, BigDecimal.ZERO, "USD"));
        assertThat(margin.underlyings().get(0).scanRange()).isCloseTo(range, within(1e-12));
        assertThat(margin.underlyings().get(0).requirement()).isCloseTo(10_000 * range, within(1e-6));

        // Concentration: 2% of the net position value above 50,000 USD: 8 BTC at 10,000 = 80,000 → 600.
        MarginParameters concentrated = MarginParameters.builder("BTC").version(2)
                .riskModel(RiskModel.builder().concentration(50_000, 0.02).build())
                .build();
        market.putParameters(concentrated);
        AccountMargin big = margin(market, Portfolio.EMPTY.withFill(spec(market, "BTC-PERPETUAL"), new BigDecimal("8"),
                10_000.0, BigDecimal.ZERO, "USD"));
        assertThat(big.addOns()).isCloseTo(600.0, within(1e-9));
        assertThat(big.initialMargin()).isCloseTo(Math.max(big.scenarioMargin(), big.expectedShortfall()) + 600.0, within(1e-9));
    }

    @Test
    void statisticsAreRefreshedOnTheirScheduleFromTheHistoryAsItStoodThenAndARestoredEngineAgrees() {
        // Refreshed weekly: within a week the forecast stays, at the next multiple of 7 days it moves.
        RiskModel weekly = RiskModel.builder().volatilityModel(RiskModel.VolatilityModel.GARCH).refreshMillis(7 * DAY).build();
        Market live = market(weekly);
        feed(live, "BTC", 302, 0.02, 6); // days 0 … 301; day 301 = 7 × 43 starts a week
        double monday = live.statistics("BTC").orElseThrow().forecastVol();
        feed(live, "BTC", 6, 0.10, 7);   // days 302 … 307: turbulent, but still the same week
        assertThat(live.statistics("BTC").orElseThrow().forecastVol()).isEqualTo(monday);
        feed(live, "BTC", 3, 0.10, 8);   // days 308 … 310: day 308 starts the next week
        double nextWeek = live.statistics("BTC").orElseThrow().forecastVol();
        assertThat(nextWeek).isGreaterThan(monday);

        // An engine restored from the stored history mid-week computes exactly the same statistics.
        feed(live, "BTC", 2, 0.10, 9);
        Market restored = market(weekly);
        restored.putHistory("BTC", live.history("BTC").orElseThrow());
        UnderlyingStatistics a = live.statistics("BTC").orElseThrow();
        UnderlyingStatistics b = restored.statistics("BTC").orElseThrow();
        assertThat(b.forecastVol()).isEqualTo(a.forecastVol()).isEqualTo(nextWeek);
        assertThat(b.fhsMoves()).containsExactly(a.fhsMoves());
    }

    private static RiskModel riskModel(double maxCredit, AntiProcyclicality tool, double floor, double cap) {
        return RiskModel.builder().maxOffsetCredit(maxCredit).antiProcyclicality(tool).dynamicScanRange(floor, cap).build();
    }

    private static Market market(RiskModel model) {
        MarginParameters defaults = MarginParameters.builder("*").riskModel(model).build();
        Market market = new Market(defaults, Set.of("USD"), HISTORY);
        market.putInstrument(MarginCalculatorTest.linear("BTC-PERPETUAL", "BTC", "1"));
        market.putInstrument(MarginCalculatorTest.linear("ETH-PERPETUAL", "ETH", "1"));
        market.putMark("BTC-PERPETUAL", 10_000.0);
        market.putMark("ETH-PERPETUAL", 200.0);
        return market;
    }

    /** {@code days} daily index prices of {@code underlying} with log returns of {@code size} × N(0, 1). */
    private static void feed(Market market, String underlying, int days, double size, long seed) {
        Random random = new Random(seed);
        long start = market.history(underlying).map(h -> (h.bucket() + 1) * DAY).orElse(0L);
        double price = market.history(underlying).map(ReturnHistory::lastPrice).orElse(10_000.0);
        for (int d = 0; d < days; d++) {
            price *= Math.exp(size * random.nextGaussian());
            market.recordIndexPrice(underlying, start + d * DAY, price);
        }
    }

    private static AccountMargin margin(Market market, Portfolio portfolio) {
        return new MarginCalculator().margin(AccountRiskView.of(portfolio, market), market);
    }

    private static InstrumentSpec spec(Market market, String id) {
        return market.instrument(id).orElseThrow();
    }
}
