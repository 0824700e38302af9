package io.marginflow.bench;

import io.marginflow.app.MarginflowApp;
import io.marginflow.app.TopicSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.embedded.ConsumerGroupLag;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.pipeline.Inputs;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.serde.SpecificAvroSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Latency at the head of the log: Marginflow runs caught up on an embedded broker while input
 * events arrive at a fixed rate, stamped with the wall clock as they are sent; a read_committed
 * consumer of {@code risk.margin} measures, for every margin result, from its input record's
 * timestamp (the result's {@code cause.source.timestamp}) to (a) the result's append time (the
 * bench sets {@code message.timestamp.type=LogAppendTime} on the topic) and (b) the moment the
 * consumer sees it (after the transaction commits). It also says whether the rate was sustained:
 * the backlog left on the inputs and the journal when the load stops.
 *
 * <p>The load: {@code accounts} accounts deposit first (not measured); then fills on accounts
 * chosen at random, and every {@code events per mark}th event a mark alternating between the BTC
 * and ETH perpetuals (±0.1% random walk), which reprices every account holding it. Not a test;
 * {@code scripts/bench latency [events/s] [seconds] [accounts] [commit interval ms] [events per mark]},
 * default 1000 60 10000 50 200 (the pipeline benchmark's mix has one mark per 5,000 events).
 * System properties {@code -Dmarginflow.KEY=VALUE} override Marginflow's configuration.
 */
public final class LatencyAtHead {

    private LatencyAtHead() {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int accounts = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        String commitInterval = args.length > 3 ? args[3] : "50"; // Marginflow's default
        int eventsPerMark = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        Path state = Files.createTempDirectory("marginflow-latency-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            MarginflowConfig config = BenchConfig.marginflow(kafka.bootstrapServers(), "marginflow-latency", state,
                    Map.of("commit.interval.ms", commitInterval));
            Topics topics = config.topics();
            SchemaRegistry registry = InMemorySchemaRegistry.scope("marginflow-latency");
            TopicSetup.createMissing(admin, topics);
            ConfigResource margin = new ConfigResource(ConfigResource.Type.TOPIC, topics.margin());
            admin.incrementalAlterConfigs(Map.of(margin, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"),
                    AlterConfigOp.OpType.SET)))).all().get();
            while (!"LogAppendTime".equals(TopicSetup.config(admin, topics.margin())
                    .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value())) {
                Thread.sleep(100);
            }
            System.out.printf("Marginflow, commit interval %s ms, %,d accounts; load %,d events/s for %d s, one mark every %d"
                    + " events%n", commitInterval, accounts, rate, seconds, eventsPerMark);
            try (KafkaStreams streams = MarginflowApp.start(config, registry);
                 Load load = new Load(kafka.bootstrapServers(), topics, registry, eventsPerMark)) {
                while (streams.state() != KafkaStreams.State.RUNNING) {
                    Thread.sleep(20);
                }
                load.open(accounts);
                BenchConfig.awaitCaughtUp(admin, config, Duration.ofMinutes(5));
                Results results = new Results(seconds * (long) rate * 2 + 1_000_000);
                Results journalled = new Results(seconds * (long) rate * 2 + 1_000_000);
                AtomicBoolean consuming = new AtomicBoolean(true);
                var decoder = SpecificAvroSerde.forValues(MarginResult.class, registry).deserializer();
                Thread consumer = new Thread(() -> consume(kafka.bootstrapServers(), topics.margin(), results, consuming,
                        record -> decoder.deserialize(record.topic(), record.value()).getCause().getSource().getTimestamp()
                                .toEpochMilli()), "latency-consumer");
                // a journal entry's timestamp is its input's: how long the first hop (the sequencer) takes
                Thread journal = new Thread(() -> consume(kafka.bootstrapServers(), topics.journal(), journalled, consuming,
                        ConsumerRecord::timestamp), "journal-consumer");
                consumer.start();
                journal.start();
                Thread.sleep(2_000); // the consumer is at the end of the topic before the load starts
                long sent = load.run(rate, seconds, accounts);
                long backlog = ConsumerGroupLag.of(admin, config.get("application.id"), topics.inputs(), 0)
                        + ConsumerGroupLag.of(admin, config.get("application.id"), List.of(topics.journal()), 1);
                System.out.printf("sent %,d events in %d s; backlog when the load stopped: %,d records (inputs and journal)%n",
                        sent, seconds, backlog);
                BenchConfig.awaitCaughtUp(admin, config, Duration.ofMinutes(5));
                Thread.sleep(2_000);
                consuming.set(false);
                consumer.join();
                journal.join();
                System.out.printf("first hop: input timestamp → journal entry seen by a read_committed consumer: %s%n",
                        journalled.summary());
                results.print();
            }
        } finally {
            try (var paths = Files.walk(state)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** Reads {@code topic} from its end, read_committed, adding each record's latencies from its input's timestamp. */
    private static void consume(String bootstrap, String topic, Results results, AtomicBoolean consuming,
                                ToLongFunction<ConsumerRecord<String, byte[]>> inputTimestamp) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (consuming.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    long seen = System.currentTimeMillis();
                    long input = inputTimestamp.applyAsLong(record);
                    results.add(input, record.timestamp() - input, seen - input);
                }
            }
        }
    }

    /** Latencies of the margin results seen, in milliseconds. */
    private static final class Results {
        private static final long WINDOW_MILLIS = 10_000;
        private final long[] inputs;
        private final long[] appended;
        private final long[] seen;
        private int count;

        Results(long capacity) {
            inputs = new long[(int) Math.min(capacity, 50_000_000)];
            appended = new long[inputs.length];
            seen = new long[inputs.length];
        }

        void add(long input, long toAppend, long toSeen) {
            if (count < inputs.length) {
                inputs[count] = input;
                appended[count] = toAppend;
                seen[count++] = toSeen;
            }
        }

        void print() {
            System.out.printf("%,d margin results measured%n", count);
            print("input timestamp → result appended", Arrays.copyOf(appended, count));
            print("input timestamp → result seen by a read_committed consumer", Arrays.copyOf(seen, count));
            if (count == 0) {
                return;
            }
            long first = Arrays.stream(inputs, 0, count).min().orElseThrow();
            Map<Long, List<Long>> windows = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                windows.computeIfAbsent((inputs[i] - first) / WINDOW_MILLIS, w -> new java.util.ArrayList<>()).add(seen[i]);
            }
            System.out.println("seen by the consumer, by when the input was sent:");
            windows.forEach((window, latencies) -> print(String.format("  %3d–%3d s", window * WINDOW_MILLIS / 1000,
                    (window + 1) * WINDOW_MILLIS / 1000), latencies.stream().mapToLong(Long::longValue).toArray()));
        }

        /** The percentiles of the latencies seen in the last half of the run (the JIT's first seconds left out). */
        String summary() {
            if (count == 0) {
                return "no records";
            }
            long first = Arrays.stream(inputs, 0, count).min().orElseThrow();
            long last = Arrays.stream(inputs, 0, count).max().orElseThrow();
            long[] late = java.util.stream.IntStream.range(0, count).filter(i -> inputs[i] >= (first + last) / 2)
                    .mapToLong(i -> seen[i]).sorted().toArray();
            return String.format("last half of the run: %,d records  p50 %d ms  p90 %d ms  p99 %d ms  max %d ms", late.length,
                    percentile(late, 0.50), percentile(late, 0.90), percentile(late, 0.99), late[late.length - 1]);
        }

        private static void print(String what, long[] millis) {
            if (millis.length == 0) {
                System.out.println(what + ": no results");
                return;
            }
            Arrays.sort(millis);
            System.out.printf("%-60s %,8d results  p50 %5d ms  p90 %5d ms  p99 %5d ms  max %5d ms%n", what,
                    millis.length, percentile(millis, 0.50), percentile(millis, 0.90), percentile(millis, 0.99), millis[millis.length - 1]);
        }

        private static long percentile(long[] sorted, double p) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
        }
    }

    /** Publishes the load, each record stamped with the wall clock as it is sent. */
    private static final class Load implements AutoCloseable {
        private final Topics topics;
        private final KafkaProducer<String, byte[]> producer;
        private final org.apache.kafka.common.serialization.Serializer<Instrument> instruments;
        private final org.apache.kafka.common.serialization.Serializer<CollateralMovement> movements;
        private final org.apache.kafka.common.serialization.Serializer<Fill> fills;
        private final org.apache.kafka.common.serialization.Serializer<PriceUpdate> prices;
        private final Random random = new Random(7);
        private final double[] level = {5_000.0, 150.0};
        private final int eventsPerMark;

        Load(String bootstrap, Topics topics, SchemaRegistry registry, int eventsPerMark) {
            this.topics = topics;
            this.eventsPerMark = eventsPerMark;
            this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.LINGER_MS_CONFIG, "0"), new StringSerializer(), new ByteArraySerializer());
            this.instruments = SpecificAvroSerde.forValues(Instrument.class, registry).serializer();
            this.movements = SpecificAvroSerde.forValues(CollateralMovement.class, registry).serializer();
            this.fills = SpecificAvroSerde.forValues(Fill.class, registry).serializer();
            this.prices = SpecificAvroSerde.forValues(PriceUpdate.class, registry).serializer();
        }

        /** The instruments, a mark for each, and a deposit for every account. */
        void open(int accounts) {
            for (String underlying : List.of("BTC", "ETH")) {
                Instrument perpetual = Instrument.newBuilder(Inputs.perpetual(underlying + "-PERPETUAL", underlying))
                        .setEventTime(Instant.now()).build();
                send(topics.instruments(), perpetual.getInstrumentId(), instruments.serialize(topics.instruments(), perpetual));
            }
            mark(0);
            mark(1);
            for (int a = 0; a < accounts; a++) {
                CollateralMovement deposit = CollateralMovement.newBuilder(
                        Inputs.deposit(account(a) + "-M", account(a), "USD", "100000")).setEventTime(Instant.now()).build();
                send(topics.collateral(), account(a), movements.serialize(topics.collateral(), deposit));
            }
            producer.flush();
        }

        /** {@code rate} events a second, evenly spaced, for {@code seconds}; returns how many were sent. */
        long run(int rate, int seconds, int accounts) {
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long events = (long) rate * seconds;
            for (long n = 0; n < events; n++) {
                long due = start + n * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (n % eventsPerMark == eventsPerMark - 1) {
                    mark((int) (n / eventsPerMark % 2));
                    continue;
                }
                int a = random.nextInt(accounts);
                boolean btc = random.nextBoolean();
                Fill fill = Fill.newBuilder(Inputs.fill(account(a) + "-F" + n, account(a),
                        btc ? "BTC-PERPETUAL" : "ETH-PERPETUAL", (random.nextBoolean() ? "" : "-") + (1 + random.nextInt(5)),
                        level[btc ? 0 : 1])).setEventTime(Instant.now()).build();
                send(topics.fills(), account(a), fills.serialize(topics.fills(), fill));
            }
            producer.flush();
            return events;
        }

        private void mark(int which) {
            level[which] *= 1 + (random.nextBoolean() ? 0.001 : -0.001);
            PriceUpdate mark = PriceUpdate.newBuilder(Inputs.mark(which == 0 ? "BTC-PERPETUAL" : "ETH-PERPETUAL",
                    level[which], 0)).setEventTime(Instant.now()).build();
            send(topics.prices(), mark.getInstrument(), prices.serialize(topics.prices(), mark));
        }

        @SuppressWarnings("FutureReturnValueIgnored") // a refused record shows as a missing result
        private void send(String topic, String key, byte[] value) {
            producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), key, value));
        }

        private static String account(int a) {
            return String.format("ACC-%06d", a);
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
