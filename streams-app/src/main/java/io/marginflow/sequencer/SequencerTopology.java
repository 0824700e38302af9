package io.marginflow.sequencer;

import io.marginflow.config.InputBounds;
import io.marginflow.config.Topics;
import io.marginflow.errors.OutputLimits;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.JournalEntry;
import io.marginflow.serde.SpecificAvroSerde;
import io.marginflow.translation.DeadLetters;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * The sequencer, read top to bottom: the six input topics as raw bytes → decode and validate →
 * the journal (account events to the account's partition, market events to every partition),
 * or the dead letters.
 *
 * <p>All six topics feed one source on purpose: each task then merges its partitions of every
 * input in event-time order ({@code max.task.idle.ms}), so a fill is journalled among the prices
 * of its time, also when a backlog is replayed. Splitting market topics into their own
 * sub-topologies ran faster but journalled days of prices ahead of the fills they postdate
 * (BENCHMARKS.md).
 */
public final class SequencerTopology {

    public static final String SOURCE = "sequencer-inputs";
    public static final String PROCESSOR = "sequencer";
    public static final String JOURNAL_SINK = "sequencer-journal";
    public static final String DEAD_LETTER_SINK = "sequencer-dead-letters";

    private SequencerTopology() {}

    public static void addTo(Topology topology, Topics topics, SchemaRegistry registry, InputBounds bounds,
                             DeadLetters deadLetters, OutputLimits limits, MarginflowMetrics metrics) {
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.inputs().toArray(String[]::new));
        topology.addProcessor(PROCESSOR, () -> new SequencerProcessor(topics, registry, bounds, deadLetters,
                () -> limits.maxBytes(topics.journal())), SOURCE);
        topology.addSink(JOURNAL_SINK, topics.journal(), new StringSerializer(),
                SpecificAvroSerde.forValues(JournalEntry.class, registry).serializer(),
                new JournalPartitioner(), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new StringSerializer(),
                metrics.countingOutputs(SpecificAvroSerde.forSink(DeadLetter.class, registry)), PROCESSOR);
    }

}
