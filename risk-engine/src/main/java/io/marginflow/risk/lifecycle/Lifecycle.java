package io.marginflow.risk.lifecycle;

import static io.marginflow.risk.MarginStatus.LIQUIDATION;
import static io.marginflow.risk.MarginStatus.MARGIN_CALL;
import static io.marginflow.risk.MarginStatus.NORMAL;

import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.lifecycle.LifecycleEvent.Call;
import io.marginflow.risk.lifecycle.LifecycleEvent.CallTransition;
import io.marginflow.risk.lifecycle.LifecycleEvent.Liquidation;
import io.marginflow.risk.lifecycle.LifecycleEvent.LiquidationTransition;
import io.marginflow.risk.lifecycle.LifecycleState.OpenCall;
import io.marginflow.risk.lifecycle.LifecycleState.OpenLiquidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * An account's margin lifecycle: {@code NORMAL}, {@code MARGIN_CALL} and {@code LIQUIDATION}, and
 * the calls and liquidation signals its transitions announce. Pure: the same state and situation
 * give the same outcome. The transitions are the rows of {@link Transition}; in each state the
 * first row whose guard holds fires, and at most one fires per decision.
 *
 * <pre>
 *                 equity &lt; IM                        equity &lt; MM, or deadline passed with equity &lt; IM
 *      NORMAL ─────────────────────▶ MARGIN_CALL ───────────────────────────────────────▶ LIQUIDATION
 *        ▲  ◀─────────────────────────┘   ▲ │  INCREASED                                   │  ▲ │ UPDATED
 *        │   equity ≥ IM × (1 + callRelease),└─┘                                           │  └─┘
 *        │   or deadline passed with equity ≥ IM                                          │
 *        │                                                                                │
 *        └──────────────────── equity ≥ IM × (1 + liquidationRelease) ◀───────────────────┘
 *        NORMAL ──── equity &lt; MM ────▶ LIQUIDATION (no call first)
 * </pre>
 *
 * <p><b>Held decisions.</b> A situation may ask to hold the decision: the outcome then says
 * whether a transition's guard holds, and changes nothing. The engine holds every decision while
 * entries of the same instant may still arrive, and decides once stream time has passed the
 * instant, on the state the whole instant left: a fill and the deposit that funds it, or two
 * underlyings' snapshots of one tick, are decided together.
 */
public final class Lifecycle {

    private Lifecycle() {
    }

    /** An account's figures at the current market: equity, initial and maintenance margin, in USD. */
    public record Figures(double equity, double initialMargin, double maintenanceMargin) {}

    /** Builds the account's reduction plan when a liquidation needs one ({@link ReductionPlanner}). */
    @FunctionalInterface
    public interface Planner {
        /**
         * A plan that brings initial margin to at most {@code targetInitialMargin}, or the whole
         * book when {@code wholeBook} (or when no plan can).
         */
        ReductionPlan plan(double targetInitialMargin, boolean wholeBook);
    }

    /**
     * What one decision sees.
     *
     * @param now the instant decided, in stream time (deadlines are measured against it)
     * @param hold whether the decision waits (the outcome says whether a transition's guard holds)
     * @param positions how many positions the account holds
     */
    public record Situation(String account, Figures figures, LifecycleRules rules, long now,
                            boolean hold, int positions, Planner planner) {
        public Situation {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(figures, "figures");
            Objects.requireNonNull(rules, "rules");
            Objects.requireNonNull(planner, "planner");
        }

        double equity() {
            return figures.equity();
        }

        double im() {
            return figures.initialMargin();
        }

        double mm() {
            return figures.maintenanceMargin();
        }

        /** IM × (1 + callReleaseBuffer) − equity. */
        double amountToMeetCall() {
            return im() * (1.0 + rules.callReleaseBuffer()) - equity();
        }

        /** IM × (1 + liquidationReleaseBuffer) − equity. */
        double liquidationShortfall() {
            return im() * (1.0 + rules.liquidationReleaseBuffer()) - equity();
        }

        boolean backstop() {
            return equity() < rules.backstopFraction() * mm();
        }

        double equityToMaintenance() {
            return mm() > 0.0 ? equity() / mm() : 0.0;
        }
    }

