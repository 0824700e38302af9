package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.config.Topics;
import io.marginflow.errors.OutputLimits;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.metrics.TimedProcessor;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Alert;
import io.marginflow.schema.Checkpoint;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.VolSurface;
import io.marginflow.serde.PlainAvroSerde;
import io.marginflow.serde.SpecificAvroSerde;
import io.marginflow.translation.DeadLetters;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The margin engine, read top to bottom: the journal → one processor per journal partition with
 * its RocksDB stores → margin results (also on the compacted latest-result topic), margin calls,
 * liquidation signals, dead letters, integrity checkpoints, alerts and each partition's share of
 * the stress runs.
 */
public final class MarginEngineTopology {

    public static final String SOURCE = "engine-journal";
    public static final String PROCESSOR = "margin-engine";
    static final String MARGIN_SINK = "engine-margin";
    static final String MARGIN_LATEST_SINK = "engine-margin-latest";
    static final String MARGIN_CALLS_SINK = "engine-margin-calls";
    static final String LIQUIDATIONS_SINK = "engine-liquidations";
    static final String DEAD_LETTERS_SINK = "engine-dead-letters";
    static final String CHECKPOINTS_SINK = "engine-checkpoints";
    static final String ALERTS_SINK = "engine-alerts";
    static final String STRESS_PARTIALS_SINK = "engine-stress-partials";

    /** Account ledgers, status and output-chain heads. */
    public static final String ACCOUNTS = "accounts";
    /** Instrument definitions, by id. */
    public static final String INSTRUMENTS = "instruments";
    /** Latest prices: {@code MARK:<instrument>} and {@code INDEX:<index>}. */
    public static final String PRICES = "prices";
    /** Risk parameters, by underlying. */
    public static final String PARAMETERS = "parameters";
    /** Latest implied-volatility surface, by underlying. */
    public static final String SURFACES = "vol-surfaces";
    /** {@code F:<fillId>} and {@code M:<movementId>} already applied, with the journal offset. */
    public static final String SEEN_IDS = "seen-ids";
    /** Each underlying's sampled index closes, by underlying (the statistical layer's input). */
    public static final String RETURN_HISTORIES = "return-histories";
    /** The partition's stream time ({@link EngineClock}). */
    public static final String CLOCK = "engine-clock";
    /** {@code <time> NUL <kind> NUL <id>}: call deadlines, held decisions, parked fills' waits ({@link EngineClock}). */
    public static final String TIMERS = "timers";
    /** Fills waiting for their instrument's definition, {@code <instrument> NUL <journal offset>} ({@link ParkedFills}). */
    public static final String PARKED_FILLS = "parked-fills";
    /** The partition's last integrity checkpoint ({@link Checkpoints}). */
    public static final String CHECKPOINTS = "checkpoints";
    /** The stress scenarios in force, by id ({@link StressRuns}). */
    public static final String STRESS_SCENARIOS = "stress-scenarios";

    private MarginEngineTopology() {}

