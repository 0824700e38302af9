package io.marginflow.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.Market;
import io.marginflow.risk.RiskModel;
import io.marginflow.risk.stats.AntiProcyclicality;
import io.marginflow.risk.stats.Ewma;
import io.marginflow.risk.stats.FilteredHistoricalSimulation;
import io.marginflow.risk.stats.RiskMeasures;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The history reaches the engine as the data has it: at a close, the engine's statistics rest on
 * exactly the returns before and up to that close, no interval more or less, and a gap in the
 * data is one return across it. Checked against filtered historical simulation computed directly
 * on the data's returns.
 */
class EngineReplayTest {

    private static final PriceHistory[] DAILY = PriceHistory.aligned(
            PriceHistory.coinGecko("BTC", "data/coingecko_btc_usd_daily_20130428_20241218.csv.gz"),
            PriceHistory.coinGecko("ETH", "data/coingecko_eth_usd_daily_20150807_20260105.csv.gz"));
    private static final ReferencePortfolio LONG_BTC = ReferencePortfolio.all().get(0);

    @Test
    void atACloseTheEngineUsesTheWindowOfReturnsEndingWithThatClose() {
        EngineModel model = EngineModel.daily("FHS-EWMA", RiskModel.VolatilityModel.EWMA, AntiProcyclicality.NONE);
        int t = indexOf(DAILY[0], "2020-03-13T00:00:00Z"); // the close after Black Thursday's −40%
        EngineReplay replay = new EngineReplay(model, DAILY);
        replay.advanceTo(t);

        double engineVar = replay.margin(LONG_BTC, t, new double[2]).account().valueAtRisk();

        double[] window = Arrays.copyOfRange(DAILY[0].logReturns(), t - 1_000, t);
        assertThat(window[window.length - 1]).as("the crash is the window's last return").isLessThan(-0.3);
        assertThat(engineVar).isCloseTo(directVar(window, 0.94, 2), within(1e-6));
    }

    @Test
    void aGapInTheDataIsOneReturnAcrossIt() {
        // Thirty daily prices with days 12 to 14 missing: 26 returns, one of them over four days.
        long[] times = new long[27];
        double[] btc = new double[27];
        double[] eth = new double[27];
        for (int i = 0, day = 0; i < times.length; i++, day++) {
            day += day == 12 ? 3 : 0;
            times[i] = day * EngineModel.DAY;
            btc[i] = 10_000 * Math.exp(0.03 * Math.sin(1.7 * day) + (day >= 15 ? 0.2 : 0.0));
            eth[i] = 300 * Math.exp(0.04 * Math.cos(1.3 * day));
        }
        PriceHistory[] pair = {new PriceHistory("BTC", times, btc, List.of()), new PriceHistory("ETH", times, eth, List.of())};
        EngineModel daily = EngineModel.daily("FHS-EWMA", RiskModel.VolatilityModel.EWMA, AntiProcyclicality.NONE);
        EngineModel model = new EngineModel("short window", daily.parameters(), new Market.HistorySettings(EngineModel.DAY, 20, 20));
        int t = times.length - 1;
        EngineReplay replay = new EngineReplay(model, pair);
        replay.advanceTo(t);

        double engineVar = replay.margin(LONG_BTC, t, new double[2]).account().valueAtRisk();

        double[] window = Arrays.copyOfRange(pair[0].logReturns(), t - 20, t);
        assertThat(engineVar).isCloseTo(directVar(window, 0.94, 2), within(1e-6));
    }

    @Test
    void pricesOffTheSamplingGridAreRefused() {
        PriceHistory off = new PriceHistory("BTC", new long[] {0, EngineModel.DAY + 5}, new double[] {1, 2}, List.of());
        EngineModel model = EngineModel.daily("FHS-EWMA", RiskModel.VolatilityModel.EWMA, AntiProcyclicality.NONE);
        assertThatThrownBy(() -> new EngineReplay(model, new PriceHistory[] {off, off}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boundary");
    }

    /**
     * VaR 99% of USD 1 M long over {@code horizon} intervals by FHS on {@code returns}: EWMA
     * de-volatilised and rescaled to the latest forecast (the risk-engine's stats, called directly).
     */
    private static double directVar(double[] returns, double lambda, int horizon) {
        double[] variances = Ewma.variances(returns, lambda);
        double forecast = Math.sqrt(variances[variances.length - 1]);
        double[] moves = FilteredHistoricalSimulation.scenarioMoves(new double[][] {returns}, new double[] {forecast}, lambda,
                horizon)[0];
        double[] losses = new double[moves.length];
        for (int s = 0; s < moves.length; s++) {
            losses[s] = -ReferencePortfolio.NOTIONAL * moves[s];
        }
        return RiskMeasures.of(losses, 0.99, 0.975).valueAtRisk();
    }

    private static int indexOf(PriceHistory history, String time) {
        long millis = Instant.parse(time).toEpochMilli();
        for (int i = 0; i < history.size(); i++) {
            if (history.times()[i] == millis) {
                return i;
            }
        }
        throw new AssertionError("no price at " + time);
    }
}
