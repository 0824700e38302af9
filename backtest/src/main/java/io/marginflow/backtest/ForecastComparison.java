package io.marginflow.backtest;

import io.marginflow.risk.stats.Ewma;
import io.marginflow.risk.stats.ForecastLosses;
import io.marginflow.risk.stats.Garch11;
import io.marginflow.risk.stats.HarRv;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The volatility forecasts compared on the same real data: each day's variance forecast from the
 * days before it, by EWMA (λ 0.94) and GARCH(1,1) on daily returns, and by HAR-RV on daily
 * realised variance (the sum of the day's squared hourly returns), against the day's realised
 * variance, by squared error and QLIKE, with Diebold–Mariano tests of HAR-RV against each.
 */
final class ForecastComparison {

    /** Days of history each forecast is made from (the fitting window of GARCH and HAR-RV). */
    static final int WINDOW = 500;
    /** GARCH is refitted every this many days (a fit a day changes little and costs a second a year). */
    static final int GARCH_REFIT_DAYS = 20;
    /** Hours a UTC day needs for its realised variance to count (fewer: a gap in the data). */
    static final int MIN_HOURS = 20;
    private static final long DAY_MILLIS = 86_400_000L;

    /** A day's return and realised variance, from its hourly returns. */
    record Days(String name, double[] returns, double[] realised, int dropped) {}

    /** One model's losses over the compared days. */
    record Model(String name, double[] squaredErrors, double[] qlikes) {
        double meanSquaredError() {
            return mean(squaredErrors);
        }

        double meanQlike() {
            return mean(qlikes);
        }
    }

    /** An asset's comparison: the models in order EWMA, GARCH, HAR-RV, over {@code days} forecast days. */
    record Result(String asset, int days, int dropped, List<Model> models) {
        Model har() {
            return models.get(models.size() - 1);
        }
    }

    private ForecastComparison() {}

    /** The UTC days of an hourly history with at least {@link #MIN_HOURS} returns: each day's return and realised variance. */
    static Days days(PriceHistory hourly) {
        double[] returns = hourly.logReturns();
        List<double[]> sums = new ArrayList<>();
        long current = Long.MIN_VALUE;
        double sum = 0.0;
        double squares = 0.0;
        int hours = 0;
        int dropped = 0;
        for (int i = 0; i <= returns.length; i++) {
            // return i ends at times[i + 1]; one ending at 00:00 belongs to the day before
            long day = i < returns.length ? Math.floorDiv(hourly.times()[i + 1] - 1, DAY_MILLIS) : Long.MAX_VALUE;
            if (day != current) {
                if (current != Long.MIN_VALUE) {
                    if (hours >= MIN_HOURS) {
                        sums.add(new double[] {sum, squares});
                    } else {
                        dropped++;
                    }
                }
                current = day;
                sum = 0.0;
                squares = 0.0;
                hours = 0;
            }
            if (i < returns.length) {
                sum += returns[i];
                squares += returns[i] * returns[i];
                hours++;
            }
        }
        double[] dailyReturns = new double[sums.size()];
        double[] realised = new double[sums.size()];
        for (int d = 0; d < sums.size(); d++) {
            dailyReturns[d] = sums.get(d)[0];
            realised[d] = sums.get(d)[1];
        }
        return new Days(hourly.name(), dailyReturns, realised, dropped);
    }

    /** Forecasts for every day after the first {@link #WINDOW}, each from the {@code WINDOW} days before it. */
    static Result compare(Days days) {
        double[] r = days.returns();
        double[] rv = days.realised();
        int n = r.length;
        int count = n - WINDOW;
        if (count < 30) {
            throw new IllegalArgumentException(days.name() + " has " + n + " days: too few to compare forecasts on");
        }
        double[] ewma = Ewma.variances(r, 0.94);
        double[] ewmaForecasts = new double[count];
        double[] garchForecasts = new double[count];
        double[] harForecasts = new double[count];
        double[] realised = new double[count];
        Garch11 garch = null;
        for (int i = 0; i < count; i++) {
            int t = WINDOW - 1 + i; // the last day known; the forecast is for day t + 1
            double[] window = java.util.Arrays.copyOfRange(r, t - WINDOW + 1, t + 1);
            if (i % GARCH_REFIT_DAYS == 0) {
                garch = Garch11.fit(window);
            }
            ewmaForecasts[i] = ewma[t + 1];
            garchForecasts[i] = garch.variances(window)[WINDOW];
            harForecasts[i] = HarRv.fit(rv, t - WINDOW + 1, t + 1).forecast(rv, t);
            realised[i] = rv[t + 1];
        }
        return new Result(days.name(), count, days.dropped(), List.of(model("EWMA (λ 0.94)", ewmaForecasts, realised),
                model("GARCH(1,1), refitted every " + GARCH_REFIT_DAYS + " days", garchForecasts, realised),
                model("HAR-RV (day, week, month), refitted daily", harForecasts, realised)));
    }

    private static Model model(String name, double[] forecasts, double[] realised) {
        double[] squared = new double[forecasts.length];
        double[] qlike = new double[forecasts.length];
        for (int i = 0; i < forecasts.length; i++) {
            squared[i] = ForecastLosses.squaredError(realised[i], forecasts[i]);
            qlike[i] = ForecastLosses.qlike(realised[i], forecasts[i]);
        }
        return new Model(name, squared, qlike);
    }

    /** The comparison as a Markdown section: losses per model, and Diebold–Mariano of HAR-RV against each other. */
    static String markdown(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("## Volatility forecasts\n\n")
                .append("Each day's variance forecast from the ").append(WINDOW).append(" days before it, against the day's")
                .append(" realised variance (the sum of its squared hourly log returns, Binance spot; UTC days with fewer")
                .append(" than ").append(MIN_HOURS).append(" hourly returns left out). Losses: mean squared error (×10⁶)")
                .append(" and QLIKE (Patton 2011, 0 for a perfect forecast). Diebold–Mariano: HAR-RV's loss minus the")
                .append(" other's, over its Newey–West standard error (negative: HAR-RV better), two-sided p.\n\n")
                .append("| asset | days | model | MSE ×10⁶ | QLIKE | DM on MSE (p) | DM on QLIKE (p) |\n")
                .append("|---|---:|---|---:|---:|---:|---:|\n");
        for (Result result : results) {
            Model har = result.har();
            int lags = ForecastLosses.neweyWestLags(result.days());
            for (int m = 0; m < result.models().size(); m++) {
                Model model = result.models().get(m);
                String mse = "";
                String qlike = "";
                if (m < result.models().size() - 1) {
                    mse = dm(ForecastLosses.dieboldMariano(har.squaredErrors(), model.squaredErrors(), lags));
                    qlike = dm(ForecastLosses.dieboldMariano(har.qlikes(), model.qlikes(), lags));
                }
                out.append(String.format(Locale.ROOT, "| %s | %,d | %s | %.2f | %.4f | %s | %s |%n", result.asset(), result.days(),
                        model.name(), model.meanSquaredError() * 1e6, model.meanQlike(), mse, qlike));
            }
        }
        out.append("\nUTC days left out for gaps in the data: ").append(results.stream()
                .map(result -> result.asset() + " " + result.dropped()).collect(java.util.stream.Collectors.joining(", ")))
                .append(".\n");
        return out.toString();
    }

    private static String dm(ForecastLosses.DieboldMariano test) {
        return String.format(Locale.ROOT, "%.2f (%.3f)", test.statistic(), test.pValue());
    }

    private static double mean(double[] values) {
        double sum = 0.0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