    public static void addTo(Topology topology, Topics topics, SchemaRegistry registry, EngineSettings settings,
                             DeadLetters deadLetters, OutputLimits limits, MarginflowMetrics metrics) {
        topology.addSource(SOURCE, new StringDeserializer(),
                metrics.countingEntries(SpecificAvroSerde.forValues(JournalEntry.class, registry).deserializer()), topics.journal());
        Map<String, String> sinkTopics = sinkTopics(topics);
        topology.addProcessor(PROCESSOR, TimedProcessor.timed(() -> new MarginEngineProcessor(settings, deadLetters,
                sink -> limits.maxBytes(sinkTopics.get(sink))), metrics.entryTime()), SOURCE);
        storeValues().forEach((name, values) -> store(topology, name, values));
        topology.addSink(MARGIN_SINK, topics.margin(), new StringSerializer(),
                metrics.countingOutputs(OutputChain.serializer(MarginResult.class, registry), OutputChain::outputOf), PROCESSOR);
        // the latest-result topic carries a copy of each result on the margin topic: counted there
        topology.addSink(MARGIN_LATEST_SINK, topics.marginLatest(), new StringSerializer(),
                OutputChain.serializer(MarginResult.class, registry), PROCESSOR);
        topology.addSink(MARGIN_CALLS_SINK, topics.marginCalls(), new StringSerializer(),
                metrics.countingOutputs(OutputChain.serializer(MarginCallEvent.class, registry), OutputChain::outputOf),
                PROCESSOR);
        topology.addSink(LIQUIDATIONS_SINK, topics.liquidations(), new StringSerializer(),
                metrics.countingOutputs(OutputChain.serializer(LiquidationSignal.class, registry), OutputChain::outputOf),
                PROCESSOR);
        topology.addSink(DEAD_LETTERS_SINK, topics.deadLetters(), new StringSerializer(),
                metrics.countingOutputs(SpecificAvroSerde.<DeadLetter, Object>forSink(DeadLetter.class, registry),
                        value -> (SpecificRecord) value), PROCESSOR);
        topology.addSink(CHECKPOINTS_SINK, topics.checkpoints(), new StringSerializer(),
                SpecificAvroSerde.<Checkpoint, Object>forSink(Checkpoint.class, registry), PROCESSOR);
        topology.addSink(ALERTS_SINK, topics.alerts(), new StringSerializer(),
                metrics.countingOutputs(SpecificAvroSerde.<Alert, Object>forSink(Alert.class, registry),
                        value -> (SpecificRecord) value), PROCESSOR);
        topology.addSink(STRESS_PARTIALS_SINK, topics.stressPartials(), new StringSerializer(),
                SpecificAvroSerde.<StressPartial, Object>forSink(StressPartial.class, registry), PROCESSOR);
    }

    /** The topic of each of the engine's sinks. */
    static Map<String, String> sinkTopics(Topics topics) {
        return Map.of(MARGIN_SINK, topics.margin(), MARGIN_LATEST_SINK, topics.marginLatest(),
                MARGIN_CALLS_SINK, topics.marginCalls(), LIQUIDATIONS_SINK, topics.liquidations(),
                DEAD_LETTERS_SINK, topics.deadLetters(), CHECKPOINTS_SINK, topics.checkpoints(),
                ALERTS_SINK, topics.alerts(), STRESS_PARTIALS_SINK, topics.stressPartials());
    }

    /** The engine's stores (keyed by string) and the serde of each one's values. */
    static Map<String, Serde<?>> storeValues() {
        Map<String, Serde<?>> stores = new LinkedHashMap<>();
        stores.put(ACCOUNTS, new AccountRecordSerde());
        stores.put(INSTRUMENTS, new PlainAvroSerde<>(Instrument.class));
        stores.put(PRICES, Serdes.Double());
        stores.put(PARAMETERS, new PlainAvroSerde<>(RiskParameters.class));
        stores.put(SURFACES, new PlainAvroSerde<>(VolSurface.class));
        stores.put(SEEN_IDS, Serdes.Long());
        stores.put(RETURN_HISTORIES, new ReturnHistorySerde());
        stores.put(CLOCK, Serdes.Long());
        stores.put(TIMERS, Serdes.ByteArray());
        stores.put(PARKED_FILLS, new PlainAvroSerde<>(JournalEntry.class));
        stores.put(CHECKPOINTS, new PlainAvroSerde<>(Checkpoint.class));
        stores.put(STRESS_SCENARIOS, new PlainAvroSerde<>(StressScenario.class));
        return stores;
    }

    /**
     * A RocksDB store, changelogged, behind Kafka Streams' record cache: during a price tick's
     * fan-out, repeated writes to one key within a commit interval reach RocksDB and the
     * changelog once (exactly-once still holds: the cache is flushed before each commit).
     */
    private static <V> void store(Topology topology, String name, Serde<V> values) {
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
                .withCachingEnabled(), PROCESSOR);
    }

}
