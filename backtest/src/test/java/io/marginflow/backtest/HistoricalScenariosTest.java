package io.marginflow.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.stress.StressScenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped stress scenarios against the shipped closes read by hand, and the shipped file against them. */
class HistoricalScenariosTest {

    private static final PriceHistory[] DAILY = PriceHistory.aligned(
            PriceHistory.coinGecko("BTC", "data/coingecko_btc_usd_daily_20130428_20241218.csv.gz"),
            PriceHistory.coinGecko("ETH", "data/coingecko_eth_usd_daily_20150807_20260105.csv.gz"));

    @Test
    void blackThursdayIsTheMoveOfTheDailyClosesOfItsDay() {
        // The CSV rows "2020-03-12 00:00:00 UTC,7935.522040170545" and "2020-03-13 00:00:00 UTC,5142.990459018316".
        HistoricalScenarios.Move btc = HistoricalScenarios.move("BTC", DAILY[0], LocalDate.parse("2020-03-12"), 1);
        assertThat(btc.priceMove()).isCloseTo(5142.990459018316 / 7935.522040170545 - 1, within(1e-12));
        // The EWMA forecast rises by the day's own return: σ'² = 0.94 σ² + 0.06 r², r = ln(5142.99 / 7935.52) = −0.4337;
        // so the factor is √(0.94 + 0.06 r² / σ²) and exceeds √0.94 by far on a day of many σ.
        assertThat(btc.volFactor()).isGreaterThan(2.0).isLessThan(5.0);
    }

    @Test
    void theWorstTwoDaysOf2022ForBitcoinAreTheFtxCollapse() {
        assertThat(HistoricalScenarios.worstWindowStart(DAILY[0], 2022, 2)).isEqualTo(LocalDate.parse("2022-11-08"));
    }

    @Test
    void theShippedFileIsWhatTheDataGive() throws IOException {
        List<StressScenario> scenarios = HistoricalScenarios.all(DAILY[0], DAILY[1]);
        assertThat(scenarios).extracting(StressScenario::id)
                .containsExactly("HIST-2020-03-12", "HIST-2022-11-08", "HYPO-CRASH", "HYPO-SQUEEZE");
        assertThat(Files.readString(Path.of("../deploy/stress-scenarios.jsonl")))
                .isEqualTo(HistoricalScenarios.jsonLines(scenarios));
    }
}
