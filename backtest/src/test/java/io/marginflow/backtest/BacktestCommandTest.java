package io.marginflow.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.RiskModel;
import io.marginflow.risk.options.Black76;
import io.marginflow.risk.options.OptionType;
import io.marginflow.risk.stats.AntiProcyclicality;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backtest command over a short stretch of real history: the report is written and says what it should. */
class BacktestCommandTest {

    private static final PriceHistory[] DAILY = PriceHistory.aligned(
            PriceHistory.coinGecko("BTC", "data/coingecko_btc_usd_daily_20130428_20241218.csv.gz"),
            PriceHistory.coinGecko("ETH", "data/coingecko_eth_usd_daily_20150807_20260105.csv.gz"));

    @Test
    void portfolioProfitAndLossByHand() {
        ReferencePortfolio longBtc = ReferencePortfolio.all().get(0);
        // 1,000,000 USD of BTC at 10,000 is 100 BTC; +5% is +50,000.
        assertThat(longBtc.pnl(new double[] {10_000, 200}, new double[] {0.05, 0.0}, 2, new double[2], new double[2]))
                .isCloseTo(50_000, within(1e-6));
        ReferencePortfolio straddle = ReferencePortfolio.all().get(3);
        // 100 calls and 100 puts struck at 10,000, 30 days, vol 60% → after 2 days at 10,500 and vol 50%.
        double before = Black76.price(OptionType.CALL, 10_000, 10_000, 30 / 365.0, 0.6, 0)
                + Black76.price(OptionType.PUT, 10_000, 10_000, 30 / 365.0, 0.6, 0);
        double after = Black76.price(OptionType.CALL, 10_500, 10_000, 28 / 365.0, 0.5, 0)
                + Black76.price(OptionType.PUT, 10_500, 10_000, 28 / 365.0, 0.5, 0);
        assertThat(straddle.pnl(new double[] {10_000, 200}, new double[] {0.05, 0.0}, 2, new double[] {0.6, 0.6},
                new double[] {0.5, 0.5})).isCloseTo(100 * (after - before), within(1e-6));
    }

    @Test
    void marginRisesThroughAVolatileRunAndTheFloorKeepsItFromFallingAsFarBefore() {
        ReferencePortfolio longBtc = ReferencePortfolio.all().get(0);
        Backtest.Run plain = Backtest.run("daily", DAILY, List.of(longBtc),
                EngineModel.daily("FHS-EWMA", RiskModel.VolatilityModel.EWMA, AntiProcyclicality.NONE),
                LocalDate.parse("2020-02-01"), LocalDate.parse("2020-04-30")).get(0);
        Backtest.Run floored = Backtest.run("daily", DAILY, List.of(longBtc),
                EngineModel.daily("FHS-EWMA + floor", RiskModel.VolatilityModel.EWMA,
                        new AntiProcyclicality(AntiProcyclicality.Tool.TEN_YEAR_FLOOR, 0, 0)),
                LocalDate.parse("2020-02-01"), LocalDate.parse("2020-04-30")).get(0);

        double calm = margin(plain, "2020-03-01");
        double stressed = margin(plain, "2020-03-14");
        // Black Thursday (BTC −40% on 2020-03-12) more than doubles the margin of a long BTC position.
        assertThat(stressed).isGreaterThan(2 * calm);
        // Before the crash, in a calm February, the floor holds margin above the plain model's.
        assertThat(margin(floored, "2020-03-01")).isGreaterThan(calm);
        assertThat(plain.observations()).allSatisfy(o -> assertThat(o.initialMargin()).isGreaterThanOrEqualTo(o.expectedShortfall()));
        assertThat(plain.observations()).allSatisfy(o -> assertThat(o.expectedShortfall()).isGreaterThanOrEqualTo(o.valueAtRisk()));
    }

    @Test
    void theCommandWritesASummaryAChartAndTheDataPerPortfolio(@TempDir Path out) throws IOException {
        Backtest.main(new String[] {"--out", out.toString(), "--from", "2020-02-01", "--to", "2020-03-31"});

        String summary = Files.readString(out.resolve("summary.md"));
        assertThat(summary).contains("## Daily history", "## Hourly history", "Kupiec", "Christoffersen",
                "| long BTC | FHS-EWMA |", "| short 30-day BTC strangle (90/110) | FHS-GARCH |", "| long BTC | FHS-GARCH (daily refit) |", "2649 hours given twice",
                "## VaR at 97.5%");
        for (String name : List.of("daily-long-btc", "daily-short-eth", "daily-btc-eth-spread", "daily-long-btc-straddle",
                "daily-short-btc-strangle", "hourly-long-btc", "hourly-short-eth", "hourly-btc-eth-spread")) {
            byte[] png = Files.readAllBytes(out.resolve(name + ".png"));
            assertThat(png).as(name).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
            assertThat(Files.readAllLines(out.resolve(name + ".csv"))).as(name).hasSizeGreaterThan(20);
        }
    }

    private static double margin(Backtest.Run run, String day) {
        Instant at = Instant.parse(day + "T00:00:00Z");
        return run.observations().stream().filter(o -> o.time().equals(at)).findFirst().orElseThrow().initialMargin();
    }
}
