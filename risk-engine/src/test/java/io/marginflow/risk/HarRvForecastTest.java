package io.marginflow.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.stats.HarRv;
import io.marginflow.risk.stats.ReturnHistory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * HAR-RV as the engine's volatility model: realised variances kept by the return history from the
 * index prices inside each interval, worked by hand, and the forecast that the statistics make of them.
 */
class HarRvForecastTest {

    private static final long DAY = 86_400_000L;
    private static final long HOUR = DAY / 24;

    @Test
    void anIntervalsRealisedVarianceSumsTheSquaredReturnsOfItsHourlyCloses() {
        ReturnHistory history = ReturnHistory.starting(DAY, 0, 100.0)
                .with(HOUR + HOUR / 2, 110.0, 10)      // hour 1: hour 0 closed at 100, unchanged
                .with(2 * HOUR + 600_000, 104.0, 10)   // hour 2: hour 1 closed at 110
                .with(2 * HOUR + 900_000, 99.0, 10)    // still hour 2: its close so far
                .with(DAY + 300_000, 100.0, 10);       // day 1: hour 2 (and day 0) closed at 99

        // ln(100/100)² + ln(110/100)² + ln(99/110)²
        assertThat(history.realised()).containsExactly(Math.pow(Math.log(1.1), 2) + Math.pow(Math.log(99.0 / 110), 2));
        assertThat(history.closes()).containsExactly(99.0);
    }

    @Test
    void withOnePricePerDayEachDaysRealisedVarianceIsItsSquaredReturnAndTheForecastIsHarRvsOnThem() {
        double[] prices = walk(120, 0.03, 5);
        ReturnHistory history = daily(prices);
        double[] byHand = new double[prices.length - 2];   // the last price is the open day, not a close
        for (int d = 1; d <= byHand.length; d++) {
            byHand[d - 1] = Math.pow(Math.log(prices[d] / prices[d - 1]), 2);
        }
        assertThat(history.realisedVariances()).containsExactly(byHand, within(1e-18));

        UnderlyingStatistics stats = UnderlyingStatistics.of(history, parameters(RiskModel.VolatilityModel.HAR_RV));
        double forecast = HarRv.fit(byHand, 0, byHand.length).forecast(byHand, byHand.length - 1);
        assertThat(stats.forecastVol()).isCloseTo(Math.sqrt(forecast), within(1e-15));
    }

    @Test
    void theSameDailyClosesWithAWilderDayInsideForecastMoreThanEwmaSees() {
        double[] prices = walk(120, 0.02, 9);
        ReturnHistory calm = daily(prices);
        ReturnHistory wild = ReturnHistory.starting(DAY, 0, prices[0]);
        for (int d = 1; d < prices.length; d++) {
            // the same close each day, but the last ten days swing ±10% within each day first
            if (d >= prices.length - 10) {
                wild = wild.with(d * DAY - 3 * HOUR, prices[d - 1] * 1.1, 400).with(d * DAY - 2 * HOUR, prices[d - 1] * 0.9, 400)
                        .with(d * DAY - HOUR, prices[d - 1], 400);
            }
            wild = wild.with(d * DAY, prices[d], 400);
        }
        assertThat(wild.closes()).containsExactly(calm.closes());

        MarginParameters har = parameters(RiskModel.VolatilityModel.HAR_RV);
        MarginParameters ewma = parameters(RiskModel.VolatilityModel.EWMA);
        assertThat(UnderlyingStatistics.of(wild, ewma).forecastVol()).isEqualTo(UnderlyingStatistics.of(calm, ewma).forecastVol());
        assertThat(UnderlyingStatistics.of(wild, har).forecastVol())
                .isGreaterThan(2 * UnderlyingStatistics.of(calm, har).forecastVol());
    }

    @Test
    void tooShortAHistoryForAFitKeepsTheEwmaForecast() {
        ReturnHistory history = daily(walk(35, 0.03, 2));
        assertThat(UnderlyingStatistics.of(history, parameters(RiskModel.VolatilityModel.HAR_RV)).forecastVol())
                .isEqualTo(UnderlyingStatistics.of(history, parameters(RiskModel.VolatilityModel.EWMA)).forecastVol());
    }

    private static ReturnHistory daily(double[] prices) {
        ReturnHistory history = ReturnHistory.starting(DAY, 0, prices[0]);
        for (int d = 1; d < prices.length; d++) {
            history = history.with(d * DAY, prices[d], 400);
        }
        return history;
    }

    private static double[] walk(int days, double vol, long seed) {
        Random random = new Random(seed);
        double[] prices = new double[days];
        prices[0] = 10_000;
        for (int d = 1; d < days; d++) {
            prices[d] = prices[d - 1] * Math.exp(vol * random.nextGaussian());
        }
        return prices;
    }

    private static MarginParameters parameters(RiskModel.VolatilityModel model) {
        return MarginParameters.builder("*").riskModel(RiskModel.builder().volatilityModel(model).marginPeriodOfRiskDays(1)
                .build()).build();
    }
}
