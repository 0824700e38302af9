package io.marginflow.backtest;

import io.marginflow.backtest.PriceGuardEvaluation.Injection;
import io.marginflow.backtest.PriceGuardEvaluation.Kind;
import io.marginflow.risk.PriceGuard;
import io.marginflow.risk.PriceGuard.Quote;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A perpetual's mark judged against its index as the engine judges it ({@link PriceGuard}, the
 * same rule): the hourly closes of Binance's USDⓈ-M perpetual as the mark and of Binance spot as
 * the index, each hour the index judged against the last applied index, then the mark against the
 * last applied mark and, at the same instant, against the last applied index, with the daily EWMA
 * forecast of the spot series. On the clean data every alert on a mark is false; then fat-fingered
 * marks of known sizes are injected into seeded random hours (each one price, the next hour real
 * again) and caught or missed, by the previous-mark rule alone and with the index.
 */
final class MarkIndexEvaluation {

    /** The allowances compared, in standard deviations of the forecast over the elapsed time. */
    static final double[] SIGMAS = {8, 15, 30, 60};
    /** The floor of the elapsed time, as the engine's default: a mark and the index of its instant are a minute apart. */
    static final long FLOOR_MILLIS = 60_000L;
    /** The share of hours a fat-fingered mark is injected into: the perpetual's hourly file is short. */
    static final double INJECTED_SHARE = 0.02;
    private static final long HOUR_MILLIS = 3_600_000L;

    static final List<Kind> KINDS = List.of(new Kind("×10 or ÷10", 10.0), new Kind("×2 or ÷2", 2.0),
            new Kind("±25%", 1.25), new Kind("±5%", 1.05), new Kind("±2%", 1.02), new Kind("±1%", 1.01));

    /**
     * The guard at one allowance on one asset's marks.
     *
     * @param falseAlerts alerts on real marks by the previous-mark rule alone
     * @param falseWithIndex alerts on real marks with the index as well
     * @param falseAgainstIndex of those, the ones against the index
     * @param caught per kind, fat fingers caught by the previous-mark rule alone
     * @param caughtWithIndex per kind, caught with the index as well
     * @param falseInjected alerts on real marks in the injected run, with the index
     */
    record Row(String asset, double sigmas, int judged, int falseAlerts, int falseWithIndex, int falseAgainstIndex,
               int[] injected, int[] caught, int[] caughtWithIndex, int falseInjected) {
        double precision() {
            int caughtAll = Arrays.stream(caughtWithIndex).sum();
            return caughtAll + falseInjected == 0 ? Double.NaN : caughtAll / (double) (caughtAll + falseInjected);
        }
    }

    /** The basis at a daily close: the perpetual's close against spot's close of the same hour. */
    record DailyBasis(String asset, long dayMillis, double basis) {}

    private MarkIndexEvaluation() {}

    /** Every allowance on one asset: {@code perpetual} hourly marks against {@code spot}'s hourly closes. */
    static List<Row> evaluate(String asset, PriceHistory perpetual, PriceHistory spot) {
        double[] spotForecast = PriceGuardEvaluation.forecastVolPerHour(spot);
        PriceHistory[] pair = PriceHistory.aligned(perpetual, spot);
        PriceHistory marks = pair[0];
        PriceHistory index = pair[1];
        double[] forecast = new double[marks.size()];
        for (int i = 0; i < forecast.length; i++) {
            forecast[i] = spotForecast[Arrays.binarySearch(spot.times(), marks.times()[i])];
        }
        Injection injection = Injection.of(marks.closes(), 0, INJECTED_SHARE, KINDS);
        int[] none = new int[marks.size()];
        Arrays.fill(none, -1);
        List<Row> rows = new ArrayList<>();
        for (double sigmas : SIGMAS) {
            PriceGuard guard = new PriceGuard(sigmas, PriceGuardEvaluation.HOLD_MILLIS, FLOOR_MILLIS);
            Run alone = run(guard, marks.times(), marks.closes(), index.closes(), forecast, none, false);
            Run withIndex = run(guard, marks.times(), marks.closes(), index.closes(), forecast, none, true);
            Run aloneInjected = run(guard, marks.times(), injection.prices(), index.closes(), forecast, injection.kindAt(), false);
            Run withIndexInjected = run(guard, marks.times(), injection.prices(), index.closes(), forecast,
                    injection.kindAt(), true);
            rows.add(new Row(asset, sigmas, alone.judged, alone.falseAlerts, withIndex.falseAlerts,
                    withIndex.falseAgainstIndex, injection.counts(KINDS.size()), aloneInjected.caught,
                    withIndexInjected.caught, withIndexInjected.falseAlerts));
        }
        return rows;
    }

    private static final class Run {
        int judged;
        int falseAlerts;
        int falseAgainstIndex;
        final int[] caught = new int[KINDS.size()];
    }

