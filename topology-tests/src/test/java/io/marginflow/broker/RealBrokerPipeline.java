package io.marginflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.app.MarginflowApp;
import io.marginflow.app.TopicSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.errors.FailureWatch;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistries;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.serde.SpecificAvroDeserializer;
import io.marginflow.serde.SpecificAvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Marginflow on a real Kafka broker (in-process, KRaft) with every topic at 3 partitions and
 * exactly-once on, as the real-broker tests drive it: publish inputs as a clearinghouse does
 * (stamped with their event time) or as a misbehaving producer might (raw bytes, any
 * timestamp), read every output through a read_committed consumer, read the journal, and stop
 * and restart the application on the same state.
 */
final class RealBrokerPipeline implements AutoCloseable {

    final MarginflowConfig config;
    final Topics topics;
    final SchemaRegistry registry;
    final FailureWatch failures;
    /** Every output read so far, in the order read. */
    final List<SpecificRecord> seen = new ArrayList<>();
    private final String scope;
    private final Path stateDirectory;
    private final KafkaProducer<String, byte[]> producer;
    private final List<Future<RecordMetadata>> sent = new ArrayList<>();
    private final KafkaConsumer<String, byte[]> outputs;
    private KafkaStreams streams;

    private RealBrokerPipeline(String bootstrapServers, String name, Map<String, String> overrides) throws Exception {
        this.scope = name;
        this.stateDirectory = Files.createTempDirectory("marginflow-state-");
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", bootstrapServers,
                "application.id", name,
                "schema.registry.url", "mock://" + name,
                "topics.partitions", "3",
                "state.dir", stateDirectory.toString()));
        settings.putAll(overrides);
        config = MarginflowConfig.of(settings);
        topics = config.topics();
        registry = InMemorySchemaRegistry.scope(name);
        failures = new FailureWatch(config.monitoring().stuckAfterFailures());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            TopicSetup.createMissing(admin, topics);
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // large enough for the oversized records some tests publish on purpose
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "4194304"),
                new StringSerializer(), new ByteArraySerializer());
        outputs = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, name + "-liquidation-service",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<String> read = new ArrayList<>(topics.outputs());
        read.add(topics.stress());
        outputs.subscribe(read);
    }

    /**
     * The application {@code name} (its application id, registry scope and topic names unless
     * {@code overrides} say otherwise) on {@code kafka}, with its topics created; not started.
     */
    static RealBrokerPipeline on(EmbeddedKafka kafka, String name, Map<String, String> overrides) throws Exception {
        return on(kafka.bootstrapServers(), name, overrides);
    }

    /** The same on the broker at {@code bootstrapServers} (a broker in a JVM of its own, say). */
    static RealBrokerPipeline on(String bootstrapServers, String name, Map<String, String> overrides) throws Exception {
        return new RealBrokerPipeline(bootstrapServers, name, overrides);
    }

    /** Topic names under {@code prefix}, so that several applications share one broker. */
    static Map<String, String> topicsUnder(String prefix) {
        Map<String, String> names = new TreeMap<>();
        for (String topic : List.of("fills", "collateral", "prices", "vol-surfaces", "instruments", "parameters",
                "snapshots", "clock", "journal", "margin", "margin-latest", "margin-calls", "liquidations", "dead-letters",
                "checkpoints", "alerts", "stress-scenarios", "stress-partials", "stress")) {
            names.put("topic." + topic, prefix + "." + MarginflowConfig.of(Map.of()).get("topic." + topic));
        }
        return names;
    }

    /**
     * Starts the application and waits until it runs, with the registry client its configuration
     * names (by default the test's in-memory registry).
     */
    RealBrokerPipeline startApplication() throws InterruptedException {
        return startApplication(MarginflowMetrics.none());
    }

    /** Starts the application measured by {@code metrics} and waits until it runs. */
    RealBrokerPipeline startApplication(MarginflowMetrics metrics) throws InterruptedException {
        streams = MarginflowApp.start(config, SchemaRegistries.fromConfig(config.registryConfig()), failures, metrics);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        return this;
    }

    /** Stops the application as an operator would, leaving the group. */
    void stopApplication() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        streams = null;
    }

    /** Stops the application and starts it again on the same state. */
    void restartApplication() throws InterruptedException {
        stopApplication();
        startApplication();
    }

    KafkaStreams streams() {
        return streams;
    }

    /** Publishes {@code record} as a clearinghouse should: stamped with its event time. */
    void send(String topic, String key, SpecificRecord record) {
        sendAt(topic, key, record, InputRecords.eventTime(record));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void sendAt(String topic, String key, SpecificRecord record, Instant timestamp) {
        byte[] value = SpecificAvroSerde.forValues((Class) record.getClass(), registry).serializer().serialize(topic, record);
        sendBytes(topic, key, value, timestamp);
    }

    void sendBytes(String topic, String key, byte[] value, Instant timestamp) {
        sent.add(producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, value)));
    }

    /** Waits until the broker has every record sent so far, and fails the test if it refused one. */
    void flush() {
        producer.flush();
        for (Future<RecordMetadata> record : sent) {
            assertThat(record).succeedsWithin(Duration.ofSeconds(30));
        }
        sent.clear();
    }

    /** Polls the outputs into {@link #seen} until {@code done} holds, for at most {@code patience}. */
    void awaitOutputs(Predicate<List<SpecificRecord>> done, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!done.test(seen) && System.nanoTime() < deadline) {
            poll();
        }
        assertThat(done.test(seen)).as("expected outputs within %s; saw %s", patience, seen.size()).isTrue();
    }

    void awaitOutputs(Predicate<List<SpecificRecord>> done) {
        awaitOutputs(done, Duration.ofSeconds(60));
    }

    /** Keeps reading for a while longer, so that a duplicate would be seen. */
    void settle() {
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            poll();
        }
    }

    private void poll() {
        for (ConsumerRecord<String, byte[]> record : outputs.poll(Duration.ofMillis(200))) {
            seen.add(decode(record));
        }
    }

    private SpecificRecord decode(ConsumerRecord<String, byte[]> record) {
        Class<? extends SpecificRecord> type = record.topic().equals(topics.margin()) ? MarginResult.class
                : record.topic().equals(topics.marginCalls()) ? MarginCallEvent.class
                : record.topic().equals(topics.deadLetters()) ? DeadLetter.class
                : record.topic().equals(topics.alerts()) ? io.marginflow.schema.Alert.class
                : record.topic().equals(topics.stress()) ? io.marginflow.schema.StressResult.class
                : LiquidationSignal.class;
        return new SpecificAvroDeserializer<>(type, registry).deserialize(record.topic(), record.value());
    }

    /** The whole journal as it stands (read_committed), read until {@code done} holds, for at most a minute. */
    List<JournalEntry> awaitJournal(Predicate<List<JournalEntry>> done) {
        try (KafkaConsumer<String, byte[]> journal = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get("bootstrap.servers"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = journal.partitionsFor(topics.journal()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            journal.assign(partitions);
            journal.seekToBeginning(partitions);
            SpecificAvroDeserializer<JournalEntry> decoder = new SpecificAvroDeserializer<>(JournalEntry.class, registry);
            List<JournalEntry> entries = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!done.test(entries) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : journal.poll(Duration.ofMillis(200))) {
                    entries.add(decoder.deserialize(record.topic(), record.value()));
                }
            }
            assertThat(done.test(entries)).as("expected journal entries within a minute; read %s", entries.size()).isTrue();
            return entries;
        }
    }

    /** Reads the journal until {@code count} entries match. */
    void awaitJournalled(Predicate<JournalEntry> which, int count) {
        awaitJournal(entries -> entries.stream().filter(which).count() >= count);
    }

    static List<MarginResult> results(List<SpecificRecord> records, Predicate<MarginResult> which) {
        return records.stream().filter(MarginResult.class::isInstance).map(MarginResult.class::cast).filter(which).toList();
    }

    /** Each account's latest margin result. */
    static Map<String, MarginResult> latestResults(List<SpecificRecord> records) {
        Map<String, MarginResult> latest = new TreeMap<>();
        results(records, r -> true).forEach(result -> latest.merge(result.getAccount(), result,
                (a, b) -> a.getSequence() > b.getSequence() ? a : b));
        return latest;
    }

    static List<MarginCallEvent> calls(List<SpecificRecord> records) {
        return records.stream().filter(MarginCallEvent.class::isInstance).map(MarginCallEvent.class::cast).toList();
    }

    static List<DeadLetter> deadLetters(List<SpecificRecord> records) {
        return records.stream().filter(DeadLetter.class::isInstance).map(DeadLetter.class::cast).toList();
    }

    @Override
    public void close() throws IOException {
        outputs.close();
        producer.close();
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        InMemorySchemaRegistry.dropScope(scope);
        try (var paths = Files.walk(stateDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
