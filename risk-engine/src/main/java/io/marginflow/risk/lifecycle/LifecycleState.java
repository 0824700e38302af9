package io.marginflow.risk.lifecycle;

import io.marginflow.risk.MarginStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * What an account's lifecycle remembers between entries: its status, the open call or the open
 * liquidation (never both), and how many of each it has had, which numbers their ids. The
 * constructor refuses a state that cannot exist.
 *
 * @param callCount calls issued to the account so far; the open call is number {@code callCount}
 * @param liquidationCount liquidations triggered so far; the open one is number {@code liquidationCount}
 */
public record LifecycleState(MarginStatus status, Optional<OpenCall> call, Optional<OpenLiquidation> liquidation,
                             int callCount, int liquidationCount) {

    /** An account that has never been called or liquidated. */
    public static final LifecycleState NEW = new LifecycleState(MarginStatus.NORMAL, Optional.empty(), Optional.empty(), 0, 0);

    /**
     * An open margin call.
     *
     * @param amountToMeet what the call last announced the account must add (deposit, or free by
     *        reducing risk) to meet it: IM × (1 + callReleaseBuffer) − equity
     * @param deadlineMillis stream time at which an unmet call expires
     */
    public record OpenCall(String id, double amountToMeet, long deadlineMillis) {
        public OpenCall {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * An open liquidation and where its current plan stands.
     *
     * @param revision the plan's revision, 1 when triggered, one more on every UPDATED
     * @param backstop whether equity has fallen below the backstop fraction of MM in this liquidation
     * @param planSteps steps in the current revision's plan
     * @param executedSteps fills of the current revision the engine has seen so far
     * @param bookChanged whether the account's positions changed other than by the plan since it was made
     */
    public record OpenLiquidation(String id, LiquidationReason reason, int revision, boolean backstop,
                                  int planSteps, int executedSteps, boolean bookChanged) {
        public OpenLiquidation {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(reason, "reason");
            if (revision < 1 || planSteps < 0 || executedSteps < 0 || executedSteps > planSteps) {
                throw new IllegalArgumentException("liquidation " + id + ": revision " + revision + ", " + executedSteps
                        + " of " + planSteps + " steps executed");
            }
        }

        /** The plan's order id: fills that execute revision {@code r} of liquidation {@code id} carry {@code id/r<r>}. */
        public String orderId() {
            return orderId(id, revision);
        }

        /** Whether some but not all of the plan's steps have been seen: the rest are on their way. */
        public boolean inFlight() {
            return executedSteps > 0 && executedSteps < planSteps;
        }

        /** Whether every step of the plan has been seen. */
        public boolean executed() {
            return planSteps > 0 && executedSteps == planSteps;
        }

        public static String orderId(String signalId, int revision) {
            return signalId + "/r" + revision;
        }
    }

    public LifecycleState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(liquidation, "liquidation");
        boolean consistent = switch (status) {
            case NORMAL -> call.isEmpty() && liquidation.isEmpty();
            case MARGIN_CALL -> call.isPresent() && liquidation.isEmpty();
            case LIQUIDATION -> call.isEmpty() && liquidation.isPresent();
        };
        if (!consistent || callCount < 0 || liquidationCount < 0) {
            throw new IllegalStateException("impossible lifecycle state: " + status + " with call " + call
                    + " and liquidation " + liquidation);
        }
    }

    /** The state after one of the liquidation's plan fills was applied (or refused) by the engine. */
    public LifecycleState withPlanStepSeen() {
        OpenLiquidation open = liquidation.orElseThrow(() -> new IllegalStateException("no liquidation is open"));
        if (open.executedSteps() == open.planSteps()) {
            return this;
        }
        return withLiquidation(new OpenLiquidation(open.id(), open.reason(), open.revision(), open.backstop(),
                open.planSteps(), open.executedSteps() + 1, open.bookChanged()));
    }

    /** The state after the account's positions changed other than by its liquidation plan. */
    public LifecycleState withBookChanged() {
        if (liquidation.isEmpty() || liquidation.get().bookChanged()) {
            return this;
        }
        OpenLiquidation open = liquidation.get();
        return withLiquidation(new OpenLiquidation(open.id(), open.reason(), open.revision(), open.backstop(),
                open.planSteps(), open.executedSteps(), true));
    }

    private LifecycleState withLiquidation(OpenLiquidation open) {
        return new LifecycleState(status, call, Optional.of(open), callCount, liquidationCount);
    }
}