    /**
     * The lifecycle's transitions: from, to, the guard (in words and in code) and what it
     * announces. Rows of one state are tried in this order.
     */
    public enum Transition {
        /** Announces liquidation TRIGGERED (MAINTENANCE_BREACH) with a plan. */
        BREACH(NORMAL, LIQUIDATION, "equity < MM",
                (state, s) -> s.equity() < s.mm()),
        /** Announces call ISSUED: shortfall IM − equity, deadline stream time + grace. */
        CALL_ISSUED(NORMAL, MARGIN_CALL, "equity < IM",
                (state, s) -> s.equity() < s.im()),
        /** Announces call ESCALATED, then liquidation TRIGGERED (MAINTENANCE_BREACH). */
        CALL_ESCALATED(MARGIN_CALL, LIQUIDATION, "equity < MM",
                (state, s) -> s.equity() < s.mm()),
        /** Announces call EXPIRED, then liquidation TRIGGERED (CALL_EXPIRED). */
        CALL_EXPIRED(MARGIN_CALL, LIQUIDATION, "now ≥ deadline and equity < IM",
                (state, s) -> s.now() >= call(state).deadlineMillis() && s.equity() < s.im()),
        /** Announces call MET. */
        CALL_MET(MARGIN_CALL, NORMAL,
                "equity ≥ IM × (1 + callReleaseBuffer), or now ≥ deadline and equity ≥ IM",
                (state, s) -> s.amountToMeetCall() <= 0.0
                        || (s.now() >= call(state).deadlineMillis() && s.equity() >= s.im())),
        /** Announces call INCREASED with the new amount; the deadline stays. */
        CALL_INCREASED(MARGIN_CALL, MARGIN_CALL,
                "amount to meet > announced amount × (1 + callIncreaseThreshold)",
                (state, s) -> s.amountToMeetCall() > call(state).amountToMeet() * (1.0 + s.rules().callIncreaseThreshold())),
        /** Announces liquidation CLEARED. */
        LIQUIDATION_CLEARED(LIQUIDATION, NORMAL, "equity ≥ IM × (1 + liquidationReleaseBuffer)",
                (state, s) -> s.liquidationShortfall() <= 0.0),
        /** Announces liquidation UPDATED with the next revision of the plan. */
        LIQUIDATION_UPDATED(LIQUIDATION, LIQUIDATION,
                "equity fell below the backstop (the plan becomes the whole book); or, the current plan not in"
                        + " flight: the book changed other than by the plan, or every step of the plan was seen and"
                        + " positions remain",
                Lifecycle::needsNewPlan);

        private final MarginStatus from;
        private final MarginStatus to;
        private final String guard;
        @SuppressWarnings("ImmutableEnumChecker") // each guard is a stateless lambda over its arguments
        private final BiPredicate<LifecycleState, Situation> holds;

        Transition(MarginStatus from, MarginStatus to, String guard, BiPredicate<LifecycleState, Situation> holds) {
            this.from = from;
            this.to = to;
            this.guard = guard;
            this.holds = holds;
        }

        public MarginStatus from() {
            return from;
        }

        public MarginStatus to() {
            return to;
        }

        /** The guard, as the README states it. */
        public String guard() {
            return guard;
        }
    }

    /**
     * What an entry does to an account's lifecycle.
     *
     * @param fired the transition that fired, if one did
     * @param held whether a transition's guard held but the decision was held (nothing changed)
     */
    public record Outcome(LifecycleState state, List<LifecycleEvent> events, Optional<Transition> fired, boolean held) {
        public Outcome {
            events = List.copyOf(events);
        }
    }

    /** Decides the account's next state: the first transition from its status whose guard holds. */
    public static Outcome decide(LifecycleState state, Situation situation) {
        for (Transition transition : Transition.values()) {
            if (transition.from == state.status() && transition.holds.test(state, situation)) {
                if (situation.hold()) {
                    return new Outcome(state, List.of(), Optional.empty(), true);
                }
                return fire(transition, state, situation);
            }
        }
        return new Outcome(state, List.of(), Optional.empty(), false);
    }

