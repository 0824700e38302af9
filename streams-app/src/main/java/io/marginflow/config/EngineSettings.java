package io.marginflow.config;

import io.marginflow.risk.BuildUpRule;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.VolatilityScan;
import io.marginflow.risk.lifecycle.LifecycleRules;
import io.marginflow.risk.stress.ConcentrationRule;
import java.util.SortedSet;

/**
 * The margin engine's tunables.
 *
 * @param defaultLifecycle how accounts are called and liquidated on underlyings without parameters of their own
 * @param unknownInstrumentWaitMillis how long, in stream time, a fill for an undefined instrument waits for its definition
 * @param decisionGraceMillis how far stream time must pass an instant before the accounts it left
 *        to decide are decided (held decisions, call deadlines, parked fills' waits): entries
 *        stamped within it but journalled later still count
 * @param checkpointIntervalMillis each journal partition writes a checkpoint when its stream time
 *        crosses a multiple of this; 0 writes none
 * @param checkpointSigningKey the file of the Ed25519 key checkpoints are signed with
 *        ({@code marginflow keygen}); empty: unsigned
 * @param stressIntervalMillis each journal partition runs the stress tests when its stream time crosses a
 *        multiple of this ({@code StressRuns}); 0 runs none
 * @param maxOutputBytes the largest output record (key and value) the engine publishes; a larger
 *        one is dead-lettered {@code OUTPUT_TOO_LARGE} with the unit that made it
 * @param buildUps how a fill that grows an account's position far beyond its habit is found (alerts only)
 * @param marginUsage how a fill that grows an account's initial margin far beyond its habit is found (alerts only)
 * @param concentration when an account holds too large a share of an instrument's open interest (alerts only,
 *        judged at the stress runs)
 */
public record EngineSettings(
        double resultToleranceUsd,
        double resultToleranceRelative,
        SortedSet<String> cashAssets,
        double defaultPriceScanRange,
        int defaultPriceScanSteps,
        VolatilityScan defaultVolatility,
        double defaultShortOptionMinimum,
        double defaultMaintenanceToInitial,
        LifecycleRules defaultLifecycle,
        long unknownInstrumentWaitMillis,
        long decisionGraceMillis,
        long checkpointIntervalMillis,
        String checkpointSigningKey,
        long stressIntervalMillis,
        int accountCacheSize,
        Market.HistorySettings history,
        long maxOutputBytes,
        BuildUpRule buildUps,
        BuildUpRule marginUsage,
        ConcentrationRule concentration) {

    /**
     * These settings without a signing key: checkpoints then carry no signature, and their hash
     * (which a signature signs) is the same. For replays by those who do not hold the key.
     */
    public EngineSettings unsigned() {
        return new EngineSettings(resultToleranceUsd, resultToleranceRelative, cashAssets, defaultPriceScanRange,
                defaultPriceScanSteps, defaultVolatility, defaultShortOptionMinimum, defaultMaintenanceToInitial,
                defaultLifecycle, unknownInstrumentWaitMillis, decisionGraceMillis, checkpointIntervalMillis, "",
                stressIntervalMillis, accountCacheSize, history, maxOutputBytes, buildUps, marginUsage, concentration);
    }

    /** Parameters for an underlying that has none of its own on risk.parameters yet. */
    public MarginParameters defaultParameters() {
        return MarginParameters.builder("*")
                .version(0)
                .priceScan(defaultPriceScanRange, defaultPriceScanSteps)
                .volatility(defaultVolatility)
                .shortOptionMinimum(defaultShortOptionMinimum)
                .maintenanceToInitial(defaultMaintenanceToInitial)
                .lifecycle(defaultLifecycle)
                .build();
    }

    /** Whether a move from {@code previous} to {@code current} is worth publishing. */
    public boolean movedBeyondTolerance(double previous, double current) {
        return Math.abs(current - previous) > Math.max(resultToleranceUsd, resultToleranceRelative * Math.abs(previous));
    }
}
