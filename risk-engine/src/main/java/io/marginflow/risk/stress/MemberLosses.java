package io.marginflow.risk.stress;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The stress figures of clearing members, account by account: for each scenario, a member's
 * stressed loss, initial margin, equity and uncovered loss summed over its accounts. An account's
 * uncovered loss is the part of its stressed loss its own equity (collateral after haircuts plus
 * variation: its initial margin and the collateral above it) does not cover, max(0, loss − equity);
 * a member's is the sum over its accounts, so one account's surplus never covers another's loss
 * (accounts are segregated). Sums run in the order accounts are added, members in member order.
 */
public final class MemberLosses {

    /** A member's figures in one scenario, in USD. */
    public record Totals(int accounts, double stressedLoss, double initialMargin, double equity, double uncoveredLoss) {

        public static final Totals ZERO = new Totals(0, 0.0, 0.0, 0.0, 0.0);

        /** One account: its stressed loss (negative: a gain), initial margin and equity. */
        public static Totals ofAccount(double stressedLoss, double initialMargin, double equity) {
            return new Totals(1, stressedLoss, initialMargin, equity, Math.max(0.0, stressedLoss - equity));
        }

        public Totals plus(Totals other) {
            return new Totals(accounts + other.accounts, stressedLoss + other.stressedLoss,
                    initialMargin + other.initialMargin, equity + other.equity, uncoveredLoss + other.uncoveredLoss);
        }
    }

    private final int scenarios;
    private final SortedMap<String, Totals[]> byMember = new TreeMap<>();

    public MemberLosses(int scenarios) {
        this.scenarios = scenarios;
    }

    /** Adds an account of {@code member}: its P&amp;L per scenario ({@link StressTest#pnl}), initial margin and equity. */
    public void addAccount(String member, double[] pnl, double initialMargin, double equity) {
        if (pnl.length != scenarios) {
            throw new IllegalArgumentException(pnl.length + " P&L figures for " + scenarios + " scenarios");
        }
        Totals[] totals = byMember.computeIfAbsent(member, m -> {
            Totals[] zero = new Totals[scenarios];
            java.util.Arrays.fill(zero, Totals.ZERO);
            return zero;
        });
        for (int s = 0; s < scenarios; s++) {
            totals[s] = totals[s].plus(Totals.ofAccount(-pnl[s], initialMargin, equity));
        }
    }

    /** Each member's figures in scenario {@code s}, in member order. */
    public SortedMap<String, Totals> scenario(int s) {
        SortedMap<String, Totals> members = new TreeMap<>();
        byMember.forEach((member, totals) -> members.put(member, totals[s]));
        return Collections.unmodifiableSortedMap(members);
    }
}
