package io.marginflow.translation;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.lifecycle.LifecycleEvent;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.risk.lifecycle.ReductionPlan;
import io.marginflow.risk.stress.MemberLosses;
import io.marginflow.schema.Alert;
import io.marginflow.schema.AlertAction;
import io.marginflow.schema.AlertFigure;
import io.marginflow.schema.AlertKind;
import io.marginflow.schema.Cause;
import io.marginflow.schema.LiquidationReason;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MemberStress;
import io.marginflow.schema.ReductionStep;
import io.marginflow.schema.Side;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * The engine's outputs as contract records, built in one place, as {@link EngineTypes} builds the
 * engine's values from the contract's: each names its account, its place in the account's hash
 * chain ({@code sequence}, {@code previousHash}; the hash is left empty for the chain to fill)
 * and the journal entry that caused it. Amounts go through {@link EngineTypes#money}, so an
 * amount the contract cannot carry is refused here ({@link OutOfRangeException}).
 */
public final class EngineOutputs {

    private EngineOutputs() {}

    /** A member's figures in one stress scenario, as the contract carries them. */
    public static MemberStress memberStress(String member, MemberLosses.Totals totals) {
        return new MemberStress(member, totals.accounts(), totals.stressedLoss(), totals.initialMargin(), totals.equity(),
                totals.uncoveredLoss());
    }

    /**
     * An alert: what was noticed, what the engine did, and the figures behind it. Its id names the
     * kind, the action, what was judged ({@code judged}, e.g. MARK or FILL, and {@code id}) and the
     * journal entry, so that a replay raises the same.
     *
     * @param account the account concerned, or {@code null} for a market alert
     */
    public static Alert alert(AlertKind kind, AlertAction action, String underlying, String subject, String account,
                              String judged, String id, Cause cause, SortedMap<String, Double> figures, String reason) {
        String alertId = String.join(":", kind.name(), action.name(), judged, id,
                Integer.toString(cause.getJournalPartition()), Long.toString(cause.getJournalOffset()));
        return Alert.newBuilder()
                .setAlertId(alertId).setKind(kind).setAction(action)
                .setUnderlying(underlying).setSubject(subject).setAccount(account)
                .setEventTime(cause.getEventTime())
                .setFigures(figures.entrySet().stream().map(f -> new AlertFigure(f.getKey(), f.getValue())).toList())
                .setReason(reason).setCause(cause)
                .build();
    }

    /** An account's equity, initial and maintenance margin, as the contract carries them. */
    private record Figures(BigDecimal equity, BigDecimal initialMargin, BigDecimal maintenanceMargin) {
        static Figures of(AccountMargin margin) {
            return new Figures(EngineTypes.money(margin.equity()), EngineTypes.money(margin.initialMargin()),
                    EngineTypes.money(margin.maintenanceMargin()));
        }
    }

    /**
     * A margin result; {@code status} is the account's lifecycle status, which the hysteresis bands
     * and held decisions may keep from what the figures alone would say.
     */
    public static MarginResult marginResult(String account, long sequence, Cause cause, AccountMargin margin,
                                            io.marginflow.risk.MarginStatus status, String previousHash) {
        Figures figures = Figures.of(margin);
        return MarginResult.newBuilder()
                .setAccount(account).setSequence(sequence).setCause(cause)
                .setEquity(figures.equity())
                .setInitialMargin(figures.initialMargin())
                .setMaintenanceMargin(figures.maintenanceMargin())
                .setExcess(EngineTypes.money(margin.excess()))
                .setStatus(EngineTypes.status(status))
                .setScenarioMargin(margin.scenarioMargin())
                .setValueAtRisk(margin.valueAtRisk())
                .setExpectedShortfall(margin.expectedShortfall())
                .setAddOns(margin.addOns())
                .setBindingComponent(EngineTypes.component(margin.binding()))
                .setUnderlyings(EngineTypes.breakdown(margin))
                .setPreviousHash(previousHash).setHash("")
                .build();
    }

    /** A margin call's transition, with the figures behind it. */
    public static MarginCallEvent marginCall(String account, long sequence, Cause cause, LifecycleEvent.Call call,
                                             AccountMargin margin, String previousHash) {
        Figures figures = Figures.of(margin);
        return MarginCallEvent.newBuilder()
                .setCallId(call.callId()).setAccount(account).setSequence(sequence).setCause(cause)
                .setTransition(MarginCallTransition.valueOf(call.transition().name()))
                .setShortfall(EngineTypes.money(call.shortfall()))
                .setAmountToMeet(EngineTypes.money(call.amountToMeet()))
                .setEquity(figures.equity())
                .setInitialMargin(figures.initialMargin())
                .setMaintenanceMargin(figures.maintenanceMargin())
                .setDeadline(Instant.ofEpochMilli(call.deadlineMillis()))
                .setPreviousHash(previousHash).setHash("")
                .build();
    }

    /** A liquidation's transition, with its plan and the figures behind it. */
    public static LiquidationSignal liquidationSignal(String account, long sequence, Cause cause,
                                                      LifecycleEvent.Liquidation liquidation, AccountMargin margin,
                                                      String previousHash) {
        Figures figures = Figures.of(margin);
        List<ReductionStep> plan = new ArrayList<>();
        for (ReductionPlan.Step step : liquidation.plan().steps()) {
            plan.add(new ReductionStep(step.instrument(), Side.valueOf(step.side().name()),
                    EngineTypes.exact(step.quantity()), step.markPrice(), step.marginReleased()));
        }
        return LiquidationSignal.newBuilder()
                .setSignalId(liquidation.signalId()).setAccount(account).setSequence(sequence).setCause(cause)
                .setTransition(LiquidationTransition.valueOf(liquidation.transition().name()))
                .setReason(LiquidationReason.valueOf(liquidation.reason().name()))
                .setRevision(liquidation.revision())
                .setPlanOrderId(LifecycleState.OpenLiquidation.orderId(liquidation.signalId(), liquidation.revision()))
                .setShortfall(EngineTypes.money(liquidation.shortfall()))
                .setEquityToMaintenance(liquidation.equityToMaintenance())
                .setBackstop(liquidation.backstop())
                .setPlan(plan)
                .setPlanRestores(liquidation.plan().restores())
                .setEquity(figures.equity())
                .setInitialMargin(figures.initialMargin())
                .setMaintenanceMargin(figures.maintenanceMargin())
                .setPreviousHash(previousHash).setHash("")
                .build();
    }
}
