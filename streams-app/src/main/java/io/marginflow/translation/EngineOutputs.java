package io.marginflow.translation;

import io.marginflow.risk.AccountMargin;
import io.marginflow.schema.Cause;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The engine's outputs as contract records, built in one place, as {@link EngineTypes} builds the
 * engine's values from the contract's: each names its account, its place in the account's hash
 * chain ({@code sequence}, {@code previousHash}; the hash is left empty for the chain to fill)
 * and the journal entry that caused it. Amounts go through {@link EngineTypes#money}, so an
 * amount the contract cannot carry is refused here ({@link OutOfRangeException}).
 */
public final class EngineOutputs {

    private EngineOutputs() {}

    /** An account's equity, initial and maintenance margin, as the contract carries them. */
    private record Figures(BigDecimal equity, BigDecimal initialMargin, BigDecimal maintenanceMargin) {
        static Figures of(AccountMargin margin) {
            return new Figures(EngineTypes.money(margin.equity()), EngineTypes.money(margin.initialMargin()),
                    EngineTypes.money(margin.maintenanceMargin()));
        }
    }

    public static MarginResult marginResult(String account, long sequence, Cause cause, AccountMargin margin,
                                            String previousHash) {
        Figures figures = Figures.of(margin);
        return MarginResult.newBuilder()
                .setAccount(account).setSequence(sequence).setCause(cause)
                .setEquity(figures.equity())
                .setInitialMargin(figures.initialMargin())
                .setMaintenanceMargin(figures.maintenanceMargin())
                .setExcess(EngineTypes.money(margin.excess()))
                .setStatus(EngineTypes.status(margin.status()))
                .setScenarioMargin(margin.scenarioMargin())
                .setValueAtRisk(margin.valueAtRisk())
                .setExpectedShortfall(margin.expectedShortfall())
                .setAddOns(margin.addOns())
                .setBindingComponent(EngineTypes.component(margin.binding()))
                .setUnderlyings(EngineTypes.breakdown(margin))
                .setPreviousHash(previousHash).setHash("")
                .build();
    }

    /**
     * A margin-call event.
     *
     * @param shortfall how much equity the account lacks, in USD
     * @param deadline when an ISSUED call is due; null for the other transitions
     */
    public static MarginCallEvent marginCall(String account, long sequence, Cause cause, MarginCallTransition transition,
                                             String callId, double shortfall, Instant deadline, AccountMargin margin,
                                             String previousHash) {
        Figures figures = Figures.of(margin);
        return MarginCallEvent.newBuilder()
                .setCallId(callId).setAccount(account).setSequence(sequence).setCause(cause)
                .setTransition(transition)
                .setShortfall(EngineTypes.money(shortfall))
                .setEquity(figures.equity())
                .setInitialMargin(figures.initialMargin())
                .setMaintenanceMargin(figures.maintenanceMargin())
                .setDeadline(deadline)
                .setPreviousHash(previousHash).setHash("")
                .build();
    }

    public static LiquidationSignal liquidationSignal(String account, long sequence, Cause cause,
                                                      LiquidationTransition transition, String signalId,
                                                      AccountMargin margin, String previousHash) {
        Figures figures = Figures.of(margin);
        return LiquidationSignal.newBuilder()
                .setSignalId(signalId).setAccount(account).setSequence(sequence).setCause(cause)
                .setTransition(transition)
                .setEquity(figures.equity())
                .setInitialMargin(figures.initialMargin())
                .setMaintenanceMargin(figures.maintenanceMargin())
                .setPreviousHash(previousHash).setHash("")
                .build();
    }
}