    /**
     * Fires {@code transition} on {@code state}.
     *
     * @throws IllegalStateException if the transition does not leave the state's status: an
     *         impossible transition, which {@link #decide} never makes
     */
    public static Outcome fire(Transition transition, LifecycleState state, Situation s) {
        if (transition.from != state.status()) {
            throw new IllegalStateException("impossible transition " + transition + " from " + state.status());
        }
        List<LifecycleEvent> events = new ArrayList<>();
        int calls = state.callCount();
        int liquidations = state.liquidationCount();
        Optional<OpenCall> call = Optional.empty();
        Optional<OpenLiquidation> liquidation = Optional.empty();
        switch (transition) {
            case BREACH -> {
                liquidations++;
                liquidation = Optional.of(trigger(s, s.account() + "-LIQ-" + liquidations, LiquidationReason.MAINTENANCE_BREACH,
                        events));
            }
            case CALL_ISSUED -> {
                calls++;
                OpenCall issued = new OpenCall(s.account() + "-CALL-" + calls, s.amountToMeetCall(),
                        s.now() + s.rules().callGracePeriodMillis());
                events.add(callEvent(CallTransition.ISSUED, issued, s));
                call = Optional.of(issued);
            }
            case CALL_ESCALATED, CALL_EXPIRED -> {
                boolean expired = transition == Transition.CALL_EXPIRED;
                events.add(callEvent(expired ? CallTransition.EXPIRED : CallTransition.ESCALATED, call(state), s));
                liquidations++;
                liquidation = Optional.of(trigger(s, s.account() + "-LIQ-" + liquidations,
                        expired ? LiquidationReason.CALL_EXPIRED : LiquidationReason.MAINTENANCE_BREACH, events));
            }
            case CALL_MET -> events.add(callEvent(CallTransition.MET, call(state), s));
            case CALL_INCREASED -> {
                OpenCall open = call(state);
                OpenCall increased = new OpenCall(open.id(), s.amountToMeetCall(), open.deadlineMillis());
                events.add(callEvent(CallTransition.INCREASED, increased, s));
                call = Optional.of(increased);
            }
            case LIQUIDATION_CLEARED -> {
                OpenLiquidation open = liquidation(state);
                events.add(new Liquidation(LiquidationTransition.CLEARED, open.id(), open.revision(), open.reason(),
                        s.liquidationShortfall(), s.equityToMaintenance(), s.backstop(), ReductionPlan.NOTHING));
            }
            case LIQUIDATION_UPDATED -> {
                OpenLiquidation open = liquidation(state);
                liquidation = Optional.of(revise(s, open.id(), open.revision() + 1, open.reason(),
                        LiquidationTransition.UPDATED, events, open.backstop()));
            }
            default -> throw new IllegalStateException("transition without an effect: " + transition);
        }
        return new Outcome(new LifecycleState(transition.to, call, liquidation, calls, liquidations), events,
                Optional.of(transition), false);
    }

    private static OpenLiquidation trigger(Situation s, String id, LiquidationReason reason, List<LifecycleEvent> events) {
        return revise(s, id, 1, reason, LiquidationTransition.TRIGGERED, events, false);
    }

    /**
     * A plan for the situation, announced as {@code transition} of revision {@code revision}. Once
     * below the backstop a liquidation stays there until it clears: its plan stays the whole book.
     */
    private static OpenLiquidation revise(Situation s, String id, int revision, LiquidationReason reason,
                                          LiquidationTransition transition, List<LifecycleEvent> events, boolean wasBackstop) {
        boolean backstop = wasBackstop || s.backstop();
        double target = s.equity() / (1.0 + s.rules().liquidationReleaseBuffer());
        ReductionPlan plan = s.planner().plan(target, backstop || s.equity() <= 0.0);
        double shortfall = s.liquidationShortfall();
        events.add(new Liquidation(transition, id, revision, reason, shortfall, s.equityToMaintenance(), backstop, plan));
        return new OpenLiquidation(id, reason, revision, backstop, plan.steps().size(), 0, false);
    }

    private static Call callEvent(CallTransition transition, OpenCall call, Situation s) {
        boolean met = transition == CallTransition.MET;
        return new Call(transition, call.id(), met ? 0.0 : s.im() - s.equity(), met ? 0.0 : s.amountToMeetCall(),
                call.deadlineMillis());
    }

    /**
     * Whether the liquidation needs its next plan. A plan is answered before it is replaced: while
     * its fills have not all been seen, a market move does not revise it (a service executing it
     * would otherwise chase revisions and have its fills refused as stale); only a fall below the
     * backstop does, as that plan is the whole book.
     */
    private static boolean needsNewPlan(LifecycleState state, Situation s) {
        OpenLiquidation open = liquidation(state);
        if (s.backstop() && !open.backstop()) {
            return true;
        }
        if (open.inFlight()) {
            return false;
        }
        return open.bookChanged() || (open.executed() && s.positions() > 0);
    }

    private static OpenCall call(LifecycleState state) {
        return state.call().orElseThrow(() -> new IllegalStateException("no call is open in " + state));
    }

    private static OpenLiquidation liquidation(LifecycleState state) {
        return state.liquidation().orElseThrow(() -> new IllegalStateException("no liquidation is open in " + state));
    }
}
