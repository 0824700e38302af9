package io.marginflow.risk.lifecycle;

import java.util.Collection;

/**
 * How an account moves between {@code NORMAL}, {@code MARGIN_CALL} and {@code LIQUIDATION}
 * ({@link Lifecycle}): the grace period of a call and the bands that keep a status from flapping.
 * The constructor refuses a set that cannot be used, with the reason.
 *
 * <p>The defaults, and why (anchors: Vega Protocol's margin levels, where with maintenance at 1
 * the collateral search level is 1.1, initial 1.2 and release 1.4, so an account is asked for
 * money at one level and let go only at a clearly higher one; Binance portfolio margin's uniMMR
 * bands, which likewise warn, restrict and liquidate at separate levels):
 * <ul>
 *   <li>{@code callReleaseBuffer} 0.10: a call is met at equity ≥ 1.1 × IM. The move that
 *       issues and meets a call must then be at least a tenth of IM, far more than a tick moves an
 *       account's equity, so a status near IM no longer issues and meets calls tick after tick.
 *   <li>{@code liquidationReleaseBuffer} 0.05: a liquidation clears at equity ≥ 1.05 × IM, and the
 *       reduction plan aims there. Leaving liquidation is measured against IM, not MM: the plan
 *       restores IM, an account released at MM × (1 + buffer) would be below IM and get a fresh call
 *       with a fresh grace period the moment it left, and an account sent to liquidation because
 *       its call expired (above MM) would be released before anything was closed. Half the call's
 *       buffer: enough that the next ordinary tick does not call an account just restored, while the
 *       member loses as little as possible to the close-out.
 *   <li>{@code callIncreaseThreshold} 0.25: an open call is re-announced ({@code INCREASED}) when
 *       the amount needed to meet it grew by more than a quarter since the call's last event.
 *   <li>{@code backstopFraction} 0.5: below half of maintenance margin the account is near
 *       bankruptcy; the plan is then the whole book (as exchanges hand such accounts to backstop
 *       liquidity rather than reduce them step by step), until the liquidation clears.
 * </ul>
 *
 * @param callGracePeriodMillis stream time an account has to meet a margin call
 */
public record LifecycleRules(long callGracePeriodMillis, double callReleaseBuffer, double liquidationReleaseBuffer,
                             double callIncreaseThreshold, double backstopFraction) {

    /** The longest grace period of a margin call: a year. */
    public static final long MAX_CALL_GRACE_MILLIS = 365L * 24 * 3_600_000;

    /** The defaults above, with no grace period (a call expires on the partition's next later entry). */
    public static final LifecycleRules DEFAULT = new LifecycleRules(0, 0.10, 0.05, 0.25, 0.5);

    public LifecycleRules {
        if (callGracePeriodMillis < 0 || callGracePeriodMillis > MAX_CALL_GRACE_MILLIS) {
            throw new IllegalArgumentException("call grace period must be 0 to 365 days: " + callGracePeriodMillis + " ms");
        }
        requireIn("call release buffer", callReleaseBuffer, 0.0, 1.0);
        requireIn("liquidation release buffer", liquidationReleaseBuffer, 0.0, 1.0);
        requireIn("call increase threshold", callIncreaseThreshold, 0.01, 10.0);
        requireIn("backstop fraction", backstopFraction, 0.0, 1.0);
    }

    /** The same rules with another grace period. */
    public LifecycleRules withCallGracePeriodMillis(long millis) {
        return new LifecycleRules(millis, callReleaseBuffer, liquidationReleaseBuffer, callIncreaseThreshold,
                backstopFraction);
    }

    /**
     * The rules of an account exposed to several underlyings: each rule the most demanding of
     * theirs (the longest grace, as a call is one call on the whole account; the widest bands;
     * the smallest threshold, so the member hears of a growing call sooner; the highest backstop).
     * {@code fallback} when there are none.
     */
    public static LifecycleRules strictest(Collection<LifecycleRules> rules, LifecycleRules fallback) {
        if (rules.isEmpty()) {
            return fallback;
        }
        long grace = 0;
        double callRelease = 0;
        double liquidationRelease = 0;
        double callIncrease = Double.MAX_VALUE;
        double backstop = 0;
        for (LifecycleRules r : rules) {
            grace = Math.max(grace, r.callGracePeriodMillis);
            callRelease = Math.max(callRelease, r.callReleaseBuffer);
            liquidationRelease = Math.max(liquidationRelease, r.liquidationReleaseBuffer);
            callIncrease = Math.min(callIncrease, r.callIncreaseThreshold);
            backstop = Math.max(backstop, r.backstopFraction);
        }
        return new LifecycleRules(grace, callRelease, liquidationRelease, callIncrease, backstop);
    }

    private static void requireIn(String name, double value, double low, double high) {
        if (!(value >= low && value <= high)) {
            throw new IllegalArgumentException(name + " must be in [" + low + ", " + high + "]: " + value);
        }
    }
}
