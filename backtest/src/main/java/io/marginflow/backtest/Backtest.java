package io.marginflow.backtest;

import io.marginflow.risk.stats.AntiProcyclicality;
import io.marginflow.risk.stats.Backtests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code backtest} command: the margin model over real BTC and ETH history, for every
 * reference portfolio, margin against the loss actually realised over the margin period of
 * risk; then the statistics regulators ask for and a chart per portfolio, written to a folder
 * with a Markdown summary.
 *
 * <p>Arguments: {@code [--out DIR] [--from YYYY-MM-DD] [--to YYYY-MM-DD]} (default
 * {@code backtest-report}, the whole history).
 */
public final class Backtest {

    /** One observation: what the model required at {@code time}, and the loss over the following horizon. */
    public record Observation(Instant time, double valueAtRisk, double lowerValueAtRisk, double expectedShortfall,
                              double scenarioMargin, double initialMargin, double realisedLoss, String binding) {}

    /** A portfolio's observations under one model on one history. */
    public record Run(String history, ReferencePortfolio portfolio, String model, int horizon, List<Observation> observations) {

        /** Every horizon-th observation: non-overlapping windows, which the tests' independence assumes. */
        public List<Observation> sample() {
            List<Observation> sample = new ArrayList<>();
            for (int i = 0; i < observations.size(); i += horizon) {
                sample.add(observations.get(i));
            }
            return sample;
        }

        /** The tests at VaR 99% (and the margin's ES and IM breaches). */
        public Statistics statistics(double varConfidence) {
            return statistics(varConfidence, false);
        }

        /**
         * The tests of the VaR at {@code varConfidence}: the model's main VaR, or with
         * {@code lower} its 97.5% VaR ({@link MarginModel#LOWER_VAR_CONFIDENCE}).
         */
        public Statistics statistics(double varConfidence, boolean lower) {
            List<Observation> sample = sample();
            boolean[] exceeded = new boolean[sample.size()];
            int varBreaches = 0;
            int esBreaches = 0;
            int imBreaches = 0;
            double marginShare = 0.0;
            for (int i = 0; i < sample.size(); i++) {
                Observation o = sample.get(i);
                exceeded[i] = o.realisedLoss() > (lower ? o.lowerValueAtRisk() : o.valueAtRisk());
                varBreaches += exceeded[i] ? 1 : 0;
                esBreaches += o.realisedLoss() > o.expectedShortfall() ? 1 : 0;
                imBreaches += o.realisedLoss() > o.initialMargin() ? 1 : 0;
                marginShare += o.initialMargin() / ReferencePortfolio.NOTIONAL;
            }
            return new Statistics(sample.size(), varBreaches, esBreaches, imBreaches,
                    Backtests.kupiec(sample.size(), varBreaches, varConfidence), Backtests.christoffersen(exceeded),
                    Backtests.trafficLight(sample.size(), varBreaches, varConfidence),
                    marginShare / Math.max(1, sample.size()), largestRise(), worstShortfall());
        }

        /** The largest rise of initial margin over any window of ten observations, relative. */
        private double largestRise() {
            double rise = 0.0;
            for (int i = 0; i + 10 < observations.size(); i++) {
                double before = observations.get(i).initialMargin();
                if (before > 0) {
                    rise = Math.max(rise, observations.get(i + 10).initialMargin() / before - 1.0);
                }
            }
            return rise;
        }

        /** The largest amount by which a realised loss exceeded initial margin, in USD. */
        private double worstShortfall() {
            double worst = 0.0;
            for (Observation o : observations) {
                worst = Math.max(worst, o.realisedLoss() - o.initialMargin());
            }
            return worst;
        }
    }

    /** A run's backtest figures on its non-overlapping sample. */
    public record Statistics(int observations, int varBreaches, int esBreaches, int imBreaches,
                             Backtests.LikelihoodRatio kupiec, Backtests.LikelihoodRatio christoffersen,
                             Backtests.Zone zone, double meanMarginShare, double largestTenStepRise,
                             double worstShortfall) {}

    private Backtest() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        Path out = Path.of(options.getOrDefault("--out", "backtest-report"));
        LocalDate from = LocalDate.parse(options.getOrDefault("--from", "2000-01-01"));
        LocalDate to = LocalDate.parse(options.getOrDefault("--to", "2100-01-01"));
        Files.createDirectories(out);
        long started = System.nanoTime();

