package io.marginflow.app;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.engine.MarginEngineTopology;
import io.marginflow.errors.DeadLetterSink;
import io.marginflow.errors.FailureWatch;
import io.marginflow.errors.OutputLimits;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.sequencer.SequencerTopology;
import io.marginflow.stress.StressAggregation;
import io.marginflow.translation.DeadLetters;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * The whole application: the sequencer feeding the journal, the margin engine reading it, and the
 * stress aggregation combining the engine tasks' shares of each stress run.
 */
public final class MarginflowTopology {

    private MarginflowTopology() {}

    /**
     * The Kafka Streams configuration to run the topology with: the configured properties, the
     * dead-letter topic (Kafka Streams' {@code errors.dead.letter.queue.topic.name}), and the
     * {@link DeadLetterSink} that Marginflow's exception handlers write dead letters through.
     */
    public static Properties properties(MarginflowConfig config, SchemaRegistry registry, FailureWatch watch,
                                        OutputLimits limits, MarginflowMetrics metrics) {
        Properties properties = config.streamsProperties();
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().deadLetters());
        properties.put(DeadLetterSink.CONFIG, new DeadLetterSink(config.topics().deadLetters(),
                new DeadLetters(config.deadLetterLimits()), registry, watch, limits, metrics));
        return properties;
    }

    /**
     * The topology; {@code limits} is shared with the exception handlers of
     * {@link #properties}, so that what the broker refuses is refused at the source next time, and
     * so is {@code metrics}. A stress run is complete with the shares of {@code journalPartitions}
     * partitions ({@link TopicSetup#journalPartitions}).
     */
    public static Topology build(MarginflowConfig config, SchemaRegistry registry, OutputLimits limits,
                                 MarginflowMetrics metrics, int journalPartitions) {
        Topology topology = new Topology();
        DeadLetters deadLetters = new DeadLetters(config.deadLetterLimits());
        SequencerTopology.addTo(topology, config.topics(), registry, config.inputBounds(), deadLetters, limits, metrics);
        MarginEngineTopology.addTo(topology, config.topics(), registry, config.engine(), deadLetters, limits, metrics);
        StressAggregation.addTo(topology, config.topics(), registry, journalPartitions, config.engine().concentration(),
                metrics);
        return topology;
    }
}
