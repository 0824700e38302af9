package io.marginflow.demo;

import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.UnderlyingMargin;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The demo's summary, as a risk officer would read it: from what the output reader tallied. */
final class Summary {

    private final int accountCount;
    private final Scenario scenario;
    private final DemoTally tally;

    private final long plansExecuted;
    private final long stepsExecuted;

    Summary(int accountCount, Scenario scenario, DemoTally tally, long plansExecuted, long stepsExecuted) {
        this.accountCount = accountCount;
        this.scenario = scenario;
        this.tally = tally;
        this.plansExecuted = plansExecuted;
        this.stepsExecuted = stepsExecuted;
    }

    /** Prints the summary: the window, the inputs, the outputs, and what they show. */
    void print(Map<String, Long> published, double seconds) {
        List<Candle> btc = scenario.btc;
        List<Candle> eth = scenario.eth;
        long inputs = published.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder out = new StringBuilder("\n");
        out.append(String.format("Marginflow demo: %,d accounts through Black Thursday, %s to %s (Binance hourly, CryptoDataDownload)%n",
                accountCount, btc.get(0).start(), btc.get(btc.size() - 1).start().plus(1, ChronoUnit.HOURS)));
        out.append(String.format("  BTC %,.0f → %,.0f (low %,.0f)    ETH %,.2f → %,.2f (low %,.2f)%n%n",
                btc.get(0).open(), btc.get(btc.size() - 1).close(), btc.stream().mapToDouble(Candle::low).min().orElseThrow(),
                eth.get(0).open(), eth.get(eth.size() - 1).close(), eth.stream().mapToDouble(Candle::low).min().orElseThrow()));
        out.append(String.format("Input events      %,d (wall time %.1f s, broker start and topic creation included;"
                + " throughput is measured by the benchmarks, see BENCHMARKS.md)%n", inputs, seconds));
        published.forEach((kind, count) -> out.append(String.format("    %-22s %,10d%n", kind, count)));
        out.append(String.format("Margin results    %,d for %,d accounts (a result is an account's equity, initial and maintenance"
                + " margin after an event that moved one of them beyond the tolerance or changed its status)%n",
                tally.results.get(), tally.latest.size()));
        out.append(String.format("Margin calls      issued %,d · increased %,d · met %,d · expired %,d · escalated %,d"
                + "   (%,d accounts called)%n", tally.calls(MarginCallTransition.ISSUED),
                tally.calls(MarginCallTransition.INCREASED), tally.calls(MarginCallTransition.MET),
                tally.calls(MarginCallTransition.EXPIRED), tally.calls(MarginCallTransition.ESCALATED), tally.called.size()));
        out.append(String.format("Liquidations      triggered %,d · updated %,d · cleared %,d   (%,d accounts liquidated, %,d restored)%n",
                tally.liquidations(LiquidationTransition.TRIGGERED), tally.liquidations(LiquidationTransition.UPDATED),
                tally.liquidations(LiquidationTransition.CLEARED), tally.liquidated.size(), tally.restored.size()));
        out.append(String.format("Liquidation service (example, read_committed, transactional): %,d plans executed, %,d closing fills;"
                + " %,d of them refused as stale%n    (their liquidation had cleared, or been triggered anew, before they arrived:"
                + " this replay runs four days of market in under a minute)%n",
                plansExecuted, stepsExecuted, tally.deadLetters.getOrDefault("ENGINE STALE_LIQUIDATION_PLAN", 0L)));
        long closedOut = tally.latest.values().stream().filter(r -> r.getStatus() == MarginStatus.LIQUIDATION
                && r.getUnderlyings().isEmpty()).count();
        out.append(String.format("Accounts fully closed with a deficit (in liquidation, nothing left to close, equity below zero): %,d%n",
                closedOut));
        out.append(String.format("Status flips      %,d (a status change undone by another result with the same event time)%n",
                tally.flips));
        printPriceGuard(out);
        out.append("Dead letters      ").append(tally.deadLetters.isEmpty() ? "none" : tally.deadLetters.entrySet().stream()
                .map(e -> String.format("%s %,d", e.getKey(), e.getValue())).collect(Collectors.joining(" · "))).append("\n\n");

        long largest = tally.timeline.values().stream().mapToLong(c -> c[1]).max().orElse(0);
        long perMark = Math.max(1, (largest + 49) / 50);
        out.append(String.format("Over time (6-hour buckets of event time; each # is %,d liquidation%s triggered)%n", perMark,
                perMark == 1 ? "" : "s"));
        out.append("  bucket start            BTC close   calls issued   liquidations triggered\n");
        for (int hour = 5; hour < btc.size(); hour += 6) {
            Instant bucket = btc.get(hour).start().truncatedTo(ChronoUnit.HOURS).minus(5, ChronoUnit.HOURS);
            long[] counts = tally.timeline.getOrDefault(bucket, new long[2]);
            out.append(String.format("  %s    %,9.0f   %,12d   %,22d  %s%n", bucket, btc.get(hour).close(), counts[0], counts[1],
                    "#".repeat((int) ((counts[1] + perMark - 1) / perMark))));
        }

        printStatisticalLayer(out);
        printOptions(out);
        printStress(out);

        Map<MarginStatus, Long> statuses = tally.latest.values().stream()
                .collect(Collectors.groupingBy(MarginResult::getStatus, TreeMap::new, Collectors.counting()));
        out.append("\nStatus at the end  ").append(statuses.entrySet().stream()
                .map(e -> String.format("%s %,d", e.getKey(), e.getValue())).collect(Collectors.joining(" · "))).append("\n");
        out.append("""
                Worst accounts at the end (lowest excess over initial margin; the example liquidation service
                has executed every plan it was sent, so these are the accounts still short after it)
                """);
        out.append("  account      status          equity (USD)        IM (USD)        MM (USD)      excess (USD)\n");
        tally.latest.values().stream()
                .sorted(Comparator.comparing(MarginResult::getExcess).thenComparing(MarginResult::getAccount))
                .limit(10)
                .forEach(r -> out.append(String.format("  %-11s  %-12s %15s %15s %15s %17s%n", r.getAccount(), r.getStatus(),
                        usd(r.getEquity()), usd(r.getInitialMargin()), usd(r.getMaintenanceMargin()), usd(r.getExcess()))));
        System.out.print(out);
    }

