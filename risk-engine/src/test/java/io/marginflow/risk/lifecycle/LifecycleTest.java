package io.marginflow.risk.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.lifecycle.Lifecycle.Figures;
import io.marginflow.risk.lifecycle.Lifecycle.Outcome;
import io.marginflow.risk.lifecycle.Lifecycle.Situation;
import io.marginflow.risk.lifecycle.Lifecycle.Transition;
import io.marginflow.risk.lifecycle.LifecycleEvent.Call;
import io.marginflow.risk.lifecycle.LifecycleEvent.CallTransition;
import io.marginflow.risk.lifecycle.LifecycleEvent.Liquidation;
import io.marginflow.risk.lifecycle.LifecycleEvent.LiquidationTransition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle's transitions, each against figures computed by hand from the rules: IM 1,000,
 * MM 500, call release 10% (met at 1,100), liquidation release 5% (cleared at 1,050), increase
 * threshold 25%, backstop at half of MM (250), grace one hour.
 */
class LifecycleTest {

    private static final long HOUR = 3_600_000L;
    private static final LifecycleRules RULES = LifecycleRules.DEFAULT.withCallGracePeriodMillis(HOUR);
    private static final ReductionPlan ONE_STEP = new ReductionPlan(List.of(new ReductionPlan.Step("BTC-PERPETUAL",
            ReductionPlan.Side.SELL, BigDecimal.ONE, 10_000, 100)), true, 900);

    private final List<Boolean> wholeBookAsked = new ArrayList<>();
    private LifecycleState state = LifecycleState.NEW;
    private final List<LifecycleEvent> events = new ArrayList<>();

    @Test
    void everyTransitionLeavesAndEntersTheStatusItsRowSays() {
        EnumSet<MarginStatus> covered = EnumSet.noneOf(MarginStatus.class);
        for (Transition t : Transition.values()) {
            covered.add(t.from());
            assertThat(t.guard()).isNotBlank();
        }
        assertThat(covered).containsExactlyInAnyOrder(MarginStatus.values());
    }

    @Test
    void equityHoveringAroundInitialMarginIssuesOneCallAndMeetsItOnlyAboveTheReleaseLevel() {
        for (double equity : new double[] {1_001, 999, 1_002, 998, 1_050, 995, 1_099}) {
            step(equity, 0);
        }
        assertThat(callTransitions()).containsExactly(CallTransition.ISSUED);
        Call issued = (Call) events.get(0);
        assertThat(issued.callId()).isEqualTo("A-CALL-1");
        assertThat(issued.shortfall()).isEqualTo(1.0);            // 1,000 − 999
        assertThat(issued.amountToMeet()).isEqualTo(101.0);       // 1,100 − 999
        assertThat(issued.deadlineMillis()).isEqualTo(HOUR);

        step(1_100, 10);

        assertThat(callTransitions()).containsExactly(CallTransition.ISSUED, CallTransition.MET);
        assertThat(state.status()).isEqualTo(MarginStatus.NORMAL);
    }

    @Test
    void aGrowingShortfallIsAnnouncedOncePerQuarterOfGrowth() {
        step(900, 0);     // amount 200
        step(860, 1);     // 240: +20%, nothing
        step(849, 2);     // 251: +25.5% → INCREASED, the new base
        step(800, 3);     // 300: +19.5%, nothing
        step(780, 4);     // 320: +27.5% → INCREASED

        assertThat(callTransitions()).containsExactly(CallTransition.ISSUED, CallTransition.INCREASED,
                CallTransition.INCREASED);
        assertThat(((Call) events.get(2)).amountToMeet()).isEqualTo(320.0);
        assertThat(((Call) events.get(2)).deadlineMillis()).as("the deadline stays").isEqualTo(HOUR);
        assertThat(((Call) events.get(2)).callId()).isEqualTo("A-CALL-1");
    }

