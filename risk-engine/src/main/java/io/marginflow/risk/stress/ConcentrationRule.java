package io.marginflow.risk.stress;

/**
 * When an account's position is a concentration: it holds at least {@code share} of an
 * instrument's open interest (the larger of all accounts' long and short contracts), on an
 * instrument that at least {@code minHolders} accounts hold (an instrument two accounts trade is
 * concentrated by nature, not by anyone's doing). Judged at each stress run, over every journal
 * partition; an alert is raised when an account crosses the share, once per crossing.
 *
 * @param share the share of the open interest, 0 (not judged) or in [0.02, 1]
 * @param minHolders the least accounts holding the instrument for it to be judged, at least 1
 */
public record ConcentrationRule(double share, int minHolders) {

    public static final ConcentrationRule OFF = new ConcentrationRule(0.0, 1);
    /** The least share judged: a partition then sends at most 100 positions per instrument. */
    public static final double MIN_SHARE = 0.02;

    public ConcentrationRule {
        if (!(share == 0.0 || (share >= MIN_SHARE && share <= 1.0))) {
            throw new IllegalArgumentException("a concentration share is 0 (not judged) or in [0.02, 1]: " + share);
        }
        if (minHolders < 1) {
            throw new IllegalArgumentException("a concentration needs at least 1 holder: " + minHolders);
        }
    }

    /**
     * How many of an instrument's largest positions each partition must send for none that can be a
     * concentration to be missed: at most 1 / share accounts can hold that share of the longs, and as
     * many of the shorts.
     */
    public int largestNeeded() {
        return judged() ? (int) Math.floor(2.0 / share) : 0;
    }

    public boolean judged() {
        return share > 0.0;
    }

    /** Whether {@code contracts} (signed) of an instrument with {@code openInterest} contracts and {@code holders} holders is a concentration. */
    public boolean concentrated(double contracts, double openInterest, int holders) {
        return judged() && holders >= minHolders && openInterest > 0.0 && Math.abs(contracts) / openInterest >= share;
    }
}