    /**
     * The alerts by kind and action, and what the fat-fingered mark did: held and discarded, or applied; and the
     * accounts liquidated on a plan priced at it (a plan is priced at the marks it was decided on).
     */
    private void printPriceGuard(StringBuilder out) {
        out.append(String.format("Alerts            %s   (price jumps: beyond %.0f standard deviations of the forecast"
                        + " volatility over the time since the previous price, %s)%n",
                tally.alerts.isEmpty() ? "none" : tally.alerts.entrySet().stream()
                        .map(e -> String.format("%s %,d", e.getKey(), e.getValue())).collect(Collectors.joining(" · ")),
                FatFinger.PRICE_JUMP_SIGMAS, scenario.fatFinger.holdPrices ? "held up to " + FatFinger.PRICE_HOLD.toMinutes()
                        + " min for a confirming price" : "applied, not held: --no-price-hold"));
        if (scenario.fatFinger.at == null) {
            return;
        }
        // the alerts about the fat finger name it as the price judged, held or moved from (an alert's time is its
        // partition's stream time, which other entries may have moved on)
        String fate = tally.alertList.stream()
                .filter(a -> a.getSubject().equals("BTC-PERPETUAL") && a.getFigures().stream().anyMatch(figure ->
                        List.of("price", "held", "reference").contains(figure.getName())
                                && figure.getValue() == tally.fatFingerMark))
                .map(a -> a.getAction().toString().toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.collectingAndThen(Collectors.joining(", then "), s -> s.isEmpty() ? "not flagged" : s));
        out.append(String.format("  fat finger: BTC-PERPETUAL marked at %.0f%% of its value at %s: %s; accounts liquidated on a"
                        + " plan priced at that mark: %,d%n",
                100 * FatFinger.SHARE, scenario.fatFinger.at, fate, tally.liquidatedAtFatFinger.size()));
    }