        List<Run> runs = new ArrayList<>();
        List<PriceHistory> histories = new ArrayList<>();
        PriceHistory[] daily = PriceHistory.aligned(
                PriceHistory.coinGecko("BTC daily (CoinGecko)", "data/coingecko_btc_usd_daily_20130428_20241218.csv.gz"),
                PriceHistory.coinGecko("ETH daily (CoinGecko)", "data/coingecko_eth_usd_daily_20150807_20260105.csv.gz"));
        histories.addAll(List.of(daily));
        Map<String, MarginModel> dailyModels = new LinkedHashMap<>();
        dailyModels.put("FHS-EWMA", dailyModel(MarginModel.Forecast.EWMA, AntiProcyclicality.NONE));
        dailyModels.put("FHS-GARCH", dailyModel(MarginModel.Forecast.GARCH, AntiProcyclicality.NONE));
        dailyModels.put("FHS-EWMA + 25% buffer", dailyModel(MarginModel.Forecast.EWMA,
                new AntiProcyclicality(AntiProcyclicality.Tool.BUFFER, 0.25, 0.0)));
        dailyModels.put("FHS-EWMA + 25% stressed weight", dailyModel(MarginModel.Forecast.EWMA,
                new AntiProcyclicality(AntiProcyclicality.Tool.STRESSED_WEIGHT, 0.0, 0.25)));
        dailyModels.put("FHS-EWMA + 10-year floor", dailyModel(MarginModel.Forecast.EWMA,
                new AntiProcyclicality(AntiProcyclicality.Tool.TEN_YEAR_FLOOR, 0.0, 0.0)));
        for (Map.Entry<String, MarginModel> model : dailyModels.entrySet()) {
            for (ReferencePortfolio portfolio : ReferencePortfolio.all()) {
                runs.add(run("daily", daily, portfolio, model.getKey(), model.getValue(), from, to));
            }
            System.out.printf("[%5.1fs] daily, %s%n", (System.nanoTime() - started) / 1e9, model.getKey());
        }

        PriceHistory[] hourly = PriceHistory.aligned(
                PriceHistory.cryptoDataDownload("BTC hourly (Binance spot)", "data/cdd_binance_spot_btcusdt_1h_20170817_20210610.csv.gz"),
                PriceHistory.cryptoDataDownload("ETH hourly (Binance spot)", "data/cdd_binance_spot_ethusdt_1h_20170817_20210610.csv.gz"));
        histories.addAll(List.of(hourly));
        Map<String, MarginModel> hourlyModels = new LinkedHashMap<>();
        hourlyModels.put("FHS-EWMA", hourlyModel(MarginModel.Forecast.EWMA));
        hourlyModels.put("FHS-GARCH", hourlyModel(MarginModel.Forecast.GARCH));
        for (Map.Entry<String, MarginModel> model : hourlyModels.entrySet()) {
            for (ReferencePortfolio portfolio : ReferencePortfolio.linear()) {
                runs.add(run("hourly", hourly, portfolio, model.getKey(), model.getValue(), from, to));
            }
            System.out.printf("[%5.1fs] hourly, %s%n", (System.nanoTime() - started) / 1e9, model.getKey());
        }

        Path summary = new Report(out, runs, histories, dailyModels.get("FHS-EWMA"), hourlyModels.get("FHS-EWMA")).write();
        System.out.printf("[%5.1fs] wrote %s and %d charts%n", (System.nanoTime() - started) / 1e9, summary,
                runs.stream().filter(r -> r.model().equals("FHS-EWMA")).count());
    }

    /** Daily: λ 0.94, 2-day margin period of risk, 1,000-day window, GARCH refitted monthly. */
    static MarginModel dailyModel(MarginModel.Forecast forecast, AntiProcyclicality antiProcyclicality) {
        return new MarginModel(forecast, antiProcyclicality, 0.94, 2, 1_000, 365, 0.99, 0.975, 0.5, 30);
    }

    /**
     * Hourly: the daily decay per hour (0.94^(1/24)), 48-hour margin period of risk, 4,000-hour
     * window, GARCH refitted every 30 days.
     */
    static MarginModel hourlyModel(MarginModel.Forecast forecast) {
        return new MarginModel(forecast, AntiProcyclicality.NONE, Math.pow(0.94, 1.0 / 24), 48, 4_000, 24 * 365,
                0.99, 0.975, 0.5, 24 * 30);
    }

    /**
     * Every observation from the first with a full window to the last with a full horizon after
     * it (within [from, to]): the model's margin at its close, and the loss the portfolio opened
     * then made by the close one horizon later, with options valued at that time's forecast vol.
     */
    static Run run(String name, PriceHistory[] pair, ReferencePortfolio portfolio, String modelName, MarginModel model,
                   LocalDate from, LocalDate to) {
        double[][] prices = {pair[0].closes(), pair[1].closes()};
        double[][] returns = {pair[0].logReturns(), pair[1].logReturns()};
        int h = model.horizon();
        long fromMillis = from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long toMillis = to.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        List<Observation> observations = new ArrayList<>();
        double elapsedDays = h * 365.0 / model.periodsPerYear();
        for (int t = model.window(); t + h < pair[0].size(); t++) {
            long time = pair[0].times()[t];
            if (time < fromMillis || time > toMillis) {
                continue;
            }
            MarginModel.Margin margin = model.margin(portfolio, prices, returns, t);
            double[] open = {prices[0][t], prices[1][t]};
            double[] moves = {prices[0][t + h] / open[0] - 1.0, prices[1][t + h] / open[1] - 1.0};
            double[] volsThen = new double[2];
            if (portfolio.hasOptions()) {
                for (int u = 0; u < 2; u++) {
                    volsThen[u] = model.annualised(model.ewmaForecast(returns[u], t + h));
                }
            }
            double loss = -portfolio.pnl(open, moves, elapsedDays, margin.impliedVols(), volsThen);
            observations.add(new Observation(Instant.ofEpochMilli(time), margin.valueAtRisk(), margin.lowerValueAtRisk(),
                    margin.expectedShortfall(),
                    margin.scenarioMargin(), margin.initialMargin(), loss, margin.binding()));
        }
        return new Run(name, portfolio, modelName, h, observations);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: backtest [--out DIR] [--from YYYY-MM-DD] [--to YYYY-MM-DD]");
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }
}
