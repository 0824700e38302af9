package io.marginflow.backtest;

import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.Position;
import io.marginflow.risk.options.Black76;
import io.marginflow.risk.options.OptionType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A portfolio the backtest opens afresh at every observation, on underlying 0 (BTC) and
 * underlying 1 (ETH), sized in USD so that its numbers read as a share of notional. It is
 * margined as the engine's account holding it ({@link #open}); what it then made or lost is
 * valued here ({@link #pnl}), from the prices that followed.
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

    /** The underlyings' names in the engine, by leg index: 0 is BTC, 1 is ETH. */
    public static final List<String> UNDERLYINGS = List.of("BTC", "ETH");

    /**
     * The portfolio opened at {@code openedAt} as the engine's account holds it: each leg an
     * instrument listed in {@code market} (a perpetual swap, or a European option expiring
     * {@code days} later struck at moneyness × price, both USD-settled with multiplier 1), marked
     * at {@code prices} (an option at its Black-76 value at {@code impliedVols}, from which the
     * engine implies its vol back), and a position of notional / price contracts at that mark.
     * No collateral: margin is what is compared with the loss.
     */
    public Portfolio open(Market market, long openedAt, double[] prices, double[] impliedVols) {
        TreeMap<String, Position> positions = new TreeMap<>();
        for (int i = 0; i < legs.size(); i++) {
            Leg leg = legs.get(i);
            int u = leg.underlying();
            String id = slug + "/" + i;
            InstrumentSpec spec;
            double mark;
            if (leg.kind() == Kind.LINEAR) {
                spec = new InstrumentSpec(id, InstrumentSpec.Kind.PERPETUAL, UNDERLYINGS.get(u), OptionalLong.empty(),
                        BigDecimal.ONE, "USD", true);
                mark = prices[u];
            } else {
                double strike = prices[u] * leg.moneyness();
                spec = new InstrumentSpec(id, InstrumentSpec.Kind.OPTION, UNDERLYINGS.get(u),
                        OptionalLong.of(openedAt + leg.days() * EngineModel.DAY), BigDecimal.ONE, "USD", true,
                        Optional.of(new InstrumentSpec.OptionTerms(type(leg), strike)));
                mark = Black76.price(type(leg), prices[u], strike, leg.days() / 365.0, impliedVols[u], 0.0);
            }
            market.putInstrument(spec);
            market.putMark(id, mark);
            positions.put(id, new Position(id, BigDecimal.valueOf(leg.notionalUsd() / prices[u]), mark));
        }
        return new Portfolio(positions, new TreeMap<>());
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
            OptionType type = type(leg);
            double strike = open[u] * leg.moneyness();
            double years = leg.days() / 365.0;
            double yearsLater = Math.max(0.0, (leg.days() - elapsedDays) / 365.0);
            pnl += units * (Black76.price(type, later, strike, yearsLater, volsThen[u], 0.0)
                    - Black76.price(type, open[u], strike, years, volsNow[u], 0.0));
        }
        return pnl;
    }

    private static OptionType type(Leg leg) {
        return leg.kind() == Kind.CALL ? OptionType.CALL : OptionType.PUT;
    }
}