    @Test
    void aCallStillShortAtItsDeadlineExpiresIntoLiquidation() {
        step(900, 0);
        step(900, HOUR - 1);
        assertThat(state.status()).isEqualTo(MarginStatus.MARGIN_CALL);

        step(900, HOUR);

        assertThat(callTransitions()).containsExactly(CallTransition.ISSUED, CallTransition.EXPIRED);
        Liquidation triggered = (Liquidation) events.get(2);
        assertThat(triggered.transition()).isEqualTo(LiquidationTransition.TRIGGERED);
        assertThat(triggered.reason()).isEqualTo(LiquidationReason.CALL_EXPIRED);
        assertThat(triggered.signalId()).isEqualTo("A-LIQ-1");
        assertThat(triggered.revision()).isEqualTo(1);
        assertThat(triggered.shortfall()).isEqualTo(150.0);           // 1,050 − 900
        assertThat(triggered.equityToMaintenance()).isEqualTo(1.8);   // 900 / 500
        assertThat(triggered.backstop()).isFalse();
        assertThat(triggered.plan()).isEqualTo(ONE_STEP);
        assertThat(wholeBookAsked).containsExactly(false);
    }

    @Test
    void aCallAtItsDeadlineWithEquityAboveInitialMarginIsMetNotExpired() {
        step(900, 0);
        step(1_050, HOUR);

        assertThat(callTransitions()).containsExactly(CallTransition.ISSUED, CallTransition.MET);
        assertThat(state.status()).isEqualTo(MarginStatus.NORMAL);
    }

    @Test
    void equityBelowMaintenanceEscalatesTheCallOrLiquidatesANormalAccountDirectly() {
        step(900, 0);
        step(499, 1);
        assertThat(callTransitions()).containsExactly(CallTransition.ISSUED, CallTransition.ESCALATED);
        assertThat(((Liquidation) events.get(2)).reason()).isEqualTo(LiquidationReason.MAINTENANCE_BREACH);

        state = LifecycleState.NEW;
        events.clear();
        step(499, 2);
        assertThat(events).singleElement().isInstanceOf(Liquidation.class);
        assertThat(state.status()).isEqualTo(MarginStatus.LIQUIDATION);
    }

    @Test
    void aLiquidationClearsAtTheReleaseLevelOverInitialMarginNotBefore() {
        step(400, 0);
        step(1_049, 1);
        assertThat(state.status()).isEqualTo(MarginStatus.LIQUIDATION);

        step(1_050, 2);

        assertThat(liquidationTransitions()).containsExactly(LiquidationTransition.TRIGGERED, LiquidationTransition.CLEARED);
        assertThat(((Liquidation) events.get(events.size() - 1)).plan().steps()).isEmpty();
    }

    @Test
    void aPlanIsAnsweredBeforeItIsReplacedAndThenRevisedWhileTheAccountIsStillShort() {
        step(400, 0);             // shortfall 650
        step(300, 1);             // the market moves: the plan is awaited, not chased
        step(600, 2);
        assertThat(liquidationTransitions()).containsExactly(LiquidationTransition.TRIGGERED);

        state = state.withPlanStepSeen(); // 1 of 1 steps seen: executed, positions remain, still short
        step(300, 3);
        assertThat(liquidationTransitions()).containsExactly(LiquidationTransition.TRIGGERED, LiquidationTransition.UPDATED);
        assertThat(((Liquidation) events.get(1)).revision()).isEqualTo(2);
        assertThat(((Liquidation) events.get(1)).shortfall()).isEqualTo(750.0);
        assertThat(state.liquidation().orElseThrow().orderId()).isEqualTo("A-LIQ-1/r2");

        LifecycleState twoSteps = new LifecycleState(MarginStatus.LIQUIDATION, Optional.empty(), Optional.of(
                new LifecycleState.OpenLiquidation("A-LIQ-1", LiquidationReason.MAINTENANCE_BREACH, 3, false, 2, 1,
                        false)), 0, 1);
        Outcome inFlight = Lifecycle.decide(twoSteps.withBookChanged(), situation(300, 4, false));
        assertThat(inFlight.events()).as("half executed: the rest is on its way").isEmpty();
        Outcome backstop = Lifecycle.decide(twoSteps, situation(200, 4, false));   // below 250: the whole book now
        assertThat(backstop.fired()).contains(Transition.LIQUIDATION_UPDATED);
        assertThat(((Liquidation) backstop.events().get(0)).backstop()).isTrue();
        assertThat(wholeBookAsked).endsWith(true);
    }

