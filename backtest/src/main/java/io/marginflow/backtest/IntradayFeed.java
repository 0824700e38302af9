package io.marginflow.backtest;

import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.Market;
import io.marginflow.risk.RiskModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The daily margin model fed hourly index prices, as the engine is fed a live index: the hours
 * inside each day are its realised variance ({@link io.marginflow.risk.stats.ReturnHistory}), which
 * HAR-RV forecasts from and EWMA and GARCH do not see. Each hourly close goes in as the last tick of
 * its hour; at each day's close the same price opens the next day, and the linear reference
 * portfolios are margined and compared with their loss over the next two days, as {@link Backtest}
 * does for its daily runs (Binance hourly BTC and ETH, 2017-08 to 2021-06, a 500-day window).
 */
final class IntradayFeed {

    static final String HISTORY = "daily on hourly feed";

    private IntradayFeed() {}

    /** The models compared: EWMA, GARCH(1,1) and HAR-RV at a daily interval. */
    static List<EngineModel> models() {
        return List.of(EngineModel.dailyOnHourlyFeed("FHS-EWMA", RiskModel.VolatilityModel.EWMA),
                EngineModel.dailyOnHourlyFeed("FHS-GARCH", RiskModel.VolatilityModel.GARCH),
                EngineModel.dailyOnHourlyFeed("FHS-HAR-RV", RiskModel.VolatilityModel.HAR_RV));
    }

    /** Every daily close with a full window before it and two days after it: margin against the loss that followed. */
    static List<Backtest.Run> run(EngineModel model, PriceHistory[] hourly, List<ReferencePortfolio> portfolios) {
        long day = EngineModel.DAY;
        long[] times = hourly[0].times();
        double[][] closes = {hourly[0].closes(), hourly[1].closes()};
        Map<Long, Integer> at = new HashMap<>();
        for (int i = 0; i < times.length; i++) {
            at.put(times[i], i);
        }
        Market market = new Market(model.parameters(), Set.of("USD"), model.history());
        MarginCalculator calculator = new MarginCalculator();
        List<List<Backtest.Observation>> observations = new ArrayList<>();
        portfolios.forEach(p -> observations.add(new ArrayList<>()));
        int h = model.horizon();
        for (int i = 0; i < times.length; i++) {
            for (int u = 0; u < 2; u++) {
                String underlying = ReferencePortfolio.UNDERLYINGS.get(u);
                market.recordIndexPrice(underlying, times[i] - 1, closes[u][i]);
                market.putIndexPrice(underlying, closes[u][i]);
                market.advanceValuationTime(underlying, times[i]);
            }
            Integer later = at.get(times[i] + h * day);
            if (times[i] % day != 0) {
                continue;
            }
            for (int u = 0; u < 2; u++) {
                market.recordIndexPrice(ReferencePortfolio.UNDERLYINGS.get(u), times[i], closes[u][i]);
            }
            if (later == null || market.statistics("BTC").isEmpty() || market.statistics("ETH").isEmpty()) {
                continue;
            }
            double[] open = {closes[0][i], closes[1][i]};
            double[] moves = {closes[0][later] / open[0] - 1.0, closes[1][later] / open[1] - 1.0};
            double[] noVols = new double[2];
            for (int p = 0; p < portfolios.size(); p++) {
                ReferencePortfolio portfolio = portfolios.get(p);
                EngineReplay.Margin margin = EngineReplay.margin(market, calculator, portfolio, times[i], open, noVols,
                        model.name());
                observations.get(p).add(Backtest.Observation.of(Instant.ofEpochMilli(times[i]), margin,
                        -portfolio.pnl(open, moves, h, noVols, noVols)));
            }
        }
        List<Backtest.Run> runs = new ArrayList<>();
        for (int p = 0; p < portfolios.size(); p++) {
            runs.add(new Backtest.Run(HISTORY, portfolios.get(p), model.name(), h, observations.get(p)));
        }
        return runs;
    }

    /** The runs' tests at VaR 99% and 97.5%, as a Markdown section of the summary. */
    static String markdown(List<Backtest.Run> runs) {
        StringBuilder md = new StringBuilder("## Daily margin on an hourly index feed: HAR-RV against EWMA and GARCH\n\n"
                + "The daily model (500-day window, VaR 99% / ES 97.5% over 2 days) fed every hourly close, so each day's"
                + " realised variance is the sum of its squared hourly returns; the linear portfolios margined at each daily"
                + " close and compared with their loss over the next two days (non-overlapping windows).\n\n"
                + "| portfolio | model | obs. | VaR 99% breaches (expected) | Kupiec LR (p) | Christoffersen LR (p) | zone"
                + " | VaR 97.5% breaches (expected) | Kupiec LR (p) | IM breaches | mean IM / notional |\n"
                + "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
        for (Backtest.Run run : runs) {
            Backtest.Statistics s = run.statistics(0.99);
            Backtest.Statistics lower = run.statistics(EngineModel.LOWER_VAR_CONFIDENCE, true);
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %d (%.1f) | %.2f (%.3f) | %.2f (%.3f) | %s | %d (%.1f) |"
                    + " %.2f (%.3f) | %d | %.1f%% |%n", run.portfolio().name(), run.model(), s.observations(), s.varBreaches(),
                    s.observations() * 0.01, s.kupiec().statistic(), s.kupiec().pValue(), s.christoffersen().statistic(),
                    s.christoffersen().pValue(), s.zone(), lower.varBreaches(),
                    lower.observations() * (1 - EngineModel.LOWER_VAR_CONFIDENCE), lower.kupiec().statistic(),
                    lower.kupiec().pValue(), s.imBreaches(), 100 * s.meanMarginShare()));
        }
        return md.toString();
    }
}