    /**
     * Each hour the index, then the mark ({@code withIndex}: against the applied index too); alerts
     * on marks at injected hours ({@code kindAt} ≥ 0) are caught ones, others false (but for the
     * return from an applied fat finger, which is the fat finger's).
     */
    private static Run run(PriceGuard guard, long[] times, double[] marks, double[] index, double[] forecast, int[] kindAt,
                           boolean withIndex) {
        Run run = new Run();
        Optional<Quote> appliedIndex = Optional.of(new Quote(index[0], times[0]));
        Optional<Quote> heldIndex = Optional.empty();
        Optional<Quote> appliedMark = Optional.of(new Quote(marks[0], times[0]));
        Optional<Quote> heldMark = Optional.empty();
        boolean basisAccepted = false;
        for (int i = 1; i < marks.length; i++) {
            Quote indexPrice = new Quote(index[i], times[i]);
            PriceGuard.Verdict indexVerdict = guard.judge(appliedIndex, heldIndex, indexPrice, forecast[i], HOUR_MILLIS);
            heldIndex = indexVerdict.held();
            if (indexVerdict.applies()) {
                appliedIndex = Optional.of(indexPrice);
            }
            Quote mark = new Quote(marks[i], times[i]);
            Optional<PriceGuard.IndexReference> place = withIndex
                    ? Optional.of(new PriceGuard.IndexReference(appliedIndex.orElseThrow(), 0.0, basisAccepted)) : Optional.empty();
            PriceGuard.Verdict verdict = guard.judge(appliedMark, heldMark, mark, place, forecast[i], HOUR_MILLIS);
            run.judged++;
            Optional<PriceGuard.Finding> alert = verdict.findings().stream().filter(f -> f.action() == PriceGuard.Action.HELD
                    || f.action() == PriceGuard.Action.APPLIED).findFirst();
            if (alert.isPresent() && kindAt[i] >= 0) {
                run.caught[kindAt[i]]++;
            } else if (alert.isPresent() && kindAt[i - 1] < 0) {
                run.falseAlerts++;
                run.falseAgainstIndex += alert.get().againstIndex() ? 1 : 0;
            }
            heldMark = verdict.held();
            if (verdict.applies()) {
                appliedMark = Optional.of(mark);
                basisAccepted = verdict.offIndex();
            }
        }
        return run;
    }

    /**
     * The perpetual's basis at each daily close it shares with spot's hourly closes (the daily
     * candle's close against the spot candle of its last hour), the last day left out (the
     * export's last daily row is a day still open).
     */
    static List<DailyBasis> dailyBasis(String asset, PriceHistory perpetualDaily, PriceHistory spotHourly) {
        List<DailyBasis> out = new ArrayList<>();
        for (int d = 0; d < perpetualDaily.size() - 1; d++) {
            long lastHour = perpetualDaily.times()[d] + 23 * HOUR_MILLIS;
            int h = Arrays.binarySearch(spotHourly.times(), lastHour);
            if (h >= 0) {
                out.add(new DailyBasis(asset, perpetualDaily.times()[d],
                        Math.log(perpetualDaily.closes()[d] / spotHourly.closes()[h])));
            }
        }
        return out;
    }

    /** The evaluation as a Markdown section. */
    static String markdown(List<Row> rows, List<DailyBasis> daily) {
        StringBuilder out = new StringBuilder("## Mark against index\n\n");
        out.append("The engine's price guard on a perpetual's marks: Binance USDⓈ-M perpetual hourly closes as the mark,")
                .append(" Binance spot hourly closes as the index (2020-08 to 2020-12; the perpetual's hourly export starts")
                .append(" in August 2020), each hour the index judged, then the mark against the last applied mark alone")
                .append(" (\"previous\") and against the applied index of the same instant as well (\"+ index\", judged")
                .append(" over the floor of ").append(FLOOR_MILLIS / 1000).append(" s), with the daily EWMA forecast of")
                .append(" the spot series, held up to ").append(PriceGuardEvaluation.HOLD_MILLIS / HOUR_MILLIS)
                .append(" hours. On the clean data every alert on a mark is false. Then fat-fingered marks injected into ")
                .append(String.format(Locale.ROOT, "%.0f", INJECTED_SHARE * 1000)).append(" in 1,000 hours (seed ")
                .append(PriceGuardEvaluation.SEED).append("), evenly of six sizes: caught by the previous mark alone /")
                .append(" with the index, and the precision of all alerts with the index.\n\n");
        out.append("| asset | k (σ) | hours | false alerts, previous | false alerts, + index (against the index) |");
        for (Kind kind : KINDS) {
            out.append(" caught ").append(kind.name()).append(" |");
        }
        out.append(" precision, + index |\n|---|---:|---:|---:|---:|").append("---:|".repeat(KINDS.size())).append("---:|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %,d | %d | %d (%d) |", row.asset(), row.sigmas(), row.judged(),
                    row.falseAlerts(), row.falseWithIndex(), row.falseAgainstIndex()));
            for (int k = 0; k < KINDS.size(); k++) {
                out.append(String.format(Locale.ROOT, " %d / %d of %d |", row.caught()[k], row.caughtWithIndex()[k],
                        row.injected()[k]));
            }
            out.append(String.format(Locale.ROOT, " %.3f |%n", row.precision()));
        }
        out.append("\nThe basis at the daily closes (perpetual daily close against the spot close of the same hour):");
        for (String asset : daily.stream().map(DailyBasis::asset).distinct().toList()) {
            List<DailyBasis> days = daily.stream().filter(b -> b.asset().equals(asset)).toList();
            DailyBasis widest = days.stream().max((a, b) -> Double.compare(Math.abs(a.basis()), Math.abs(b.basis())))
                    .orElseThrow();
            out.append(String.format(Locale.ROOT, " %s, %d days from %s, widest %+.2f%% on %s, and through Black Thursday",
                    asset, days.size(), day(days.get(0)), 100 * widest.basis(), day(widest)));
            days.stream().filter(b -> day(b).compareTo("2020-03-11") >= 0 && day(b).compareTo("2020-03-13") <= 0)
                    .forEach(b -> out.append(String.format(Locale.ROOT, " %+.2f%% (%s)", 100 * b.basis(), day(b).substring(5))));
            out.append(";");
        }
        out.setLength(out.length() - 1);
        return out.append(".\n").toString();
    }

    private static String day(DailyBasis basis) {
        return java.time.Instant.ofEpochMilli(basis.dayMillis()).toString().substring(0, 10);
    }
}
