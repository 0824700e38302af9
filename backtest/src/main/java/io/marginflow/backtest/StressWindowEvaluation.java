package io.marginflow.backtest;

import io.marginflow.backtest.PriceGuardEvaluation.Kind;
import io.marginflow.risk.BuildUpRule;
import io.marginflow.risk.PriceGuard;
import io.marginflow.risk.PriceGuard.Quote;
import io.marginflow.risk.stats.RobustBaseline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Every detector of the alerts topic on the real stress window, 2020-03-11 to 2020-03-14 (the
 * demo's window: Black Thursday and the days around it), with anomalies of known kinds injected,
 * each judged by the engine's own rule:
 *
 * <ul>
 *   <li>fat-fingered marks ({@link PriceGuard#judge}): the hourly closes as marks, one in every
 *       {@link #FAT_FINGER_EVERY} hours replaced by a fat finger of each size in turn;
 *   <li>off-market fills ({@link PriceGuard#jump}, as the engine's fill check): synthetic accounts
 *       trade each hour at a price drawn uniformly from that hour's real low-to-high range (the
 *       prices real trades took in that hour), each judged against the mark applied at the start of
 *       the hour (the previous close) over the time since; into {@link #OFF_MARKET_SHARE} of fills
 *       a price off by a known share is injected;
 *   <li>position build-ups ({@link BuildUpRule} on a {@link RobustBaseline}): the same fills'
 *       sizes drawn around each account's habit as in {@link BuildUpEvaluation}, with
 *       {@link #BUILD_UP_SHARE} of fills replaced by one multiplying the book.
 * </ul>
 *
 * No clearinghouse publishes its members' fills, so the trading is synthetic; the prices, the
 * ranges and the volatility forecast are the real ones of the window. Every alert on a real price
 * or an ordinary fill is false.
 */
final class StressWindowEvaluation {

    static final Instant FROM = Instant.parse("2020-03-11T00:00:00Z");
    static final Instant TO = Instant.parse("2020-03-15T00:00:00Z");
    static final double[] SIGMAS = {8, 15, 30, 60, 150};
    static final int ACCOUNTS = 200;
    static final int WARM_UP_FILLS = 40;
    static final int FAT_FINGER_EVERY = 8;
    static final double OFF_MARKET_SHARE = 0.01;
    static final double BUILD_UP_SHARE = 0.005;
    static final List<Kind> OFF_BY = List.of(new Kind("±50%", 1.5), new Kind("±20%", 1.2), new Kind("±10%", 1.1),
            new Kind("±5%", 1.05));
    /** The engine's defaults ({@code engine.build-up.*}). */
    static final BuildUpRule BUILD_UPS = new BuildUpRule(8.0, 0.05, 20);
    private static final long HOUR_MILLIS = 3_600_000L;

    /** A fill of the window: when, at what price, against which hour's mark, and what was injected into it. */
    private record Fill(int hour, long millis, double price, int offBy, int buildUp, boolean buildUpAlert) {}

    /**
     * One allowance on one asset.
     *
     * @param hours the window's hours judged by the price guard
     * @param priceFalse alerts on real marks
     * @param fatFingersInjected per size, fat-fingered marks injected
     * @param fatFingersCaught per size, caught
     * @param fills ordinary fills
     * @param offFalse off-market alerts on ordinary fills
     * @param offMarketInjected per share, off-market fills injected
     * @param offMarketCaught per share, caught
     * @param offOnBuildUps off-market alerts on injected build-ups (false for this detector)
     */
    record Row(String asset, double sigmas, int hours, int priceFalse, int[] fatFingersInjected, int[] fatFingersCaught,
               int fills, int offFalse, int[] offMarketInjected, int[] offMarketCaught, int offOnBuildUps) {
        double offMarketPrecision() {
            int caught = Arrays.stream(offMarketCaught).sum();
            int all = caught + offFalse + offOnBuildUps;
            return all == 0 ? Double.NaN : caught / (double) all;
        }
    }

    /** The build-up check on one asset's fills (it does not depend on the price allowance). */
    record BuildUps(String asset, int fills, int falseAlerts, int onOffMarket, int[] injected, int[] caught) {
        double precision() {
            int all = Arrays.stream(caught).sum();
            return all + falseAlerts + onOffMarket == 0 ? Double.NaN : all / (double) (all + falseAlerts + onOffMarket);
        }
    }

    /** The evaluation of one asset. */
    record Result(List<Row> rows, BuildUps buildUps) {}

    private StressWindowEvaluation() {}

    /**
     * One asset's window: {@code close}, {@code low} and {@code high} its hourly candles over the
     * whole history (the forecast is made from the closes before the window), aligned on time.
     */
    static Result evaluate(String asset, PriceHistory close, PriceHistory low, PriceHistory high, long seed) {
        if (!Arrays.equals(close.times(), low.times()) || !Arrays.equals(close.times(), high.times())) {
            throw new IllegalArgumentException(asset + ": the closes, lows and highs are not of the same hours");
        }
        double[] forecast = PriceGuardEvaluation.forecastVolPerHour(close);
        int from = Arrays.binarySearch(close.times(), FROM.toEpochMilli());
        int to = Arrays.binarySearch(close.times(), TO.toEpochMilli());
        if (from < 1 || to <= from) {
            throw new IllegalStateException(asset + ": the hourly data do not cover " + FROM + " to " + TO);
        }
        // the window's marks: at the start of the window's hour h (candle from + h), the previous candle's close
        int hours = to - from;
        long[] times = new long[hours + 1];
        double[] marks = new double[hours + 1];
        double[] volPerHour = new double[hours + 1];
        for (int h = 0; h <= hours; h++) {
            times[h] = close.times()[from + h - 1] + HOUR_MILLIS;
            marks[h] = close.closes()[from + h - 1];
            volPerHour[h] = forecast[from + h - 1];
        }
        List<Fill> fills = fills(low, high, from, hours, seed);
        PriceHistory window = new PriceHistory(asset + " marks, " + FROM + " to " + TO, times, marks, List.of());
        int[] kindAt = new int[marks.length];
        double[] fatFingered = marks.clone();
        Arrays.fill(kindAt, -1);
        for (int h = FAT_FINGER_EVERY / 2; h < marks.length - 1; h += FAT_FINGER_EVERY) {
            int n = h / FAT_FINGER_EVERY;
            kindAt[h] = n % PriceGuardEvaluation.KINDS.size();
            double factor = PriceGuardEvaluation.KINDS.get(kindAt[h]).factor();
            fatFingered[h] *= (n / PriceGuardEvaluation.KINDS.size()) % 2 == 0 ? 1.0 / factor : factor;
        }
        int[] none = new int[marks.length];
        Arrays.fill(none, -1);
        int[] fatFingers = new PriceGuardEvaluation.Injection(fatFingered, kindAt).counts(PriceGuardEvaluation.KINDS.size());
        List<Row> rows = new ArrayList<>();
        for (double sigmas : SIGMAS) {
            PriceGuard guard = new PriceGuard(sigmas, PriceGuardEvaluation.HOLD_MILLIS, 60_000L);
            PriceGuardEvaluation.Run clean = PriceGuardEvaluation.run(guard, window, marks, volPerHour, 0, none);
            PriceGuardEvaluation.Run dirty = PriceGuardEvaluation.run(guard, window, fatFingered, volPerHour, 0, kindAt);
            int ordinary = 0;
            int offFalse = 0;
            int onBuildUps = 0;
            int[] injected = new int[OFF_BY.size()];
            int[] caught = new int[OFF_BY.size()];
            for (Fill fill : fills) {
                boolean alert = guard.jump(new Quote(marks[fill.hour()], times[fill.hour()]),
                        new Quote(fill.price(), fill.millis()), volPerHour[fill.hour()], HOUR_MILLIS).isPresent();
                if (fill.offBy() >= 0) {
                    injected[fill.offBy()]++;
                    caught[fill.offBy()] += alert ? 1 : 0;
                } else if (fill.buildUp() >= 0) {
                    onBuildUps += alert ? 1 : 0;
                } else {
                    ordinary++;
                    offFalse += alert ? 1 : 0;
                }
            }
            rows.add(new Row(asset, sigmas, clean.judged, clean.falseAlerts, fatFingers, dirty.caught, ordinary, offFalse,
                    injected, caught, onBuildUps));
        }
        int[] injected = new int[BuildUpEvaluation.MULTIPLES.length];
        int[] caught = new int[injected.length];
        int ordinary = 0;
        int falseAlerts = 0;
        int onOffMarket = 0;
        for (Fill fill : fills) {
            if (fill.buildUp() >= 0) {
                injected[fill.buildUp()]++;
                caught[fill.buildUp()] += fill.buildUpAlert() ? 1 : 0;
            } else if (fill.offBy() >= 0) {
                onOffMarket += fill.buildUpAlert() ? 1 : 0;
            } else {
                ordinary++;
                falseAlerts += fill.buildUpAlert() ? 1 : 0;
            }
        }
        return new Result(rows, new BuildUps(asset, ordinary, falseAlerts, onOffMarket, injected, caught));
    }

    /**
     * The window's fills, account by account in time order: each account has a habit (book and
     * typical size, as {@link BuildUpEvaluation}) warmed up on {@link #WARM_UP_FILLS} fills before
     * the window, then trades a Poisson number of times (mean one) each hour at uniform instants, at
     * prices uniform over the hour's real range; the build-up check is made as the fill is.
     */
    private static List<Fill> fills(PriceHistory low, PriceHistory high, int from, int hours, long seed) {
        Random random = new Random(seed);
        List<Fill> fills = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            BuildUpEvaluation.Habit habit = BuildUpEvaluation.Habit.draw(random);
            double book = habit.book();
            RobustBaseline baseline = RobustBaseline.EMPTY;
            for (int f = 0; f < WARM_UP_FILLS; f++) {
                double after = habit.next(random, book, -1);
                baseline = baseline.next(BuildUpRule.growth(book, after), BUILD_UPS.rate());
                book = after;
            }
            for (int h = 0; h < hours; h++) {
                int candle = from + h;
                long start = low.times()[candle];
                long[] instants = new long[poisson(random)];
                for (int i = 0; i < instants.length; i++) {
                    instants[i] = start + (long) (random.nextDouble() * HOUR_MILLIS);
                }
                Arrays.sort(instants);
                for (long millis : instants) {
                    double u = random.nextDouble();
                    double price = low.closes()[candle] + u * (high.closes()[candle] - low.closes()[candle]);
                    int offBy = -1;
                    int buildUp = -1;
                    double draw = random.nextDouble();
                    if (draw < OFF_MARKET_SHARE) {
                        offBy = random.nextInt(OFF_BY.size());
                        double factor = OFF_BY.get(offBy).factor();
                        price *= random.nextBoolean() ? factor : 1.0 / factor;
                    } else if (draw < OFF_MARKET_SHARE + BUILD_UP_SHARE) {
                        buildUp = random.nextInt(BuildUpEvaluation.MULTIPLES.length);
                    }
                    double after = habit.next(random, book, buildUp);
                    double growth = BuildUpRule.growth(book, after);
                    boolean alert = BUILD_UPS.buildUp(baseline, growth).isPresent();
                    baseline = baseline.next(growth, BUILD_UPS.rate());
                    book = after;
                    fills.add(new Fill(h, millis, price, offBy, buildUp, alert));
                }
            }
        }
        return fills;
    }

    /** Knuth's Poisson draw with mean one. */
    private static int poisson(Random random) {
        double limit = Math.exp(-1.0);
        double product = random.nextDouble();
        int n = 0;
        while (product > limit) {
            product *= random.nextDouble();
            n++;
        }
        return n;
    }

    /** The evaluation as a Markdown section. */
    static String markdown(List<Result> results) {
        StringBuilder out = new StringBuilder("## Every detector on the stress window\n\n");
        out.append("The real window ").append(FROM.toString(), 0, 10).append(" to 2020-03-14 (Black Thursday), hourly")
                .append(" Binance spot candles, the daily EWMA forecast of the days before. Fat-fingered marks: the")
                .append(" hourly closes as marks, one in every ").append(FAT_FINGER_EVERY).append(" hours replaced by")
                .append(" a fat finger, each size in turn (held up to ").append(PriceGuardEvaluation.HOLD_MILLIS / HOUR_MILLIS)
                .append(" hours). Off-market fills: ").append(ACCOUNTS).append(" synthetic accounts per asset trade a")
                .append(" Poisson number of times an hour (mean 1) at uniform instants and at prices uniform over the")
                .append(" hour's real low-to-high range, each judged against the mark at the hour's start; ")
                .append(String.format(Locale.ROOT, "%.1f", OFF_MARKET_SHARE * 100)).append("% of fills priced off by a")
                .append(" known share, ").append(String.format(Locale.ROOT, "%.1f", BUILD_UP_SHARE * 100))
                .append("% replaced by a build-up. Every alert on a real mark or an ordinary fill is false.\n\n");
        out.append("| asset | k (σ) | real marks: false alerts |");
        for (Kind kind : PriceGuardEvaluation.KINDS) {
            out.append(" fat finger ").append(kind.name()).append(" |");
        }
        out.append(" ordinary fills: false off-market alerts (per 1,000) |");
        for (Kind kind : OFF_BY) {
            out.append(" fill ").append(kind.name()).append(" |");
        }
        out.append(" off-market precision |\n|---|---:|---:|")
                .append("---:|".repeat(PriceGuardEvaluation.KINDS.size() + 1 + OFF_BY.size())).append("---:|\n");
        for (Result result : results) {
            for (Row row : result.rows()) {
                out.append(String.format(Locale.ROOT, "| %s | %.0f | %d of %d |", row.asset(), row.sigmas(), row.priceFalse(),
                        row.hours()));
                for (int k = 0; k < PriceGuardEvaluation.KINDS.size(); k++) {
                    out.append(String.format(Locale.ROOT, " %d/%d |", row.fatFingersCaught()[k], row.fatFingersInjected()[k]));
                }
                out.append(String.format(Locale.ROOT, " %,d of %,d (%.1f) |", row.offFalse(), row.fills(),
                        1000.0 * row.offFalse() / row.fills()));
                for (int k = 0; k < OFF_BY.size(); k++) {
                    out.append(String.format(Locale.ROOT, " %d/%d |", row.offMarketCaught()[k], row.offMarketInjected()[k]));
                }
                out.append(String.format(Locale.ROOT, " %.3f |%n", row.offMarketPrecision()));
            }
        }
        out.append(String.format(Locale.ROOT, "%nPosition build-ups on the same fills (k = %.0f robust σ, rate %.2f, judged"
                + " after %d fills, each account warmed up on %d fills before the window):%n%n", BUILD_UPS.sigmas(),
                BUILD_UPS.rate(), BUILD_UPS.warmUpFills(), WARM_UP_FILLS));
        out.append("| asset | ordinary fills | false alerts (per 1,000) |");
        for (double multiple : BuildUpEvaluation.MULTIPLES) {
            out.append(String.format(Locale.ROOT, " caught ×%.0f |", multiple));
        }
        out.append(" alerts on off-market fills | precision |\n|---|---:|---:|")
                .append("---:|".repeat(BuildUpEvaluation.MULTIPLES.length)).append("---:|---:|\n");
        for (Result result : results) {
            BuildUps b = result.buildUps();
            out.append(String.format(Locale.ROOT, "| %s | %,d | %d (%.2f) |", b.asset(), b.fills(), b.falseAlerts(),
                    1000.0 * b.falseAlerts() / b.fills()));
            for (int m = 0; m < b.injected().length; m++) {
                out.append(String.format(Locale.ROOT, " %d/%d |", b.caught()[m], b.injected()[m]));
            }
            out.append(String.format(Locale.ROOT, " %d | %.3f |%n", b.onOffMarket(), b.precision()));
        }
        return out.toString();
    }
}
