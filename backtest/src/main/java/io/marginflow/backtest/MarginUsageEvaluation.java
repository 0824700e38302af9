package io.marginflow.backtest;

import io.marginflow.risk.BuildUpRule;
import io.marginflow.risk.stats.RobustBaseline;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The engine's two habit checks side by side on synthetic hedged books: the build-up check on each
 * fill's growth of the gross position, the margin-usage check on its growth of the initial margin
 * at the same market (the same rule, {@link BuildUpRule} on a {@link RobustBaseline}, each with its
 * own baseline, as the engine keeps them). Each account is long perpetuals and short futures of one
 * underlying; for such a book the engine's initial margin is the scan range times the value of the
 * net delta (checked by hand in the pipeline's specification), so the margin here is the net
 * position and the price cancels from its growth. Ordinary fills trade either leg around the
 * account's habit; injected instead: <b>hedge unwinds</b> (the futures bought back at once: gross
 * shrinks, margin jumps) and <b>build-ups</b> (the perpetual leg multiplied: both jump). Every
 * alert on an ordinary fill is false.
 */
final class MarginUsageEvaluation {

    static final double[] SIGMAS = {6, 8, 10};
    // accounts, fills, the baselines' rate and warm-up, the injected share and the seed: as the build-up evaluation's
    private static final int ACCOUNTS = BuildUpEvaluation.ACCOUNTS;
    private static final int FILLS = BuildUpEvaluation.FILLS;
    private static final double RATE = BuildUpEvaluation.RATE;
    private static final int WARM_UP = BuildUpEvaluation.WARM_UP;
    private static final double INJECTED_SHARE = BuildUpEvaluation.INJECTED_SHARE;
    private static final long SEED = BuildUpEvaluation.SEED;
    static final List<String> KINDS = List.of("hedge unwound", "perpetual leg ×5");

    /** One allowance: per check, false alerts on ordinary fills and the injected fills of each kind caught. */
    record Row(double sigmas, long fills, long[] injected, long grossFalse, long[] grossCaught, long marginFalse,
               long[] marginCaught) {}

    private MarginUsageEvaluation() {}

    static List<Row> evaluate() {
        List<Row> rows = new ArrayList<>();
        for (double sigmas : SIGMAS) {
            BuildUpRule rule = new BuildUpRule(sigmas, RATE, WARM_UP);
            Random random = new Random(SEED);
            long fills = 0;
            long grossFalse = 0;
            long marginFalse = 0;
            long[] injected = new long[KINDS.size()];
            long[] grossCaught = new long[KINDS.size()];
            long[] marginCaught = new long[KINDS.size()];
            for (int a = 0; a < ACCOUNTS; a++) {
                double longs = 100.0 * Math.exp(3 * random.nextDouble());
                double shorts = longs * (0.5 + 0.45 * random.nextDouble());
                double typical = (longs - shorts) * (0.02 + 0.18 * random.nextDouble());
                RobustBaseline gross = RobustBaseline.EMPTY;
                RobustBaseline margin = RobustBaseline.EMPTY;
                for (int f = 0; f < FILLS; f++) {
                    int kind = random.nextDouble() < INJECTED_SHARE ? random.nextInt(KINDS.size()) : -1;
                    double size = typical * Math.exp(BuildUpEvaluation.SIZE_SPREAD * random.nextGaussian());
                    boolean onLongs = random.nextBoolean();
                    boolean adds = random.nextBoolean();
                    double newLongs = longs;
                    double newShorts = shorts;
                    if (kind == 0) {
                        newShorts = 0.0;
                    } else if (kind == 1) {
                        newLongs = 5 * longs;
                    } else if (onLongs) {
                        newLongs = adds || longs - size < shorts + typical ? longs + size : longs - size;
                    } else {
                        newShorts = adds && shorts + size < longs - typical ? shorts + size
                                : Math.max(shorts - size, 0.0);
                    }
                    double grossGrowth = BuildUpRule.growth(longs + shorts, newLongs + newShorts);
                    double marginGrowth = BuildUpRule.growth(longs - shorts, newLongs - newShorts);
                    boolean grossAlert = rule.buildUp(gross, grossGrowth).isPresent();
                    boolean marginAlert = rule.buildUp(margin, marginGrowth).isPresent();
                    if (kind >= 0) {
                        injected[kind]++;
                        grossCaught[kind] += grossAlert ? 1 : 0;
                        marginCaught[kind] += marginAlert ? 1 : 0;
                    } else {
                        fills++;
                        grossFalse += grossAlert ? 1 : 0;
                        marginFalse += marginAlert ? 1 : 0;
                    }
                    gross = gross.next(grossGrowth, RATE);
                    margin = margin.next(marginGrowth, RATE);
                    longs = newLongs;
                    shorts = newShorts;
                    if (kind == 0) {
                        shorts = longs * (0.5 + 0.45 * random.nextDouble()); // the account hedges again
                        margin = margin.next(BuildUpRule.growth(newLongs, longs - shorts), RATE);
                        gross = gross.next(BuildUpRule.growth(newLongs, longs + shorts), RATE);
                    } else if (kind == 1) {
                        typical *= 5;
                    }
                }
            }
            rows.add(new Row(sigmas, fills, injected, grossFalse, grossCaught, marginFalse, marginCaught));
        }
        return rows;
    }

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder("## Margin usage against gross size\n\n");
        out.append(String.format(Locale.ROOT, "The engine's two habit checks (robust baseline of each account's own fill"
                + " growths, rate %.2f, judged after %d fills) on synthetic hedged books: %,d accounts of %d fills, each"
                + " long perpetuals and short futures of one underlying (hedge ratio 0.5 to 0.95), trading either leg"
                + " around its own typical size (log-normal, σ %.1f), seed %d; into %.1f%% of fills one of two"
                + " anomalies injected: the futures bought back at once (a hedge unwound: gross shrinks, margin"
                + " jumps; the account hedges again after) or the perpetual leg multiplied by 5. The margin of such a"
                + " book is the scan range times its net delta's value, so its growth is the net position's. Every alert"
                + " on an ordinary fill is false.%n%n", RATE, WARM_UP, ACCOUNTS, FILLS, BuildUpEvaluation.SIZE_SPREAD, SEED,
                INJECTED_SHARE * 100));
        out.append("| k (robust σ) | ordinary fills | check | false alerts (per 1,000 fills) |");
        for (String kind : KINDS) {
            out.append(" caught ").append(kind).append(" |");
        }
        out.append("\n|---:|---:|---|---:|").append("---:|".repeat(KINDS.size())).append('\n');
        for (Row row : rows) {
            appendCheck(out, row, "gross (POSITION_BUILD_UP)", row.grossFalse(), row.grossCaught());
            appendCheck(out, row, "margin (MARGIN_USAGE)", row.marginFalse(), row.marginCaught());
        }
        return out.toString();
    }

    private static void appendCheck(StringBuilder out, Row row, String check, long falseAlerts, long[] caught) {
        out.append(String.format(Locale.ROOT, "| %.0f | %,d | %s | %,d (%.2f) |", row.sigmas(), row.fills(), check, falseAlerts,
                1000.0 * falseAlerts / row.fills()));
        for (int k = 0; k < KINDS.size(); k++) {
            out.append(String.format(Locale.ROOT, " %d/%d |", caught[k], row.injected()[k]));
        }
        out.append('\n');
    }
}
