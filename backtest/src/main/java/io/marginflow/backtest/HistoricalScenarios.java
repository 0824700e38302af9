package io.marginflow.backtest;

import io.marginflow.risk.stats.Ewma;
import io.marginflow.risk.stress.StressScenario;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The stress scenarios the project ships (deploy/stress-scenarios.jsonl), the historical ones
 * computed from the daily BTC and ETH closes it ships (CoinGecko, 00:00 UTC): each underlying's move
 * over the period, and as its vol factor the rise of its RiskMetrics EWMA (λ 0.94) daily volatility
 * forecast over the period (the project ships no implied-volatility history to take it from).
 * Periods: 2020-03-12 ("Black Thursday") and the worst two days of 2022 for BTC (found here: the FTX
 * collapse, 2022-11-08 to 11-10). With two hypothetical ones: a crash (BTC −50%, ETH −60%, vols ×2)
 * and a squeeze of the shorts (BTC +50%, ETH +60%, vols ×1.5).
 */
public final class HistoricalScenarios {

    /** From when the shipped scenarios apply: before every window the demo and backtest replay. */
    static final Instant EFFECTIVE = Instant.parse("2020-01-01T00:00:00Z");
    private static final double LAMBDA = 0.94;

    /** One computed move: the underlying's relative price move and vol factor over the period. */
    record Move(String underlying, double priceMove, double volFactor) {}

    private HistoricalScenarios() {}

    /** The shipped scenarios, in id order, computed from {@code btc} and {@code eth} (aligned daily closes). */
    public static List<StressScenario> all(PriceHistory btc, PriceHistory eth) {
        LocalDate worst = worstWindowStart(btc, 2022, 2);
        List<StressScenario> scenarios = new ArrayList<>();
        scenarios.add(historical("HIST-2020-03-12", "Black Thursday, 2020-03-12: CoinGecko's 00:00 UTC prices of 03-12 and 03-13", btc, eth,
                LocalDate.parse("2020-03-12"), 1));
        scenarios.add(historical("HIST-" + worst, "The worst two days of 2022 for BTC: CoinGecko's 00:00 UTC prices of " + worst
                + " and " + worst.plusDays(2), btc, eth, worst, 2));
        scenarios.add(hypothetical("HYPO-CRASH", "BTC -50%, ETH -60%, implied vols doubled", -0.5, -0.6, 2.0));
        scenarios.add(hypothetical("HYPO-SQUEEZE", "BTC +50%, ETH +60%, implied vols x1.5: the shorts' stress", 0.5, 0.6, 1.5));
        scenarios.sort(java.util.Comparator.comparing(StressScenario::id));
        return scenarios;
    }

    /** The underlying's move and vol factor over {@code days} days from {@code start}. */
    static Move move(String underlying, PriceHistory history, LocalDate start, int days) {
        int from = index(history, start);
        int to = index(history, start.plusDays(days));
        double[] variances = Ewma.variances(history.logReturns(), LAMBDA);
        return new Move(underlying, history.closes()[to] / history.closes()[from] - 1.0,
                Math.sqrt(variances[to] / variances[from]));
    }

    /** The first day of the {@code days}-day window of {@code year} in which the price fell most. */
    static LocalDate worstWindowStart(PriceHistory history, int year, int days) {
        LocalDate worst = null;
        double worstMove = Double.POSITIVE_INFINITY;
        for (LocalDate day = LocalDate.of(year, 1, 1); day.getYear() == year; day = day.plusDays(1)) {
            double move = history.closes()[index(history, day.plusDays(days))] / history.closes()[index(history, day)] - 1.0;
            if (move < worstMove) {
                worstMove = move;
                worst = day;
            }
        }
        return worst;
    }

    /** The scenarios as JSON lines, as {@code marginflow produce risk.stress-scenarios --json FILE} reads them. */
    public static String jsonLines(List<StressScenario> scenarios) {
        StringBuilder lines = new StringBuilder();
        for (StressScenario scenario : scenarios) {
            List<String> shocks = new ArrayList<>();
            scenario.shocks().forEach((underlying, shock) -> shocks.add(String.format(Locale.ROOT,
                    "{\"underlying\":\"%s\",\"priceMove\":%.4f,\"volFactor\":%.2f}", underlying, shock.priceMove(),
                    shock.volFactor())));
            lines.append(String.format(Locale.ROOT, "{\"scenarioId\":\"%s\",\"kind\":\"%s\",\"description\":\"%s\","
                    + "\"shocks\":[%s],\"eventTime\":\"%s\"}%n", scenario.id(), scenario.kind(), scenario.description(),
                    String.join(",", shocks), EFFECTIVE));
        }
        return lines.toString();
    }

    /** The scenarios as a Markdown table for the backtest summary. */
    public static String markdown(List<StressScenario> scenarios) {
        StringBuilder table = new StringBuilder("## Stress scenarios (deploy/stress-scenarios.jsonl)\n\n"
                + "Historical moves from the shipped daily closes; vol factor: the rise of the EWMA (λ 0.94) daily"
                + " volatility forecast over the period.\n\n| scenario | kind | BTC | ETH | description |\n|---|---|---|---|---|\n");
        for (StressScenario scenario : scenarios) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", scenario.id(), scenario.kind(),
                    cell(scenario.shock("BTC")), cell(scenario.shock("ETH")), scenario.description()));
        }
        return table.toString();
    }

    private static String cell(StressScenario.Shock shock) {
        return String.format(Locale.ROOT, "%+.2f%%, vol ×%.2f", 100 * shock.priceMove(), shock.volFactor());
    }

    private static StressScenario historical(String id, String description, PriceHistory btc, PriceHistory eth,
                                             LocalDate start, int days) {
        TreeMap<String, StressScenario.Shock> shocks = new TreeMap<>();
        for (Move move : List.of(move("BTC", btc, start, days), move("ETH", eth, start, days))) {
            // Rounded as the shipped file carries them, so that the file and this agree to the digit.
            shocks.put(move.underlying(), new StressScenario.Shock(round(move.priceMove(), 4), round(move.volFactor(), 2)));
        }
        return new StressScenario(id, StressScenario.Kind.HISTORICAL, description, shocks);
    }

    private static StressScenario hypothetical(String id, String description, double btc, double eth, double vol) {
        TreeMap<String, StressScenario.Shock> shocks = new TreeMap<>();
        shocks.put("BTC", new StressScenario.Shock(btc, vol));
        shocks.put("ETH", new StressScenario.Shock(eth, vol));
        return new StressScenario(id, StressScenario.Kind.HYPOTHETICAL, description, shocks);
    }

    private static double round(double value, int digits) {
        return new java.math.BigDecimal(value).setScale(digits, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }

    private static int index(PriceHistory history, LocalDate day) {
        long millis = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        int i = java.util.Arrays.binarySearch(history.times(), millis);
        if (i < 0) {
            throw new IllegalArgumentException(history.name() + " has no close at " + day + " 00:00 UTC");
        }
        return i;
    }
}
