package io.marginflow.backtest;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.RiskModel;
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
                              double scenarioMargin, double initialMargin, double realisedLoss, String binding) {

        /** What the engine required at {@code time} ({@code margin}) and the loss that followed. */
        static Observation of(Instant time, EngineReplay.Margin margin, double realisedLoss) {
            AccountMargin account = margin.account();
            return new Observation(time, account.valueAtRisk(), margin.lowerValueAtRisk(), account.expectedShortfall(),
                    account.scenarioMargin(), account.initialMargin(), realisedLoss,
                    account.binding() == AccountMargin.Component.SCENARIO ? "scenario" : "ES");
        }
    }

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
         * {@code lower} its 97.5% VaR ({@link EngineModel#LOWER_VAR_CONFIDENCE}).
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
        List<EngineModel> dailyModels = dailyModels();
        for (EngineModel model : dailyModels) {
            runs.addAll(run("daily", daily, ReferencePortfolio.all(), model, from, to));
            System.out.printf("[%5.1fs] daily, %s%n", (System.nanoTime() - started) / 1e9, model.name());
        }

        PriceHistory[] hourly = PriceHistory.aligned(
                PriceHistory.cryptoDataDownload("BTC hourly (Binance spot)", "data/cdd_binance_spot_btcusdt_1h_20170817_20210610.csv.gz"),
                PriceHistory.cryptoDataDownload("ETH hourly (Binance spot)", "data/cdd_binance_spot_ethusdt_1h_20170817_20210610.csv.gz"));
        histories.addAll(List.of(hourly));
        List<EngineModel> hourlyModels = hourlyModels();
        for (EngineModel model : hourlyModels) {
            runs.addAll(run("hourly", hourly, ReferencePortfolio.linear(), model, from, to));
            System.out.printf("[%5.1fs] hourly, %s%n", (System.nanoTime() - started) / 1e9, model.name());
        }

        Path summary = new Report(out, runs, histories, dailyModels.get(0), hourlyModels.get(0)).write();
        List<ForecastComparison.Result> forecasts = new ArrayList<>();
        for (PriceHistory history : hourly) {
            forecasts.add(ForecastComparison.compare(ForecastComparison.days(history)));
        }
        Files.writeString(summary, "\n" + ForecastComparison.markdown(forecasts), java.nio.file.StandardOpenOption.APPEND);
        System.out.printf("[%5.1fs] volatility forecasts compared%n", (System.nanoTime() - started) / 1e9);
        List<Run> intraday = new ArrayList<>();
        for (EngineModel model : IntradayFeed.models()) {
            intraday.addAll(IntradayFeed.run(model, hourly, ReferencePortfolio.linear()));
        }
        Files.writeString(summary, "\n" + IntradayFeed.markdown(intraday), java.nio.file.StandardOpenOption.APPEND);
        System.out.printf("[%5.1fs] daily margin on the hourly feed, HAR-RV against EWMA and GARCH%n",
                (System.nanoTime() - started) / 1e9);
        List<PriceGuardEvaluation.Row> guard = new ArrayList<>();
        for (PriceHistory history : hourly) {
            guard.addAll(PriceGuardEvaluation.evaluate(history));
        }
        Files.writeString(summary, "\n" + PriceGuardEvaluation.markdown(guard), java.nio.file.StandardOpenOption.APPEND);
        System.out.printf("[%5.1fs] price guard evaluated%n", (System.nanoTime() - started) / 1e9);
        List<MarkIndexEvaluation.Row> markIndex = new ArrayList<>();
        List<MarkIndexEvaluation.DailyBasis> basis = new ArrayList<>();
        String[] assets = {"BTC", "ETH"};
        String[] perpetualDaily = {"btcusdt_1d_20190908_20201230", "ethusdt_1d_20191127_20201230"};
        for (int a = 0; a < assets.length; a++) {
            String pair = assets[a].toLowerCase(java.util.Locale.ROOT) + "usdt";
            markIndex.addAll(MarkIndexEvaluation.evaluate(assets[a], PriceHistory.cryptoDataDownload(assets[a]
                    + " hourly (Binance perpetual)", "data/cdd_binance_usdm_perp_" + pair + "_1h_20200802_20201230.csv.gz"),
                    hourly[a]));
            basis.addAll(MarkIndexEvaluation.dailyBasis(assets[a], PriceHistory.cryptoDataDownload(assets[a]
                    + " daily (Binance perpetual)", "data/cdd_binance_usdm_perp_" + perpetualDaily[a] + ".csv.gz"), hourly[a]));
        }
        Files.writeString(summary, "\n" + MarkIndexEvaluation.markdown(markIndex, basis), java.nio.file.StandardOpenOption.APPEND);
        System.out.printf("[%5.1fs] marks against their index evaluated%n", (System.nanoTime() - started) / 1e9);
        Files.writeString(summary, "\n" + BuildUpEvaluation.markdown(BuildUpEvaluation.evaluate()),
                java.nio.file.StandardOpenOption.APPEND);
        System.out.printf("[%5.1fs] position build-up check evaluated%n", (System.nanoTime() - started) / 1e9);
        Files.writeString(summary, "\n" + MarginUsageEvaluation.markdown(MarginUsageEvaluation.evaluate()),
                java.nio.file.StandardOpenOption.APPEND);
        System.out.printf("[%5.1fs] margin-usage check evaluated%n", (System.nanoTime() - started) / 1e9);
        List<StressWindowEvaluation.Result> window = new ArrayList<>();
        for (int a = 0; a < assets.length; a++) {
            String resource = "data/cdd_binance_spot_" + assets[a].toLowerCase(java.util.Locale.ROOT)
                    + "usdt_1h_20170817_20210610.csv.gz";
            window.add(StressWindowEvaluation.evaluate(assets[a],
                    PriceHistory.cryptoDataDownload(assets[a] + " hourly close", resource, PriceHistory.Column.CLOSE),
                    PriceHistory.cryptoDataDownload(assets[a] + " hourly low", resource, PriceHistory.Column.LOW),
                    PriceHistory.cryptoDataDownload(assets[a] + " hourly high", resource, PriceHistory.Column.HIGH),
                    PriceGuardEvaluation.SEED + a));
        }
        Files.writeString(summary, "\n" + StressWindowEvaluation.markdown(window), java.nio.file.StandardOpenOption.APPEND);
        System.out.printf("[%5.1fs] every detector evaluated on the stress window%n", (System.nanoTime() - started) / 1e9);
        List<io.marginflow.risk.stress.StressScenario> scenarios = HistoricalScenarios.all(daily[0], daily[1]);
        Files.writeString(summary, "\n" + HistoricalScenarios.markdown(scenarios), java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(out.resolve("stress-scenarios.jsonl"), HistoricalScenarios.jsonLines(scenarios));
        System.out.printf("[%5.1fs] stress scenarios computed%n", (System.nanoTime() - started) / 1e9);
        System.out.printf("[%5.1fs] wrote %s and %d charts%n", (System.nanoTime() - started) / 1e9, summary,
                runs.stream().filter(r -> r.model().equals(Report.CHARTED_MODEL)).count());
    }

    /**
     * The daily models: EWMA, GARCH, HAR-RV (on daily closes alone each day's realised variance is its
     * squared return, as in the engine fed one price a day), and EWMA with each anti-procyclicality tool.
     */
    static List<EngineModel> dailyModels() {
        return List.of(
                EngineModel.daily("FHS-EWMA", RiskModel.VolatilityModel.EWMA, AntiProcyclicality.NONE),
                EngineModel.daily("FHS-GARCH", RiskModel.VolatilityModel.GARCH, AntiProcyclicality.NONE),
                EngineModel.daily("FHS-HAR-RV (daily closes)", RiskModel.VolatilityModel.HAR_RV, AntiProcyclicality.NONE),
                EngineModel.daily("FHS-EWMA + 25% buffer", RiskModel.VolatilityModel.EWMA,
                        new AntiProcyclicality(AntiProcyclicality.Tool.BUFFER, 0.25, 0.0)),
                EngineModel.daily("FHS-EWMA + 25% stressed weight", RiskModel.VolatilityModel.EWMA,
                        new AntiProcyclicality(AntiProcyclicality.Tool.STRESSED_WEIGHT, 0.0, 0.25)),
                EngineModel.daily("FHS-EWMA + floor (1,000-day lookback)", RiskModel.VolatilityModel.EWMA,
                        new AntiProcyclicality(AntiProcyclicality.Tool.TEN_YEAR_FLOOR, 0.0, 0.0)));
    }

    /**
     * The hourly models: EWMA refreshed every hour; GARCH refitted (and all its statistics
     * refreshed) once a day, as a deployment would set {@code refreshMillis} for it: a fit on
     * 4,000 hourly returns every hour would cost more than the hour's margining.
     */
    static List<EngineModel> hourlyModels() {
        return List.of(
                EngineModel.hourly("FHS-EWMA", RiskModel.VolatilityModel.EWMA, 0L),
                EngineModel.hourly("FHS-GARCH (daily refit)", RiskModel.VolatilityModel.GARCH, EngineModel.DAY));
    }

    /**
     * Every observation from the first with a full window to the last with a full horizon after
     * it (within [from, to]), for each portfolio: the engine's margin at that close, and the loss
     * the portfolio opened then made by the close one horizon later, options valued at that
     * time's implied-vol stand-in ({@link EngineReplay#impliedVol}).
     */
    static List<Run> run(String name, PriceHistory[] pair, List<ReferencePortfolio> portfolios, EngineModel model,
                         LocalDate from, LocalDate to) {
        double[][] prices = {pair[0].closes(), pair[1].closes()};
        int h = model.horizon();
        long fromMillis = from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long toMillis = to.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        double elapsedDays = h * 365.0 / model.periodsPerYear();
        EngineReplay replay = new EngineReplay(model, pair);
        boolean options = portfolios.stream().anyMatch(ReferencePortfolio::hasOptions);
        List<List<Observation>> observations = new ArrayList<>();
        portfolios.forEach(p -> observations.add(new ArrayList<>()));
        for (int t = model.window(); t + h < pair[0].size(); t++) {
            long time = pair[0].times()[t];
            if (time < fromMillis || time > toMillis) {
                continue;
            }
            replay.advanceTo(t);
            double[] open = {prices[0][t], prices[1][t]};
            double[] moves = {prices[0][t + h] / open[0] - 1.0, prices[1][t + h] / open[1] - 1.0};
            double[] impliedNow = new double[2];
            double[] impliedThen = new double[2];
            for (int u = 0; u < 2 && options; u++) {
                impliedNow[u] = replay.impliedVol(u, t);
                impliedThen[u] = replay.impliedVol(u, t + h);
            }
            for (int p = 0; p < portfolios.size(); p++) {
                ReferencePortfolio portfolio = portfolios.get(p);
                double loss = -portfolio.pnl(open, moves, elapsedDays, impliedNow, impliedThen);
                observations.get(p).add(Observation.of(Instant.ofEpochMilli(time), replay.margin(portfolio, t, impliedNow), loss));
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int p = 0; p < portfolios.size(); p++) {
            runs.add(new Run(name, portfolios.get(p), model.name(), h, observations.get(p)));
        }
        return runs;
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
