package io.marginflow.risk.lifecycle;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * What a liquidation service does to an account in liquidation: close these quantities, in this
 * order, at about these prices. Built by {@link ReductionPlanner}.
 *
 * @param steps the closing trades, in the order to execute them
 * @param restores whether executing every step at the marks brings equity back to the release
 *        level; false when nothing can (the plan is then the whole book)
 * @param initialMarginAfter the account's initial margin once every step is executed at the marks
 */
public record ReductionPlan(List<Step> steps, boolean restores, double initialMarginAfter) {

    /** The plan of an account with nothing to close. */
    public static final ReductionPlan NOTHING = new ReductionPlan(List.of(), false, 0.0);

    /** Whether a step buys (closes a short) or sells (closes a long). */
    public enum Side { BUY, SELL }

    /**
     * One closing trade.
     *
     * @param quantity contracts to trade, positive, never more than the position holds
     * @param markPrice the mark the plan was computed at, USD per unit of the underlying
     * @param marginReleased estimated initial margin this step frees, after the steps before it
     */
    public record Step(String instrument, Side side, BigDecimal quantity, double markPrice, double marginReleased) {
        public Step {
            Objects.requireNonNull(instrument, "instrument");
            Objects.requireNonNull(side, "side");
            if (quantity.signum() <= 0) {
                throw new IllegalArgumentException("a plan step trades a positive quantity: " + quantity);
            }
        }

        /** The step as a signed fill quantity: positive buys. */
        public BigDecimal signedQuantity() {
            return side == Side.BUY ? quantity : quantity.negate();
        }
    }

    public ReductionPlan {
        steps = List.copyOf(steps);
    }
}
