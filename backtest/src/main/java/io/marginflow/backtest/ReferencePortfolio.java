package io.marginflow.backtest;

import io.marginflow.risk.options.Black76;
import io.marginflow.risk.options.OptionType;
import java.util.List;

/**
 * A portfolio the backtest opens afresh at every observation, on underlying 0 (BTC) and
 * underlying 1 (ETH), sized in USD so that its numbers read as a share of notional.
 */
public record ReferencePortfolio(String name, String slug, List<Leg> legs) {

    /** What a leg is: the underlying itself (a future or perpetual) or a European option on it. */
    public enum Kind { LINEAR, CALL, PUT }

    /**
     * One leg of a reference portfolio.
     *
     * @param underlying 0 for BTC, 1 for ETH
     * @param notionalUsd signed: units of the underlying × its price at opening (negative: short)
     * @param moneyness strike / price at opening (options)
     * @param days days to expiry at opening (options)
     */
    public record Leg(int underlying, Kind kind, double notionalUsd, double moneyness, int days) {}

    public static final double NOTIONAL = 1_000_000.0;

    /** The backtest's reference portfolios. */
    public static List<ReferencePortfolio> all() {
        return List.of(
                new ReferencePortfolio("long BTC", "long-btc", List.of(new Leg(0, Kind.LINEAR, NOTIONAL, 1, 0))),
                new ReferencePortfolio("short ETH", "short-eth", List.of(new Leg(1, Kind.LINEAR, -NOTIONAL, 1, 0))),
                new ReferencePortfolio("BTC/ETH spread (long BTC, short ETH)", "btc-eth-spread",
                        List.of(new Leg(0, Kind.LINEAR, NOTIONAL, 1, 0), new Leg(1, Kind.LINEAR, -NOTIONAL, 1, 0))),
                new ReferencePortfolio("long 30-day BTC straddle", "long-btc-straddle",
                        List.of(new Leg(0, Kind.CALL, NOTIONAL, 1.0, 30), new Leg(0, Kind.PUT, NOTIONAL, 1.0, 30))),
                new ReferencePortfolio("short 30-day BTC strangle (90/110)", "short-btc-strangle",
                        List.of(new Leg(0, Kind.CALL, -NOTIONAL, 1.1, 30), new Leg(0, Kind.PUT, -NOTIONAL, 0.9, 30))));
    }

    /** The linear portfolios, for the hourly history (no option legs). */
    public static List<ReferencePortfolio> linear() {
        return all().stream().filter(p -> p.legs().stream().allMatch(l -> l.kind() == Kind.LINEAR)).toList();
    }

    public boolean hasOptions() {
        return legs.stream().anyMatch(leg -> leg.kind() != Kind.LINEAR);
    }

    public boolean uses(int underlying) {
        return legs.stream().anyMatch(leg -> leg.underlying() == underlying);
    }

    /**
     * The change in value of the portfolio opened at prices {@code open} when the prices become
     * {@code open × (1 + moves)} after {@code elapsedDays}, with annualised implied vols
     * {@code volsThen} (options are valued with Black-76 on the price, no discounting).
     *
     * @param volsNow the implied vols at opening, per underlying
     */
    public double pnl(double[] open, double[] moves, double elapsedDays, double[] volsNow, double[] volsThen) {
        double pnl = 0.0;
        for (Leg leg : legs) {
            int u = leg.underlying();
            double units = leg.notionalUsd() / open[u];
            double later = open[u] * (1.0 + moves[u]);
            if (leg.kind() == Kind.LINEAR) {
                pnl += units * (later - open[u]);
                continue;
            }
            OptionType type = leg.kind() == Kind.CALL ? OptionType.CALL : OptionType.PUT;
            double strike = open[u] * leg.moneyness();
            double years = leg.days() / 365.0;
            double yearsLater = Math.max(0.0, (leg.days() - elapsedDays) / 365.0);
            pnl += units * (Black76.price(type, later, strike, yearsLater, volsThen[u], 0.0)
                    - Black76.price(type, open[u], strike, years, volsNow[u], 0.0));
        }
        return pnl;
    }
}
