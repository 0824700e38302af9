package io.marginflow.stress;

import io.marginflow.schema.MemberStress;
import io.marginflow.schema.StressResult;
import io.marginflow.schema.StressShock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Cover-2 table of a stress run as text: one line per scenario with its moves, Cover-1 and
 * Cover-2 and the members that set them, the run's Cover-2 (the largest over its scenarios), and
 * the largest members of that scenario. For {@code marginflow stress report} and the demo alike.
 */
public final class StressReport {

    private StressReport() {}

    /** The records of the latest run among {@code results} (by run time), in scenario order. */
    public static List<StressResult> latestRun(List<StressResult> results) {
        Optional<java.time.Instant> latest = results.stream().map(StressResult::getRunTime).max(Comparator.naturalOrder());
        if (latest.isEmpty()) {
            return List.of();
        }
        List<StressResult> run = new ArrayList<>();
        for (StressResult result : results) {
            if (result.getRunTime().equals(latest.get())) {
                run.removeIf(earlier -> earlier.getScenarioId().equals(result.getScenarioId()));
                run.add(result);
            }
        }
        run.sort(Comparator.comparing(StressResult::getScenarioId));
        return run;
    }

    /** The table of one run's records, showing up to {@code members} members of its worst scenario. */
    public static List<String> lines(List<StressResult> run, int members) {
        List<String> lines = new ArrayList<>();
        if (run.isEmpty()) {
            lines.add("no stress run yet");
            return lines;
        }
        StressResult first = run.get(0);
        lines.add(String.format(Locale.ROOT, "stress run %s: %d journal partitions, %d accounts not valued",
                first.getRunTime(), first.getJournalPartitions(), first.getAccountsNotValued()));
        lines.add(String.format(Locale.ROOT, "%-22s %-12s %-34s %16s  %-12s %16s  %s", "scenario", "kind", "moves",
                "Cover-1 USD", "member", "Cover-2 USD", "members"));
        for (StressResult result : run) {
            List<String> covering = result.getCoverMembers();
            lines.add(String.format(Locale.ROOT, "%-22s %-12s %-34s %,16.0f  %-12s %,16.0f  %s", result.getScenarioId(),
                    result.getKind(), moves(result.getShocks()), result.getCover1(), covering.isEmpty() ? "-" : covering.get(0),
                    result.getCover2(), covering.isEmpty() ? "-" : String.join(", ", covering)));
        }
        StressResult worst = run.stream().max(Comparator.comparingDouble(StressResult::getCover2)).orElseThrow();
        lines.add(String.format(Locale.ROOT, "Cover-2 of the run: %,.0f USD in %s (%s)", worst.getCover2(),
                worst.getScenarioId(), worst.getCoverMembers().isEmpty() ? "no member short" : String.join(", ", worst.getCoverMembers())));
        if (members > 0) {
            lines.add(String.format(Locale.ROOT, "  %-14s %8s %16s %16s %16s %16s", "member in " + worst.getScenarioId(),
                    "accounts", "stressed loss", "initial margin", "equity", "uncovered"));
            for (MemberStress member : worst.getMembers().subList(0, Math.min(members, worst.getMembers().size()))) {
                lines.add(String.format(Locale.ROOT, "  %-14s %8d %,16.0f %,16.0f %,16.0f %,16.0f", member.getMember(),
                        member.getAccounts(), member.getStressedLoss(), member.getInitialMargin(), member.getEquity(),
                        member.getUncoveredLoss()));
            }
        }
        return lines;
    }

    /** "BTC -50% vol x2.00, ETH -60%". */
    static String moves(List<StressShock> shocks) {
        List<String> moves = new ArrayList<>();
        for (StressShock shock : shocks) {
            String move = String.format(Locale.ROOT, "%s %+.1f%%", shock.getUnderlying(), 100 * shock.getPriceMove());
            if (shock.getVolFactor() != 1.0) {
                move += String.format(Locale.ROOT, " vol x%.2f", shock.getVolFactor());
            }
            moves.add(move);
        }
        return String.join(", ", moves);
    }
}
