package io.marginflow.pipeline;

import io.marginflow.app.MarginflowTopology;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.errors.FailureWatch;
import io.marginflow.errors.OutputLimits;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Alert;
import io.marginflow.schema.Checkpoint;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.StressResult;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.VolSurface;
import io.marginflow.serde.SpecificAvroSerde;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The whole Marginflow topology under TopologyTestDriver, with an in-memory schema registry:
 * publish inputs as the clearinghouse does, read every output topic.
 */
public final class PipelineDriver implements AutoCloseable {

    public final MarginflowConfig config;
    public final Topics topics;
    public final SchemaRegistry registry;
    private final String scope = "pipeline-" + UUID.randomUUID();
    private final TopologyTestDriver driver;
    private final Map<String, TestOutputTopic<String, ? extends SpecificRecord>> outputs = new HashMap<>();
    /** Failures the application retried (outages): none in a specification unless it says so. */
    public final FailureWatch failures = new FailureWatch(3);

    public PipelineDriver() {
        this(Map.of());
    }

    public PipelineDriver(Map<String, String> overrides) {
        this(overrides, 1);
    }

    /** The application with a stress aggregation that waits for {@code journalPartitions} shares of each run. */
    public PipelineDriver(Map<String, String> overrides, int journalPartitions) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "schema.registry.url", "mock://" + scope,
                "application.id", "marginflow-spec",
                "bootstrap.servers", "never-contacted:9092",
                // The driver has no fetch lag to wait for; with idling on, its mock clock would hold
                // a sequencer task with an empty input partition forever.
                "max.task.idle.ms", "0"));
        settings.putAll(overrides);
        config = MarginflowConfig.of(settings);
        topics = config.topics();
        registry = InMemorySchemaRegistry.scope(scope);
        OutputLimits limits = new OutputLimits(config.engine().maxOutputBytes());
        Properties properties = MarginflowTopology.properties(config, registry, failures, limits,
                MarginflowMetrics.none());
        driver = new TopologyTestDriver(MarginflowTopology.build(config, registry, limits, MarginflowMetrics.none(), journalPartitions),
                properties);
    }

    @SuppressWarnings("unchecked")
    public void publish(SpecificRecord record) {
        send(topicOf(record), keyOf(record), (Class<SpecificRecord>) record.getClass(), record);
    }

    /**
     * Publishes {@code record} under {@code key} with a generic writer that checks no decimal
     * precision ({@link LooseAvro}), stamped {@code timestamp}: as a careless producer might.
     */
    public void publishLoose(String key, SpecificRecord record, Instant timestamp) {
        publishBytes(topicOf(record), key, LooseAvro.wireFormat(registry, topicOf(record), record), timestamp);
    }

    /** {@link #publishLoose(String, SpecificRecord, Instant)} under the record's own key, stamped now. */
    public void publishLoose(SpecificRecord record) {
        publishLoose(keyOf(record), record, Instant.now());
    }

    /** Publishes raw bytes, as a misbehaving producer might. */
    public void publishBytes(String topic, String key, byte[] value) {
        publishBytes(topic, key, value, Instant.now());
    }

    public void publishBytes(String topic, String key, byte[] value, Instant timestamp) {
        driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()).pipeInput(key, value, timestamp);
    }

    /** The input topic a record of this kind is published on. */
    public String topicOf(SpecificRecord record) {
        if (record instanceof Fill) {
            return topics.fills();
        } else if (record instanceof CollateralMovement) {
            return topics.collateral();
        } else if (record instanceof PriceUpdate) {
            return topics.prices();
        } else if (record instanceof Instrument) {
            return topics.instruments();
        } else if (record instanceof RiskParameters) {
            return topics.parameters();
        } else if (record instanceof VolSurface) {
            return topics.volSurfaces();
        } else if (record instanceof MarketSnapshot) {
            return topics.snapshots();
        } else if (record instanceof ClockTick) {
            return topics.clock();
        } else if (record instanceof StressScenario) {
            return topics.stressScenarios();
        }
        throw new IllegalArgumentException("cannot publish " + record.getSchema().getName());
    }

    /** The key a clearinghouse publishes a record under: its account, instrument or underlying. */
    public static String keyOf(SpecificRecord record) {
        if (record instanceof Fill fill) {
            return fill.getAccount();
        } else if (record instanceof CollateralMovement movement) {
            return movement.getAccount();
        } else if (record instanceof PriceUpdate price) {
            return price.getInstrument();
        } else if (record instanceof Instrument instrument) {
            return instrument.getInstrumentId();
        } else if (record instanceof RiskParameters parameters) {
            return parameters.getUnderlying();
        } else if (record instanceof VolSurface surface) {
            return surface.getUnderlying();
        } else if (record instanceof MarketSnapshot snapshot) {
            return snapshot.getUnderlying();
        } else if (record instanceof ClockTick) {
            return "clock";
        } else if (record instanceof StressScenario scenario) {
            return scenario.getScenarioId();
        }
        throw new IllegalArgumentException("no key for " + record.getSchema().getName());
    }

    /** Publishes {@code record} under {@code key}, whatever the record says. */
    public <T extends SpecificRecord> void send(String topic, String key, Class<T> type, T record) {
        TestInputTopic<String, T> input = driver.createInputTopic(topic, new StringSerializer(),
                SpecificAvroSerde.forValues(type, registry).serializer());
        input.pipeInput(key, record);
    }

    /** Appends {@code entry} to the journal directly, as a replay of a journal partition does. */
    public void replay(JournalEntry entry, String key) {
        driver.createInputTopic(topics.journal(), new StringSerializer(),
                SpecificAvroSerde.forValues(JournalEntry.class, registry).serializer()).pipeInput(key, entry);
    }

    public List<JournalEntry> journal() {
        return read(topics.journal(), JournalEntry.class);
    }

    public List<MarginResult> margin() {
        return read(topics.margin(), MarginResult.class);
    }

    /** {@code risk.margin-latest} as a compacted topic reads: the last result per account since it was last read. */
    @SuppressWarnings("unchecked")
    public Map<String, MarginResult> marginLatest() {
        TestOutputTopic<String, MarginResult> output = (TestOutputTopic<String, MarginResult>) outputs.computeIfAbsent(
                topics.marginLatest(), t -> driver.createOutputTopic(t, new StringDeserializer(),
                        SpecificAvroSerde.forValues(MarginResult.class, registry).deserializer()));
        return output.readKeyValuesToMap();
    }

    public List<MarginCallEvent> marginCalls() {
        return read(topics.marginCalls(), MarginCallEvent.class);
    }

    public List<LiquidationSignal> liquidations() {
        return read(topics.liquidations(), LiquidationSignal.class);
    }

    public List<DeadLetter> deadLetters() {
        return read(topics.deadLetters(), DeadLetter.class);
    }

    public List<Checkpoint> checkpoints() {
        return read(topics.checkpoints(), Checkpoint.class);
    }

    public List<Alert> alerts() {
        return read(topics.alerts(), Alert.class);
    }

    public List<StressResult> stress() {
        return read(topics.stress(), StressResult.class);
    }

    /** The records that arrived on {@code topic} since it was last read. */
    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        TestOutputTopic<String, T> output = (TestOutputTopic<String, T>) outputs.computeIfAbsent(topic,
                t -> driver.createOutputTopic(t, new StringDeserializer(),
                        SpecificAvroSerde.forValues(type, registry).deserializer()));
        return output.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(scope);
    }
}
