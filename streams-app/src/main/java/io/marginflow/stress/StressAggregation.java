package io.marginflow.stress;

import io.marginflow.config.Topics;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.risk.stress.ConcentrationRule;
import io.marginflow.schema.Alert;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressResult;
import io.marginflow.serde.PlainAvroSerde;
import io.marginflow.serde.SpecificAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The stress aggregation, a sub-topology of its own: the journal partitions' shares of each stress
 * run (all under one key, so one task holds them) → {@link StressAggregator} → the Cover-1/Cover-2
 * figures of each scenario on the stress topic, keyed by scenario id (each counted into the Cover-2
 * gauges, {@link MarginflowMetrics}), and concentration alerts on the alerts topic.
 */
public final class StressAggregation {

    static final String SOURCE = "stress-partials";
    static final String PROCESSOR = "stress-aggregator";
    static final String SINK = "stress-results";
    static final String ALERTS_SINK = "stress-alerts";
    /** Shares of runs not yet complete, by run time and partition. */
    static final String SHARES = "stress-shares";
    /** The last run published. */
    static final String PROGRESS = "stress-progress";

    private StressAggregation() {}

    /** Adds the sub-topology: the shares of {@code journalPartitions} partitions make a run complete. */
    public static void addTo(Topology topology, Topics topics, SchemaRegistry registry, int journalPartitions,
                             ConcentrationRule concentration, MarginflowMetrics metrics) {
        topology.addSource(SOURCE, new StringDeserializer(),
                SpecificAvroSerde.forValues(StressPartial.class, registry).deserializer(), topics.stressPartials());
        topology.addProcessor(PROCESSOR, () -> new StressAggregator(journalPartitions, concentration), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SHARES), Serdes.String(),
                new PlainAvroSerde<>(StressPartial.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS), Serdes.String(),
                Serdes.Long()), PROCESSOR);
        topology.addSink(SINK, topics.stress(), new StringSerializer(),
                metrics.countingOutputs(SpecificAvroSerde.<StressResult, Object>forSink(StressResult.class, registry),
                        value -> (SpecificRecord) value), PROCESSOR);
        topology.addSink(ALERTS_SINK, topics.alerts(), new StringSerializer(),
                metrics.countingOutputs(SpecificAvroSerde.<Alert, Object>forSink(Alert.class, registry),
                        value -> (SpecificRecord) value), PROCESSOR);
    }
}
