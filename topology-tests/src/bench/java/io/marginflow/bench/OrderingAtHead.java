package io.marginflow.bench;

import io.marginflow.app.MarginflowApp;
import io.marginflow.app.TopicSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.pipeline.Inputs;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.serde.SpecificAvroSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The ordering hazard the sequencer's {@code max.task.idle.ms} guards against, measured at the head
 * of the log: Marginflow runs caught up; each of {@code pairs} new accounts gets a deposit on
 * {@code clearing.collateral} and, {@code gap} milliseconds later (record timestamps and send
 * times), its first fill on {@code clearing.fills}, from one producer each as separate publishers
 * would; then the journal is read back and every fill journalled before its own deposit counted,
 * and the accounts called or liquidated (every one spurious: each account is funded twenty times over).
 * Run with each setting, e.g. {@code BENCH_JAVA_OPTS=-Dmarginflow.max.task.idle.ms=100 scripts/bench
 * ordering [pairs] [gap ms] [pairs/s]}, default 2000 2 100. Not a test.
 */
public final class OrderingAtHead {

    private OrderingAtHead() {}

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int gapMillis = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int pairsPerSecond = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Path state = Files.createTempDirectory("marginflow-ordering-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            MarginflowConfig config = BenchConfig.marginflow(kafka.bootstrapServers(), "marginflow-ordering", state, Map.of());
            Topics topics = config.topics();
            SchemaRegistry registry = InMemorySchemaRegistry.scope("marginflow-ordering");
            TopicSetup.createMissing(admin, topics);
            System.out.printf("max.task.idle.ms %s; %,d accounts, each a deposit then %d ms later its first fill,"
                    + " %d pairs a second, app caught up%n", config.get("max.task.idle.ms"), pairs, gapMillis, pairsPerSecond);
            try (KafkaStreams streams = MarginflowApp.start(config, registry);
                 KafkaProducer<String, byte[]> deposits = producer(kafka.bootstrapServers());
                 KafkaProducer<String, byte[]> fills = producer(kafka.bootstrapServers())) {
                while (streams.state() != KafkaStreams.State.RUNNING) {
                    Thread.sleep(20);
                }
                Serializer<SpecificRecord> instruments = SpecificAvroSerde.forSink(Instrument.class, registry);
                Serializer<SpecificRecord> prices = SpecificAvroSerde.forSink(PriceUpdate.class, registry);
                Serializer<SpecificRecord> movements = SpecificAvroSerde.forSink(CollateralMovement.class, registry);
                Serializer<SpecificRecord> fillValues = SpecificAvroSerde.forSink(Fill.class, registry);
                Instrument perpetual = Instrument.newBuilder(Inputs.perpetual("BTC-PERPETUAL", "BTC"))
                        .setEventTime(Instant.now()).build();
                send(deposits, topics.instruments(), "BTC-PERPETUAL", System.currentTimeMillis(),
                        instruments.serialize(topics.instruments(), perpetual));
                PriceUpdate mark = PriceUpdate.newBuilder(Inputs.mark("BTC-PERPETUAL", 5_000, 0))
                        .setEventTime(Instant.now()).build();
                send(deposits, topics.prices(), "BTC-PERPETUAL", System.currentTimeMillis(),
                        prices.serialize(topics.prices(), mark));
                deposits.flush();
                BenchConfig.awaitCaughtUp(admin, config, Duration.ofMinutes(5));
                Thread.sleep(2_000);
                long interval = 1_000_000_000L / pairsPerSecond;
                long start = System.nanoTime();
                for (int a = 0; a < pairs; a++) {
                    long due = start + a * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    String account = String.format("ORD-%06d", a);
                    long t = System.currentTimeMillis();
                    CollateralMovement deposit = CollateralMovement.newBuilder(
                            Inputs.deposit(account + "-M", account, "USD", "100000")).setEventTime(Instant.ofEpochMilli(t)).build();
                    send(deposits, topics.collateral(), account, t, movements.serialize(topics.collateral(), deposit));
                    LockSupport.parkNanos(gapMillis * 1_000_000L);
                    Fill fill = Fill.newBuilder(Inputs.fill(account + "-F1", account, "BTC-PERPETUAL", "1", 5_000))
                            .setEventTime(Instant.ofEpochMilli(t + gapMillis)).build();
                    send(fills, topics.fills(), account, t + gapMillis, fillValues.serialize(topics.fills(), fill));
                }
                deposits.flush();
                fills.flush();
                BenchConfig.awaitCaughtUp(admin, config, Duration.ofMinutes(5));
            }
            count(kafka.bootstrapServers(), topics, registry, pairs);
        } finally {
            try (var paths = Files.walk(state)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** Reads the journal and counts the fills journalled before their account's deposit. */
    private static void count(String bootstrap, Topics topics, SchemaRegistry registry, int pairs) {
        var entries = SpecificAvroSerde.forValues(JournalEntry.class, registry).deserializer();
        Set<String> deposited = new HashSet<>();
        List<String> early = new ArrayList<>();
        List<String> filled = new ArrayList<>();
        TopicTraffic.forEach(bootstrap, List.of(topics.journal()), record -> {
            Object payload = entries.deserialize(record.topic(), record.value()).getPayload();
            if (payload instanceof CollateralMovement movement) {
                deposited.add(movement.getAccount());
            } else if (payload instanceof Fill fill) {
                filled.add(fill.getAccount());
                if (!deposited.contains(fill.getAccount())) {
                    early.add(fill.getAccount());
                }
            }
        });
        System.out.printf("journalled: %,d deposits, %,d fills of %,d pairs; fills journalled before their deposit: %,d (%.2f%%)%s%n",
                deposited.size(), filled.size(), pairs, early.size(), 100.0 * early.size() / pairs,
                early.isEmpty() ? "" : ", e.g. " + early.subList(0, Math.min(5, early.size())));
        // Every account holds 100,000 USD against an IM of about 800: any call or liquidation is spurious.
        var calls = SpecificAvroSerde.forValues(MarginCallEvent.class, registry).deserializer();
        var liquidations = SpecificAvroSerde.forValues(LiquidationSignal.class, registry).deserializer();
        Set<String> called = new HashSet<>();
        Set<String> liquidated = new HashSet<>();
        TopicTraffic.forEach(bootstrap, List.of(topics.marginCalls(), topics.liquidations()), record -> {
            if (record.topic().equals(topics.marginCalls())) {
                called.add(calls.deserialize(record.topic(), record.value()).getAccount());
            } else {
                liquidated.add(liquidations.deserialize(record.topic(), record.value()).getAccount());
            }
        });
        System.out.printf("spurious signals (every account is funded): accounts called %,d, liquidated %,d%n",
                called.size(), liquidated.size());
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, "0"), new StringSerializer(), new ByteArraySerializer());
    }

    @SuppressWarnings("FutureReturnValueIgnored") // a refused record shows as a missing journal entry
    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, long timestamp, byte[] value) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value));
    }
}
