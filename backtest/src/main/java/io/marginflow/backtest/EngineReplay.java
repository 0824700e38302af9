package io.marginflow.backtest;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.Market;
import io.marginflow.risk.stats.Ewma;
import io.marginflow.risk.stats.RiskMeasures;
import java.util.Arrays;
import java.util.Set;

/**
 * A history of BTC and ETH prices fed, in time order, to the engine's own {@link Market} as its
 * index feed would arrive, and reference portfolios margined there by the engine's
 * {@link MarginCalculator}: the same return sampling, statistics refresh, FHS, scan, offsets,
 * anti-procyclicality and composition that margin accounts. Not thread-safe.
 *
 * <p>How the history becomes ticks: each price closes the sampling interval that ends at its
 * time (a CoinGecko snapshot at 00:00 UTC is the close of the day before; an hourly close
 * likewise). It is sent as that interval's last tick and again as the next interval's first, so
 * that a margin taken at the close sees the interval just closed, as the engine's first tick
 * after a boundary does. Where the data skips intervals, the opening tick goes in the interval
 * the next price closes, so that the return spans the gap as in the data.
 */
final class EngineReplay {

    private final EngineModel model;
    private final PriceHistory[] pair;
    private final double[][] returns;
    private final Market market;
    private final MarginCalculator calculator = new MarginCalculator();
    private int fed = -1;

    /** What the engine requires of a portfolio at one close. */
    record Margin(AccountMargin account, double lowerValueAtRisk) {}

    /**
     * @param pair BTC and ETH on the same times, each a multiple of the model's sampling interval
     */
    EngineReplay(EngineModel model, PriceHistory[] pair) {
        this.model = model;
        this.pair = pair.clone();
        this.returns = new double[][] {pair[0].logReturns(), pair[1].logReturns()};
        long interval = model.history().intervalMillis();
        for (long time : pair[0].times()) {
            if (time % interval != 0) {
                throw new IllegalArgumentException(pair[0].name() + ": " + java.time.Instant.ofEpochMilli(time)
                        + " is not on a " + interval + " ms boundary");
            }
        }
        this.market = new Market(model.parameters(), Set.of("USD"), model.history());
    }

    /** Feeds every price up to and including the {@code t}-th: the market as it stands at that close. */
    void advanceTo(int t) {
        long[] times = pair[0].times();
        long interval = model.history().intervalMillis();
        for (int i = fed + 1; i <= t; i++) {
            long opening = i + 1 < times.length ? Math.max(times[i], times[i + 1] - interval) : times[i];
            for (int u = 0; u < 2; u++) {
                String underlying = ReferencePortfolio.UNDERLYINGS.get(u);
                double price = pair[u].closes()[i];
                market.recordIndexPrice(underlying, times[i] - 1, price);
                market.recordIndexPrice(underlying, opening, price);
                market.putIndexPrice(underlying, price);
                market.advanceValuationTime(underlying, times[i]);
            }
        }
        fed = Math.max(fed, t);
    }

    /**
     * The engine's margin of {@code portfolio} opened at the {@code t}-th close (after
     * {@link #advanceTo}(t)), and its VaR at {@link EngineModel#LOWER_VAR_CONFIDENCE}.
     *
     * @param impliedVols the annualised vols its options are marked at
     */
    Margin margin(ReferencePortfolio portfolio, int t, double[] impliedVols) {
        if (t != fed) {
            throw new IllegalStateException("the market stands at close " + fed + ", not " + t);
        }
        double[] prices = {pair[0].closes()[t], pair[1].closes()[t]};
        return margin(market, calculator, portfolio, pair[0].times()[t], prices, impliedVols, model.name());
    }

    /**
     * The engine's margin of {@code portfolio} opened at {@code openedAt} at {@code prices} in
     * {@code market}, and its VaR at {@link EngineModel#LOWER_VAR_CONFIDENCE}.
     *
     * @param modelName the model's name, for the message when the market has no statistics yet
     */
    static Margin margin(Market market, MarginCalculator calculator, ReferencePortfolio portfolio, long openedAt,
                         double[] prices, double[] impliedVols, String modelName) {
        AccountRiskView view = AccountRiskView.of(portfolio.open(market, openedAt, prices, impliedVols), market);
        AccountMargin account = calculator.margin(view, market);
        double lower = EngineModel.LOWER_VAR_CONFIDENCE;
        RiskMeasures.Result measures = calculator.fhsMeasures(view, market, lower, lower).orElseThrow(() ->
                new IllegalStateException(modelName + " has no statistics at " + java.time.Instant.ofEpochMilli(openedAt)
                        + ": the history is shorter than its window"));
        return new Margin(account, measures.valueAtRisk());
    }

    /**
     * The stand-in for an implied vol (the history has no option quotes): the annualised EWMA
     * forecast (the model's λ) of underlying {@code u} from the window of returns before the
     * {@code t}-th close. Options are marked at it when opened and valued at it when the loss is
     * realised.
     */
    double impliedVol(int u, int t) {
        double[] variances = Ewma.variances(Arrays.copyOfRange(returns[u], t - model.window(), t), model.lambda());
        return Math.sqrt(variances[variances.length - 1] * model.periodsPerYear());
    }
}
