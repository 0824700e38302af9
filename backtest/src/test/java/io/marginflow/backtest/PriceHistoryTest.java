package io.marginflow.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The loaders clean the known quirks of the real files (see data/SOURCES.md). */
class PriceHistoryTest {

    @Test
    void cryptoDataDownloadHourlyIsSortedDeduplicatedAndInMilliseconds() {
        PriceHistory btc = PriceHistory.cryptoDataDownload("BTC", "data/cdd_binance_spot_btcusdt_1h_20170817_20210610.csv.gz");

        // 36,062 rows, of which 2,649 hours appear twice (2020-08-01 23:00 to 2020-11-20 07:00): 33,413 hours.
        assertThat(btc.size()).isEqualTo(36_062 - 2_649);
        assertThat(btc.time(0)).isEqualTo(Instant.parse("2017-08-17T04:00:00Z"));
        assertThat(btc.time(btc.size() - 1)).isEqualTo(Instant.parse("2021-06-10T00:00:00Z"));
        assertThat(btc.cleaning()).anySatisfy(note -> assertThat(note).startsWith("2649 hours given twice"));
        // Strictly increasing times are checked by the record; no step is shorter than an hour.
        for (int i = 1; i < btc.size(); i++) {
            assertThat(btc.times()[i] - btc.times()[i - 1]).isGreaterThanOrEqualTo(3_600_000L);
        }
    }

    @Test
    void coinGeckoDailyLosesItsByteOrderMarkAndAlignsWithTheOtherUnderlying() {
        PriceHistory eth = PriceHistory.coinGecko("ETH", "data/coingecko_eth_usd_daily_20150807_20260105.csv.gz");
        PriceHistory btc = PriceHistory.coinGecko("BTC", "data/coingecko_btc_usd_daily_20130428_20241218.csv.gz");
        assertThat(eth.cleaning()).contains("removed a byte-order mark");
        assertThat(eth.size()).isEqualTo(3_804);
        assertThat(btc.size()).isEqualTo(4_251);

        PriceHistory[] pair = PriceHistory.aligned(btc, eth);

        // Common range 2015-08-07 … 2024-12-18 (3,422 days) less ETH's gap (2015-08-09) and the days each lacks.
        assertThat(pair[0].size()).isEqualTo(pair[1].size());
        assertThat(pair[0].time(0)).isEqualTo(Instant.parse("2015-08-07T00:00:00Z"));
        assertThat(pair[0].time(pair[0].size() - 1)).isEqualTo(Instant.parse("2024-12-18T00:00:00Z"));
        assertThat(pair[0].times()).isEqualTo(pair[1].times());
        assertThat(pair[0].size()).isBetween(3_410, 3_422);
    }

    @Test
    void cryptoDataDownloadGivesEachPriceColumn() {
        String resource = "data/cdd_binance_spot_btcusdt_1h_20170817_20210610.csv.gz";
        long noon = Instant.parse("2020-03-12T12:00:00Z").toEpochMilli();
        // the file's row: 1584014400.0,2020-03-12 12-PM,BTC/USDT,6067.01,6307.59,5900,6028.1,...
        for (Object[] column : new Object[][] {{PriceHistory.Column.HIGH, 6307.59}, {PriceHistory.Column.LOW, 5900.0},
            {PriceHistory.Column.CLOSE, 6028.1}}) {
            PriceHistory prices = PriceHistory.cryptoDataDownload("BTC", resource, (PriceHistory.Column) column[0]);
            assertThat(prices.closes()[java.util.Arrays.binarySearch(prices.times(), noon)]).isEqualTo(column[1]);
        }
    }

    @Test
    void thePerpetualsDailyBasisIsItsCloseAgainstSpotsCloseOfTheSameHour() {
        PriceHistory spot = PriceHistory.cryptoDataDownload("BTC", "data/cdd_binance_spot_btcusdt_1h_20170817_20210610.csv.gz");
        PriceHistory perpetual = PriceHistory.cryptoDataDownload("BTC perpetual",
                "data/cdd_binance_usdm_perp_btcusdt_1d_20190908_20201230.csv.gz");
        // the files' rows: perpetual 1583971200000,2020-03-12 00:00:00,BTC/USDT,7938.39,7969.00,4347.00,4764.65,...
        // and spot 1584054000.0,2020-03-12 11-PM,BTC/USDT,5802.7,5802.7,4410,4800,...: ln(4764.65 / 4800) = -0.739%
        assertThat(MarkIndexEvaluation.dailyBasis("BTC", perpetual, spot)).filteredOn(basis ->
                basis.dayMillis() == Instant.parse("2020-03-12T00:00:00Z").toEpochMilli()).singleElement()
                .satisfies(basis -> assertThat(basis.basis()).isEqualTo(Math.log(4764.65 / 4800.0)));
    }
}
