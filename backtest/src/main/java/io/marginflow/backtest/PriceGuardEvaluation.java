package io.marginflow.backtest;

import io.marginflow.risk.PriceGuard;
import io.marginflow.risk.PriceGuard.Quote;
import io.marginflow.risk.stats.Ewma;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * The engine's price guard ({@link PriceGuard}, the same rule the engine runs) judged on real hourly
 * prices, each hour against the last applied one, with the daily EWMA forecast (λ 0.94) the engine
 * would hold that day: on the clean data every alert is false and every held price a real one
 * kept back; then with fat fingers of known sizes injected into seeded random hours (each one price,
 * the next hour back to the real one), how many of each size are caught (recall) and what share of
 * all alerts they are (precision). Per allowance k, with a hold of {@link #HOLD_MILLIS}.
 */
final class PriceGuardEvaluation {

    /** The allowances compared, in standard deviations of the forecast over the elapsed time. */
    static final double[] SIGMAS = {8, 15, 30, 60, 100, 150, 200, 300};
    /** Two hours: longer than the hour between prices, so the next price decides a held one. */
    static final long HOLD_MILLIS = 2 * 3_600_000L;
    /** Days of daily returns the EWMA has seen before an hour is judged. */
    static final int WARM_UP_DAYS = 60;
    /** The share of judged hours a fat finger is injected into. */
    static final double INJECTED_SHARE = 0.002;
    static final long SEED = 20200312L;
    private static final long DAY_MILLIS = 86_400_000L;

    /** A fat finger: the price multiplied by {@code factor} or divided by it, one or the other at random. */
    record Kind(String name, double factor) {}

    static final List<Kind> KINDS = List.of(new Kind("×10 or ÷10", 10.0), new Kind("×2 or ÷2", 2.0),
            new Kind("±25%", 1.25), new Kind("±5%", 1.05));

    /** The guard at one allowance on one asset. */
    record Row(String asset, double sigmas, int judged, int falseAlerts, int realHeld, int realNeverApplied,
               int[] injected, int[] caught, int falseAlertsInjected) {
        double precision() {
            int caughtAll = java.util.Arrays.stream(caught).sum();
            return caughtAll + falseAlertsInjected == 0 ? Double.NaN : caughtAll / (double) (caughtAll + falseAlertsInjected);
        }
    }

    private PriceGuardEvaluation() {}

    /** Every allowance on {@code hourly}. */
    static List<Row> evaluate(PriceHistory hourly) {
        double[] forecast = forecastVolPerHour(hourly);
        int first = 0;
        while (first < forecast.length && Double.isNaN(forecast[first])) {
            first++;
        }
        Injection injection = Injection.of(hourly.closes(), first, INJECTED_SHARE, KINDS);
        int[] kindAt = injection.kindAt();
        double[] injected = injection.prices();
        List<Row> rows = new ArrayList<>();
        for (double sigmas : SIGMAS) {
            PriceGuard guard = new PriceGuard(sigmas, HOLD_MILLIS, 60_000L);
            int[] none = new int[hourly.size()];
            java.util.Arrays.fill(none, -1);
            Run clean = run(guard, hourly, hourly.closes(), forecast, first, none);
            Run dirty = run(guard, hourly, injected, forecast, first, kindAt);
            rows.add(new Row(hourly.name(), sigmas, clean.judged, clean.falseAlerts, clean.held, clean.neverApplied,
                    injection.counts(KINDS.size()), dirty.caught, dirty.falseAlerts));
        }
        return rows;
    }

    /**
     * Fat fingers of {@code kinds} injected into a seeded random {@code share} of the prices after
     * {@code first} (never two in a row, never the last): each price multiplied or divided by its
     * kind's factor, one or the other at random.
     *
     * @param prices the prices with the fat fingers in place
     * @param kindAt per price the index of its kind, −1 where it is real
     */
    record Injection(double[] prices, int[] kindAt) {

        static Injection of(double[] real, int first, double share, List<Kind> kinds) {
            Random random = new Random(SEED);
            int[] kindAt = new int[real.length];
            double[] prices = real.clone();
            java.util.Arrays.fill(kindAt, -1);
            for (int i = first + 1; i < real.length - 1; i++) {
                if (random.nextDouble() < share && kindAt[i - 1] < 0) {
                    kindAt[i] = random.nextInt(kinds.size());
                    double factor = kinds.get(kindAt[i]).factor();
                    prices[i] *= random.nextBoolean() ? factor : 1.0 / factor;
                }
            }
            return new Injection(prices, kindAt);
        }

        /** How many prices of each kind were injected. */
        int[] counts(int kinds) {
            int[] count = new int[kinds];
            for (int k : kindAt) {
                if (k >= 0) {
                    count[k]++;
                }
            }
            return count;
        }
    }

    static final class Run {
        int judged;
        int falseAlerts;
        int held;
        int neverApplied;
        final int[] caught = new int[KINDS.size()];
    }

    /**
     * The guard over {@code prices} from {@code first}: alerts at injected hours ({@code kindAt} ≥ 0)
     * are caught ones, others false.
     */
    static Run run(PriceGuard guard, PriceHistory hourly, double[] prices, double[] forecast, int first, int[] kindAt) {
        Run run = new Run();
        Optional<Quote> applied = Optional.of(new Quote(prices[first], hourly.times()[first]));
        Optional<Quote> held = Optional.empty();
        for (int i = first + 1; i < prices.length; i++) {
            Quote quote = new Quote(prices[i], hourly.times()[i]);
            PriceGuard.Verdict verdict = guard.judge(applied, held, quote, forecast[i], 3_600_000L);
            run.judged++;
            boolean alert = verdict.findings().stream().anyMatch(f -> f.action() == PriceGuard.Action.HELD
                    || f.action() == PriceGuard.Action.APPLIED);
            boolean injectedHere = kindAt[i] >= 0;
            if (alert && injectedHere) {
                run.caught[kindAt[i]]++;
            } else if (alert && kindAt[i - 1] < 0) {
                // (an alert on the return from a fat finger that was applied is the fat finger's, not false)
                run.falseAlerts++;
            }
            if (!verdict.applies() && !injectedHere) {
                run.held++;
            }
            run.neverApplied += (int) verdict.findings().stream()
                    .filter(f -> f.action() == PriceGuard.Action.DISCARDED && !isInjected(f.held().orElseThrow(), hourly, kindAt))
                    .count();
            held = verdict.held();
            if (verdict.applies()) {
                applied = Optional.of(quote);
            }
        }
        return run;
    }

    private static boolean isInjected(Quote quote, PriceHistory hourly, int[] kindAt) {
        int i = java.util.Arrays.binarySearch(hourly.times(), quote.millis());
        return i >= 0 && kindAt[i] >= 0;
    }

    /**
     * Each hour's forecast volatility per hour: the daily EWMA forecast made from the UTC days
     * before the hour's day, scaled to an hour (√(1/24)); NaN in the warm-up.
     */
    static double[] forecastVolPerHour(PriceHistory hourly) {
        long[] times = hourly.times();
        List<Double> closes = new ArrayList<>();
        int[] dayOf = new int[times.length];
        long day = Long.MIN_VALUE;
        for (int i = 0; i < times.length; i++) {
            long d = Math.floorDiv(times[i], DAY_MILLIS);
            if (d != day) {
                closes.add(hourly.closes()[i]);
                day = d;
            } else {
                closes.set(closes.size() - 1, hourly.closes()[i]);
            }
            dayOf[i] = closes.size() - 1;
        }
        double[] returns = new double[closes.size() - 1];
        for (int d = 1; d < closes.size(); d++) {
            returns[d - 1] = Math.log(closes.get(d) / closes.get(d - 1));
        }
        // variances[t] is the forecast for return t, the return of day t + 1, made from the days before it
        double[] variances = Ewma.variances(returns, 0.94);
        double[] perHour = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            int d = dayOf[i];
            perHour[i] = d < WARM_UP_DAYS ? Double.NaN : Math.sqrt(variances[d - 1] / 24.0);
        }
        return perHour;
    }

    /** The evaluation as a Markdown section. */
    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder("## Price guard\n\n");
        out.append("The engine's price guard on the hourly Binance prices, each hour judged against the last applied")
                .append(" one with the daily EWMA forecast (λ 0.94) of the days before it, held up to ")
                .append(HOLD_MILLIS / 3_600_000L).append(" hours for a confirming price. On the clean data every alert")
                .append(" is false; \"real held\" counts real prices kept back at least an hour, \"real dropped\" real")
                .append(" prices discarded and never applied. Then fat fingers injected into ")
                .append(String.format(Locale.ROOT, "%.1f", INJECTED_SHARE * 1000)).append(" in 1,000 hours (seed ")
                .append(SEED).append("; each one price, the next hour real again), evenly of four sizes: recall per size")
                .append(" and the precision of all alerts.\n\n");
        out.append("| asset | k (σ) | hours judged | false alerts (per 1,000 h) | real held | real dropped |");
        for (Kind kind : KINDS) {
            out.append(" caught ").append(kind.name()).append(" |");
        }
        out.append(" precision |\n|---|---:|---:|---:|---:|---:|");
        out.append("---:|".repeat(KINDS.size())).append("---:|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %,d | %,d (%.2f) | %,d | %,d |", row.asset(), row.sigmas(),
                    row.judged(), row.falseAlerts(), 1000.0 * row.falseAlerts() / row.judged(), row.realHeld(),
                    row.realNeverApplied()));
            for (int k = 0; k < KINDS.size(); k++) {
                out.append(String.format(Locale.ROOT, " %d/%d |", row.caught()[k], row.injected()[k]));
            }
            out.append(String.format(Locale.ROOT, " %.3f |%n", row.precision()));
        }
        return out.toString();
    }
}