    @Test
    void onceBelowTheBackstopTheLiquidationStaysThereUntilItClears() {
        step(200, 0);             // below 250: the whole book
        step(300, 1);             // back above the backstop: no revision
        assertThat(liquidationTransitions()).containsExactly(LiquidationTransition.TRIGGERED);

        state = state.withBookChanged();
        step(300, 2);
        assertThat(((Liquidation) events.get(1)).backstop()).isTrue();
        assertThat(wholeBookAsked).containsExactly(true, true);
    }

    @Test
    void aBookChangedOutsideThePlanGetsANewPlan() {
        step(400, 0);
        state = state.withBookChanged();
        step(400, 1);
        assertThat(liquidationTransitions()).containsExactly(LiquidationTransition.TRIGGERED, LiquidationTransition.UPDATED);
        assertThat(state.liquidation().orElseThrow().bookChanged()).isFalse();
    }

    @Test
    void belowTheBackstopThePlanIsTheWholeBook() {
        step(249, 0);
        assertThat(((Liquidation) events.get(0)).backstop()).isTrue();
        assertThat(wholeBookAsked).containsExactly(true);
    }

    @Test
    void aHeldDecisionSaysWhetherAGuardHoldsAndChangesNothing() {
        Outcome held = Lifecycle.decide(state, situation(400, 0, true));
        assertThat(held.held()).isTrue();
        assertThat(held.events()).isEmpty();
        assertThat(held.state()).isEqualTo(LifecycleState.NEW);
        assertThat(Lifecycle.decide(state, situation(1_200, 0, true)).held()).as("no guard holds").isFalse();

        step(900, 0);
        Outcome met = Lifecycle.decide(state, situation(1_200, 1, true));
        assertThat(met.held()).isTrue();
        assertThat(met.state()).isEqualTo(state);
    }

    @Test
    void anImpossibleTransitionOrStateIsRefusedLoudly() {
        assertThatThrownBy(() -> Lifecycle.fire(Transition.CALL_MET, LifecycleState.NEW, situation(1_200, 0, false)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("impossible transition CALL_MET from NORMAL");
        assertThatThrownBy(() -> new LifecycleState(MarginStatus.MARGIN_CALL, Optional.empty(), Optional.empty(), 0, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("impossible lifecycle state");
        assertThatThrownBy(() -> LifecycleState.NEW.withPlanStepSeen()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rulesOutOfRangeAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new LifecycleRules(-1, 0.1, 0.05, 0.25, 0.5))
                .hasMessageContaining("call grace period");
        assertThatThrownBy(() -> new LifecycleRules(0, Double.NaN, 0.05, 0.25, 0.5))
                .hasMessageContaining("call release buffer");
        assertThatThrownBy(() -> new LifecycleRules(0, 0.1, 0.05, 0.0, 0.5))
                .hasMessageContaining("call increase threshold");
        assertThatThrownBy(() -> new LifecycleRules(0, 0.1, 0.05, 0.25, 1.5))
                .hasMessageContaining("backstop fraction");
    }

    @Test
    void anAccountOnSeveralUnderlyingsTakesTheMostDemandingOfEachRule() {
        LifecycleRules a = new LifecycleRules(HOUR, 0.10, 0.05, 0.25, 0.4);
        LifecycleRules b = new LifecycleRules(2 * HOUR, 0.05, 0.08, 0.50, 0.6);

        assertThat(LifecycleRules.strictest(List.of(a, b), RULES))
                .isEqualTo(new LifecycleRules(2 * HOUR, 0.10, 0.08, 0.25, 0.6));
        assertThat(LifecycleRules.strictest(List.of(), RULES)).isSameAs(RULES);
    }

    private void step(double equity, long streamTime) {
        Outcome outcome = Lifecycle.decide(state, situation(equity, streamTime, false));
        state = outcome.state();
        events.addAll(outcome.events());
    }

    private Situation situation(double equity, long streamTime, boolean hold) {
        return new Situation("A", new Figures(equity, 1_000, 500), RULES, streamTime, hold, 1, (target, wholeBook) -> {
            wholeBookAsked.add(wholeBook);
            return ONE_STEP;
        });
    }

    private List<CallTransition> callTransitions() {
        return events.stream().filter(Call.class::isInstance).map(e -> ((Call) e).transition()).toList();
    }

    private List<LiquidationTransition> liquidationTransitions() {
        return events.stream().filter(Liquidation.class::isInstance).map(e -> ((Liquidation) e).transition()).toList();
    }
}
