package io.marginflow.backtest;

import io.marginflow.risk.BuildUpRule;
import io.marginflow.risk.stats.RobustBaseline;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The engine's position build-up check ({@link BuildUpRule} on a {@link RobustBaseline}, the same
 * code the engine runs per account) on synthetic trading, since no clearinghouse publishes its
 * members' fills: accounts of different sizes and habits, each trading {@link #FILLS} times in
 * sizes drawn around its own typical size (log-normal, σ {@link #SIZE_SPREAD}), buying or selling
 * at random but never below a tenth of its starting book; into {@link #INJECTED_SHARE} of the
 * fills a build-up is injected instead, a single fill that multiplies the book by 2, 5 or 10.
 * Every alert on an ordinary fill is false.
 */
final class BuildUpEvaluation {

    static final double[] SIGMAS = {4, 6, 8, 10, 12};
    static final int ACCOUNTS = 1_000;
    static final int FILLS = 300;
    static final double SIZE_SPREAD = 0.8;
    static final double INJECTED_SHARE = 0.005;
    static final double RATE = 0.05;
    static final int WARM_UP = 20;
    static final long SEED = 20200312L;
    static final double[] MULTIPLES = {2, 5, 10};

    /** One allowance's counts over every account. */
    record Row(double sigmas, long fills, long falseAlerts, long[] injected, long[] caught) {
        double precision() {
            long all = java.util.Arrays.stream(caught).sum();
            return all + falseAlerts == 0 ? Double.NaN : all / (double) (all + falseAlerts);
        }
    }

    /**
     * An account's habit: its starting book (100 to ~2,000, log-uniform) and its typical fill, 2% to
     * 20% of that book; it never sells below a tenth of its starting book.
     */
    record Habit(double book, double typical) {

        static Habit draw(Random random) {
            double book = 100.0 * Math.exp(3 * random.nextDouble());
            return new Habit(book, book * (0.02 + 0.18 * random.nextDouble()));
        }

        /**
         * The book after one fill from {@code book}: an ordinary one of a size drawn around the typical
         * (log-normal, σ {@link #SIZE_SPREAD}), bought or sold at random; or, for {@code multiple} ≥ 0, a
         * build-up multiplying the book by {@code MULTIPLES[multiple]}.
         */
        double next(Random random, double book, int multiple) {
            double size = typical * Math.exp(SIZE_SPREAD * random.nextGaussian());
            if (multiple >= 0) {
                return book * MULTIPLES[multiple];
            }
            return random.nextBoolean() || book - size < this.book / 10 ? book + size : book - size;
        }
    }

    private BuildUpEvaluation() {}

    static List<Row> evaluate() {
        List<Row> rows = new ArrayList<>();
        for (double sigmas : SIGMAS) {
            BuildUpRule rule = new BuildUpRule(sigmas, RATE, WARM_UP);
            Random random = new Random(SEED);
            long fills = 0;
            long falseAlerts = 0;
            long[] injected = new long[MULTIPLES.length];
            long[] caught = new long[MULTIPLES.length];
            for (int a = 0; a < ACCOUNTS; a++) {
                Habit habit = Habit.draw(random);
                double book = habit.book();
                RobustBaseline baseline = RobustBaseline.EMPTY;
                for (int f = 0; f < FILLS; f++) {
                    int kind = random.nextDouble() < INJECTED_SHARE ? random.nextInt(MULTIPLES.length) : -1;
                    double after = habit.next(random, book, kind);
                    double growth = BuildUpRule.growth(book, after);
                    boolean alert = rule.buildUp(baseline, growth).isPresent();
                    if (kind >= 0) {
                        injected[kind]++;
                        caught[kind] += alert ? 1 : 0;
                    } else {
                        fills++;
                        falseAlerts += alert ? 1 : 0;
                    }
                    baseline = baseline.next(growth, RATE);
                    book = after;
                }
            }
            rows.add(new Row(sigmas, fills, falseAlerts, injected, caught));
        }
        return rows;
    }

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder("## Position build-ups\n\n");
        out.append(String.format(Locale.ROOT, "The engine's build-up check (robust baseline of each account's own fill"
                + " growths, rate %.2f, judged after %d fills) on synthetic trading: %,d accounts of %d fills each, sizes"
                + " log-normal around each account's own typical size (σ %.1f), seed %d; build-ups (one fill multiplying"
                + " the book by 2, 5 or 10) injected into %.1f%% of fills. Every alert on an ordinary fill is false.%n%n",
                RATE, WARM_UP, ACCOUNTS, FILLS, SIZE_SPREAD, SEED, INJECTED_SHARE * 100));
        out.append("| k (robust σ) | ordinary fills | false alerts (per 1,000 fills) |");
        for (double multiple : MULTIPLES) {
            out.append(String.format(Locale.ROOT, " caught ×%.0f |", multiple));
        }
        out.append(" precision |\n|---:|---:|---:|").append("---:|".repeat(MULTIPLES.length)).append("---:|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %.0f | %,d | %,d (%.2f) |", row.sigmas(), row.fills(), row.falseAlerts(),
                    1000.0 * row.falseAlerts() / row.fills()));
            for (int m = 0; m < MULTIPLES.length; m++) {
                out.append(String.format(Locale.ROOT, " %d/%d |", row.caught()[m], row.injected()[m]));
            }
            out.append(String.format(Locale.ROOT, " %.3f |%n", row.precision()));
        }
        return out.toString();
    }
}