    /** How often expected shortfall set initial margin, and how the BTC volatility forecast moved. */
    /**
     * The stress tests over the window: the run at which the clearinghouse's Cover-2 was largest (its
     * table), and the Cover-2 of every sixth hour's run, so the reader sees it rise into the crash.
     */
    private void printStress(StringBuilder out) {
        if (tally.stress.isEmpty()) {
            out.append("\nStress tests      no run published\n");
            return;
        }
        Map<Instant, List<io.marginflow.schema.StressResult>> runs = tally.stress.stream().collect(Collectors.groupingBy(
                io.marginflow.schema.StressResult::getRunTime, TreeMap::new, Collectors.toList()));
        Map.Entry<Instant, List<io.marginflow.schema.StressResult>> peak = runs.entrySet().stream()
                .max(Comparator.comparingDouble((Map.Entry<Instant, List<io.marginflow.schema.StressResult>> run) ->
                        cover2(run.getValue())).thenComparing(Map.Entry::getKey, Comparator.reverseOrder())).orElseThrow();
        out.append(String.format("%nStress tests (Cover-1/Cover-2, %d hourly runs; %d clearing members; scenarios of"
                + " deploy/stress-scenarios.jsonl): the run with the largest Cover-2%n", runs.size(), StressDemo.MEMBERS));
        io.marginflow.stress.StressReport.lines(io.marginflow.stress.StressReport.latestRun(peak.getValue()), 5)
                .forEach(line -> out.append("  ").append(line).append('\n'));
        out.append("  Cover-2 over time (largest over the scenarios, USD):");
        int i = 0;
        for (Map.Entry<Instant, List<io.marginflow.schema.StressResult>> run : runs.entrySet()) {
            if (i++ % 6 == 0) {
                out.append(String.format("%n    %s  %,14.0f", run.getKey(), cover2(run.getValue())));
            }
        }
        out.append('\n');
    }

    private static double cover2(List<io.marginflow.schema.StressResult> run) {
        return run.stream().mapToDouble(io.marginflow.schema.StressResult::getCover2).max().orElse(0.0);
    }

    private void printStatisticalLayer(StringBuilder out) {
        out.append(String.format("%nStatistical layer: VaR/ES by filtered historical simulation on a year of daily index closes"
                + " (seeded), 30%% correlation offset cap%n  expected shortfall set initial margin in %,d of %,d results%n",
                tally.esBinding.get(), tally.results.get()));
        List<Map.Entry<Instant, Double>> vols = tally.watched.values().stream().flatMap(List::stream)
                .flatMap(r -> r.getUnderlyings().stream().filter(u -> u.getUnderlying().equals("BTC") && u.getForecastVol() > 0)
                        .map(u -> Map.entry(r.getCause().getEventTime(), u.getForecastVol())))
                .sorted(Map.Entry.comparingByKey()).toList();
        if (!vols.isEmpty()) {
            out.append(String.format("  BTC daily volatility forecast (EWMA): %.1f%% at %s, %.1f%% at %s%n",
                    100 * vols.get(0).getValue(), vols.get(0).getKey(), 100 * vols.get(vols.size() - 1).getValue(),
                    vols.get(vols.size() - 1).getKey()));
        }
    }

