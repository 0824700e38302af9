package io.marginflow.config;

import java.util.List;

/** The names of Marginflow's topics and how the topic-creation step creates them. */
public record Topics(
        String fills,
        String collateral,
        String prices,
        String volSurfaces,
        String instruments,
        String parameters,
        String snapshots,
        String clock,
        String journal,
        String margin,
        String marginLatest,
        String marginCalls,
        String liquidations,
        String deadLetters,
        String checkpoints,
        String alerts,
        String stressScenarios,
        String stressPartials,
        String stress,
        int partitions,
        short replicationFactor,
        long marketRetentionMillis) {

    /** The nine input topics, in the order the sequencer reads them. */
    public List<String> inputs() {
        return List.of(fills, collateral, prices, volSurfaces, instruments, parameters, snapshots, clock, stressScenarios);
    }

    /**
     * The engine's five output topics, each record once (alerts, market anomalies, published by
     * journal partition 0); {@link #marginLatest()} (compacted, the
     * latest margin result per account, a copy of the last one on {@link #margin()}) and
     * {@link #checkpoints()} (integrity checkpoints, per journal partition) are not among them.
     */
    public List<String> outputs() {
        return List.of(margin, marginCalls, liquidations, deadLetters, alerts);
    }
}
