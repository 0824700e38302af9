package io.marginflow.risk.lifecycle;

import java.util.Objects;

/** Something an account's lifecycle announces: a margin call's or a liquidation's transition. */
public sealed interface LifecycleEvent {

    /** What happened to a margin call. */
    enum CallTransition { ISSUED, INCREASED, MET, EXPIRED, ESCALATED }

    /** What happened to a liquidation. */
    enum LiquidationTransition { TRIGGERED, UPDATED, CLEARED }

    /**
     * A margin call's transition.
     *
     * @param shortfall IM − equity when decided (0 or less once met)
     * @param amountToMeet IM × (1 + callReleaseBuffer) − equity: what meets the call (0 once met)
     * @param deadlineMillis stream time at which the call expires unless met
     */
    record Call(CallTransition transition, String callId, double shortfall, double amountToMeet, long deadlineMillis)
            implements LifecycleEvent {
        public Call {
            Objects.requireNonNull(transition, "transition");
            Objects.requireNonNull(callId, "callId");
        }
    }

    /**
     * A liquidation's transition.
     *
     * @param revision the plan's revision (1 when triggered)
     * @param shortfall IM × (1 + liquidationReleaseBuffer) − equity when decided (0 or less once cleared)
     * @param equityToMaintenance equity / MM: below 1 the account is under maintenance margin (0 when MM is 0)
     * @param backstop whether equity is below the backstop fraction of MM (the plan is then the whole book)
     * @param plan what to close; empty when cleared
     */
    record Liquidation(LiquidationTransition transition, String signalId, int revision, LiquidationReason reason,
                       double shortfall, double equityToMaintenance, boolean backstop, ReductionPlan plan)
            implements LifecycleEvent {
        public Liquidation {
            Objects.requireNonNull(transition, "transition");
            Objects.requireNonNull(signalId, "signalId");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(plan, "plan");
        }
    }
}
