package io.marginflow.app;

import io.marginflow.engine.MarginEngineTopology;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.sequencer.SequencerTopology;
import org.apache.kafka.streams.Topology;

/** The whole application: the sequencer feeding the journal, and the margin engine reading it. */
public final class MarginflowTopology {

    private MarginflowTopology() {}

    public static Topology build(MarginflowConfig config, SchemaRegistry registry) {
        Topology topology = new Topology();
        SequencerTopology.addTo(topology, config.topics(), registry);
        MarginEngineTopology.addTo(topology, config.topics(), registry, config.engine());
        return topology;
    }
}
