package io.marginflow.stress;

import io.marginflow.risk.stress.ConcentrationRule;
import io.marginflow.schema.AccountPosition;
import io.marginflow.schema.Alert;
import io.marginflow.schema.AlertAction;
import io.marginflow.schema.AlertKind;
import io.marginflow.schema.InstrumentInterest;
import io.marginflow.schema.StressPartial;
import io.marginflow.translation.EngineOutputs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Concentration at a stress run, from every journal partition's share of it: each instrument's
 * open interest (the larger of all accounts' long and short contracts), its holders, and its
 * largest positions; an account whose position is a concentration ({@link ConcentrationRule}) and
 * was not one at the run before raises a {@code CONCENTRATION} alert, named by the entry its
 * partition's share was made before. A pure function of the shares and of the concentrations
 * before: the live aggregation and an auditor's replay raise the same alerts.
 */
public final class ConcentrationWatch {

    /** The alerts of a run, and the concentrations it leaves ({@link #key} of each). */
    public record Outcome(List<Alert> alerts, SortedSet<String> concentrated) {}

    private ConcentrationWatch() {}

    /** The key of an account's concentration in an instrument. */
    public static String key(String instrument, String account) {
        return instrument + '\u0000' + account;
    }

    /**
     * The run's outcome.
     *
     * @param shares every journal partition's share of one run
     * @param before the concentrations at the run before
     */
    public static Outcome judge(List<StressPartial> shares, SortedSet<String> before, ConcentrationRule rule) {
        List<StressPartial> byPartition = new ArrayList<>(shares);
        byPartition.sort(Comparator.comparingInt(StressPartial::getJournalPartition));
        record Holding(AccountPosition position, StressPartial share) {}
        SortedMap<String, double[]> totals = new TreeMap<>();
        SortedMap<String, String> underlyings = new TreeMap<>();
        SortedMap<String, List<Holding>> largest = new TreeMap<>();
        for (StressPartial share : byPartition) {
            for (InstrumentInterest interest : share.getOpenInterest()) {
                double[] total = totals.computeIfAbsent(interest.getInstrument(), i -> new double[3]);
                total[0] += interest.getLongContracts();
                total[1] += interest.getShortContracts();
                total[2] += interest.getHolders();
                underlyings.put(interest.getInstrument(), interest.getUnderlying());
                for (AccountPosition position : interest.getLargest()) {
                    largest.computeIfAbsent(interest.getInstrument(), i -> new ArrayList<>()).add(new Holding(position, share));
                }
            }
        }
        List<Alert> alerts = new ArrayList<>();
        SortedSet<String> concentrated = new TreeSet<>();
        largest.forEach((instrument, holdings) -> {
            double[] total = totals.get(instrument);
            double openInterest = Math.max(total[0], total[1]);
            int holders = (int) total[2];
            for (Holding holding : holdings) {
                AccountPosition position = holding.position();
                if (!rule.concentrated(position.getContracts(), openInterest, holders)) {
                    continue;
                }
                String key = key(instrument, position.getAccount());
                concentrated.add(key);
                if (!before.contains(key) && holding.share().getCause() != null) {
                    alerts.add(alert(instrument, underlyings.get(instrument), position, openInterest, holders, rule,
                            holding.share()));
                }
            }
        });
        return new Outcome(alerts, concentrated);
    }

    private static Alert alert(String instrument, String underlying, AccountPosition position, double openInterest,
                               int holders, ConcentrationRule rule, StressPartial share) {
        double held = Math.abs(position.getContracts()) / openInterest;
        SortedMap<String, Double> figures = new TreeMap<>();
        figures.put("contracts", position.getContracts());
        figures.put("holders", (double) holders);
        figures.put("openInterest", openInterest);
        figures.put("share", held);
        figures.put("threshold", rule.share());
        String reason = String.format(Locale.ROOT, "account %s holds %.1f%% of %s's open interest (%s of %s contracts,"
                + " %d holders) at the stress run of %s: at least %.1f%%, and less at the run before", position.getAccount(),
                100 * held, instrument, plain(position.getContracts()), plain(openInterest), holders, share.getRunTime(),
                100 * rule.share());
        return EngineOutputs.alert(AlertKind.CONCENTRATION, AlertAction.APPLIED, underlying, instrument,
                position.getAccount(), instrument, position.getAccount(), share.getCause(), figures, reason);
    }

    private static String plain(double contracts) {
        return new java.math.BigDecimal(contracts).round(java.math.MathContext.DECIMAL64).stripTrailingZeros().toPlainString();
    }
}