    /** Per strategy how the option accounts fared, and one account's margin over time with its Greeks. */
    private void printOptions(StringBuilder out) {
        out.append(String.format("%nOptions: %,d accounts on BTC options, priced from a surface with the smile of Deribit's"
                + " 2020-05-14 chain;%n  vol level ×1.00 at the start, ×%.2f at its peak (it follows the 24-hour realised vol,"
                + " reference %.0f%%)%n", scenario.strategies.size(), scenario.peakVolLevel, 100 * scenario.surface.referenceVol()));
        out.append("  strategy            accounts   calls issued   liquidations triggered   at the end: normal · call · liquidation\n");
        for (Scenario.Strategy strategy : Scenario.Strategy.values()) {
            List<String> accounts = scenario.strategies.entrySet().stream().filter(e -> e.getValue() == strategy).map(Map.Entry::getKey).toList();
            long calls = accounts.stream().mapToLong(a -> tally.perAccount.getOrDefault(a, new long[2])[0]).sum();
            long liquidations = accounts.stream().mapToLong(a -> tally.perAccount.getOrDefault(a, new long[2])[1]).sum();
            Map<MarginStatus, Long> end = accounts.stream().map(tally.latest::get).filter(java.util.Objects::nonNull)
                    .collect(Collectors.groupingBy(MarginResult::getStatus, Collectors.counting()));
            out.append(String.format("  %-18s %,9d %,14d %,24d   %,6d · %,4d · %,d%n", strategy.label, accounts.size(), calls, liquidations,
                    end.getOrDefault(MarginStatus.NORMAL, 0L), end.getOrDefault(MarginStatus.MARGIN_CALL, 0L),
                    end.getOrDefault(MarginStatus.LIQUIDATION, 0L)));
        }
        out.append(String.format("  The 12MAR20 options settled at %s against the BTC index at %,.2f and left the portfolios.%n",
                Scenario.FIRST_OPTION_EXPIRY, scenario.settlementPrice));
        out.append("  Calls issued by the entry that decided them: ").append(tally.callsByCause.entrySet().stream()
                .map(e -> String.format("%s %,d", e.getKey(), e.getValue())).collect(Collectors.joining(" · "))).append("\n");
        story(out, Scenario.Strategy.SHORT_STRANGLE, Scenario.EXPIRY);
        story(out, Scenario.Strategy.SHORT_STRANGLE, Scenario.FIRST_OPTION_EXPIRY);
    }

    /**
     * How one account's margin moved: its first margined position, the first result a scenario.surface
     * caused, its highest requirement, its first result at or after the first expiry, its last.
     */
    private void story(StringBuilder out, Scenario.Strategy strategy, Instant expiry) {
        String account = scenario.storyOf.get(strategy + " " + expiry);
        List<MarginResult> story = account == null ? List.of()
                : tally.watched.get(account).stream().filter(r -> !r.getUnderlyings().isEmpty()
                        || r.getCause().getEventTime().compareTo(Scenario.FIRST_OPTION_EXPIRY) >= 0).toList();
        if (story.isEmpty()) {
            return;
        }
        out.append(String.format("  Why the margin of %s (%s, %s expiry) moved:%n", account, strategy.label, expiry));
        out.append("    event time             cause                   IM (USD)  IM set by  equity (USD)  status        delta"
                + "      gamma   vega/pt  theta/day   worst scenario (its loss before its weight)\n");
        java.util.LinkedHashSet<MarginResult> rows = new java.util.LinkedHashSet<>();
        rows.add(story.get(0));
        story.stream().filter(r -> r.getCause().getSource().getTopic().endsWith("vol-surfaces")).findFirst().ifPresent(rows::add);
        rows.add(story.stream().max(Comparator.comparing(MarginResult::getInitialMargin)).orElseThrow());
        story.stream().filter(r -> r.getCause().getEventTime().compareTo(Scenario.FIRST_OPTION_EXPIRY) >= 0).findFirst().ifPresent(rows::add);
        rows.add(story.get(story.size() - 1));
        rows.stream().sorted(Comparator.comparing(MarginResult::getSequence)).forEach(result -> {
            UnderlyingMargin risk = result.getUnderlyings().stream().filter(u -> u.getUnderlying().equals("BTC"))
                    .findFirst().orElse(null);
            out.append(String.format("    %-22s %-20s %11s  %-9s %13s  %-11s %s%n", result.getCause().getEventTime(),
                    result.getCause().getSource().getTopic(), usd(result.getInitialMargin()),
                    result.getBindingComponent() == io.marginflow.schema.MarginComponent.EXPECTED_SHORTFALL ? "ES" : "scenario",
                    usd(result.getEquity()),
                    result.getStatus(), risk == null ? "(no positions)" : String.format(
                            "%6.2f %10.6f %9.1f %10.1f   price %+.0f%%, vol %+.0f%%: loses %,.0f", risk.getNetDelta(),
                            risk.getGamma(), risk.getVega(), risk.getTheta(), 100 * risk.getWorstPriceMove(),
                            100 * risk.getWorstVolShock(), risk.getWorstScenarioLoss())));
        });
    }

    private static String usd(BigDecimal amount) {
        return String.format("%,.2f", amount);
    }
}
