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
import io.marginflow.schema.PriceUpdate;
import io.marginflow.serde.SpecificAvroSerde;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * End-to-end throughput on an embedded broker: the input topics are filled first, then each
 * application is started on them and timed from RUNNING until it has consumed everything.
 * Marginflow (sequencer, journal, engine, outputs) runs beside a one-stage pass-through Kafka
 * Streams app that counts records per key in RocksDB, with exactly-once, on the same broker and
 * data, in the same run. Not a test; run with {@code scripts/bench pipeline [accounts] [ticks]}.
 *
 * <p>The mix: each account deposits once and trades {@code FILLS_PER_ACCOUNT} times across BTC
 * and ETH perpetuals; {@code ticks} marks alternate between the two, each repricing every account
 * holding that underlying, and move in a random walk of ±{@code step} (relative) per tick. By
 * default the accounts' events are interleaved (a round of deposits, then rounds of one fill per
 * account), as many accounts trade at once; {@code blocked} puts each account's five events back to
 * back, which lets the pass-through's record cache fold them into one count.
 * Arguments: {@code [accounts] [ticks] [step] [stream threads] [commit interval ms] [max.task.idle.ms]
 * [interleaved|blocked]}, default 20000 100 0.001 2 100 1000 interleaved: threads and commit interval
 * (the exactly-once default) the same for both applications, the idle time (Marginflow's default)
 * for Marginflow. System properties {@code -Dmarginflow.KEY=VALUE} override Marginflow's configuration.
 */
public final class PipelineThroughput {

    private static final int FILLS_PER_ACCOUNT = 4;

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int ticks = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        double step = args.length > 2 ? Double.parseDouble(args[2]) : 0.001;
        String threads = args.length > 3 ? args[3] : "2";
        String commitInterval = args.length > 4 ? args[4] : "100";
        String maxTaskIdle = args.length > 5 ? args[5] : "1000";
        boolean interleaved = !(args.length > 6 && args[6].equals("blocked"));
        Path state = Files.createTempDirectory("marginflow-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, String> overrides = new TreeMap<>(Map.of(
                    "bootstrap.servers", kafka.bootstrapServers(),
                    "application.id", "marginflow-bench",
                    "schema.registry.url", "mock://marginflow-bench",
                    "topics.partitions", "3",
                    "num.stream.threads", threads,
                    "commit.interval.ms", commitInterval,
                    "max.task.idle.ms", maxTaskIdle,
                    "state.dir", state.resolve("marginflow").toString()));
            System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("marginflow."))
                    .forEach(name -> overrides.put(name.substring("marginflow.".length()), System.getProperty(name)));
            MarginflowConfig config = MarginflowConfig.of(overrides);
            Topics topics = config.topics();
            SchemaRegistry registry = InMemorySchemaRegistry.scope("marginflow-bench");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                TopicSetup.createMissing(admin, topics);
                long inputs = produce(kafka.bootstrapServers(), topics, registry, accounts, ticks, step, interleaved);
                System.out.printf("%,d input events: %,d accounts × (1 deposit + %d fills), %s, %,d marks"
                        + " (random walk, steps of ±%.2f%%), 2 instruments%n",
                        inputs, accounts, FILLS_PER_ACCOUNT,
                        interleaved ? "interleaved across accounts" : "each account's events back to back",
                        ticks, step * 100);

                System.out.println("stream threads per application: " + threads + ", commit interval: " + commitInterval
                        + " ms, Marginflow's max.task.idle.ms: " + maxTaskIdle);
                double passThrough = timeToConsume(admin, passThrough(kafka.bootstrapServers(), topics, state, threads, commitInterval),
                        "passthrough-bench", topics.inputs(), List.of());
                System.out.printf("pass-through (count per key in RocksDB, exactly-once): %.1f s, %,.0f events/s%n",
                        passThrough, inputs / passThrough);

                double marginflow = timeToConsume(admin, MarginflowApp.start(config, registry),
                        "marginflow-bench", topics.inputs(), List.of(topics.journal()));
                System.out.printf("Marginflow (sequencer → journal → engine → outputs, exactly-once): %.1f s, %,.0f events/s%n",
                        marginflow, inputs / marginflow);
                System.out.printf("ratio Marginflow / pass-through: %.2f%n", passThrough / marginflow);
            }
        } finally {
            try (var paths = Files.walk(state)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** Fills the input topics; returns the number of input events. */
    @SuppressWarnings("FutureReturnValueIgnored") // the callback keeps the first failure, reported once all are sent
    private static long produce(String bootstrap, Topics topics, SchemaRegistry registry, int accounts, int ticks,
                                double step, boolean interleaved) {
        var instruments = SpecificAvroSerde.forValues(Instrument.class, registry).serializer();
        var movements = SpecificAvroSerde.forValues(CollateralMovement.class, registry).serializer();
        var fills = SpecificAvroSerde.forValues(Fill.class, registry).serializer();
        var prices = SpecificAvroSerde.forValues(PriceUpdate.class, registry).serializer();
        long count = 0;
        Random random = new Random(7);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback failure = (metadata, exception) -> {
            if (exception != null) {
                failed.compareAndSet(null, exception);
            }
        };
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BATCH_SIZE_CONFIG, "262144"), new StringSerializer(), new ByteArraySerializer())) {
            for (String underlying : List.of("BTC", "ETH")) {
                Instrument perpetual = Inputs.perpetual(underlying + "-PERPETUAL", underlying);
                producer.send(record(topics.instruments(), perpetual.getInstrumentId(),
                        Inputs.T0.toEpochMilli(), instruments.serialize(topics.instruments(), perpetual)), failure);
                count++;
            }
            int tick = 0;
            double[] level = {5_000.0, 150.0};
            int eventsPerTick = Math.max(1, accounts * (1 + FILLS_PER_ACCOUNT) / Math.max(1, ticks));
            long event = 0;
            Random[] perAccount = new Random[accounts];
            for (int a = 0; a < accounts; a++) {
                perAccount[a] = new Random(7L * 1_000_003 + a);
            }
            // blocked: each account deposits and makes all its fills back to back; interleaved: a round
            // of deposits, then rounds of one fill per account, as many accounts trade concurrently.
            int rounds = 1 + FILLS_PER_ACCOUNT;
            for (long n = 0; n < (long) accounts * rounds; n++) {
                int a = (int) (interleaved ? n % accounts : n / rounds);
                int round = (int) (interleaved ? n / accounts : n % rounds);
                String account = String.format("ACC-%06d", a);
                if (round == 0) {
                    CollateralMovement deposit = Inputs.deposit(account + "-M", account, "USD", "100000");
                    producer.send(record(topics.collateral(), account, time(event++),
                            movements.serialize(topics.collateral(), deposit)), failure);
                    count++;
                    continue;
                }
                Random choices = perAccount[a];
                String instrument = choices.nextBoolean() ? "BTC-PERPETUAL" : "ETH-PERPETUAL";
                double price = instrument.startsWith("BTC") ? 5_000.0 : 150.0;
                Fill fill = Inputs.fill(account + "-F" + round, account, instrument,
                        (choices.nextBoolean() ? "" : "-") + (1 + choices.nextInt(5)), price);
                producer.send(record(topics.fills(), account, time(event++), fills.serialize(topics.fills(), fill)), failure);
                count++;
                if (event % eventsPerTick == 0 && tick < ticks) {
                    String underlying = tick % 2 == 0 ? "BTC" : "ETH";
                    level[tick % 2] *= 1 + (random.nextBoolean() ? step : -step);
                    PriceUpdate mark = Inputs.mark(underlying + "-PERPETUAL", level[tick % 2], 0);
                    producer.send(record(topics.prices(), mark.getInstrument(), time(event),
                            prices.serialize(topics.prices(), mark)), failure);
                    count++;
                    tick++;
                }
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException("the broker refused a benchmark record", failed.get());
        }
        return count;
    }

    private static long time(long event) {
        return Inputs.T0.toEpochMilli() + event;
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, long timestamp, byte[] value) {
        return new ProducerRecord<>(topic, null, timestamp, key, value);
    }

    /** The DESIGN.md yardstick: one stage, counting records per key in RocksDB, exactly-once. */
    private static KafkaStreams passThrough(String bootstrap, Topics topics, Path state, String threads,
                                            String commitInterval) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topics.inputs(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .groupByKey()
                .count(Materialized.as("counts"))
                .toStream()
                .to("passthrough.counts", Produced.with(Serdes.String(), Serdes.Long()));
        Properties properties = new Properties();
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "passthrough-bench");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(threads));
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.parseInt(commitInterval));
        properties.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve("passthrough").toString());
        KafkaStreams streams = new KafkaStreams(builder.build(), properties);
        streams.start();
        return streams;
    }

    /** CPU nanoseconds used so far by each group of threads (stream threads, broker, clients …). */
    private static Map<String, Long> cpuByThreadGroup() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                groups.merge(group(info.getThreadName()), cpu, Long::sum);
            }
        }
        return groups;
    }

    private static String group(String thread) {
        if (thread.contains("StreamThread") && thread.contains("producer")) {
            return "stream producers' network threads";
        }
        if (thread.contains("StreamThread")) {
            return "stream threads";
        }
        if (thread.contains("request-handler")) {
            return "broker request handlers";
        }
        if (thread.contains("network-thread") || thread.contains("SocketServer") || thread.contains("Acceptor")) {
            return "broker and client network threads";
        }
        return "other (controller, log, GC excluded)";
    }

    private static void printCpu(Map<String, Long> before, Map<String, Long> after, double seconds) {
        after.forEach((group, nanos) -> {
            double used = (nanos - before.getOrDefault(group, 0L)) / 1e9;
            if (used > 0.05) {
                System.out.printf("    %-40s %5.1f s CPU (%3.0f%% of one core)%n", group, used, 100 * used / seconds);
            }
        });
    }

    /** How the stream threads spent their time: polling, processing, committing (Kafka Streams' own metrics). */
    private static void printThreadRatios(KafkaStreams streams) {
        Map<String, Double> ratios = new TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && (name.name().endsWith("-ratio")
                    || name.name().equals("blocked-time-ns-total") || name.name().endsWith("-records-avg"))) {
                ratios.put(name.tags().get("thread-id").replaceAll(".*StreamThread", "thread") + " " + name.name(),
                        ((Number) metric.metricValue()).doubleValue());
            }
        });
        ratios.forEach((name, value) -> System.out.printf("    %-40s %.3f%n", name, value));
    }

    /** Seconds from RUNNING until {@code group} has consumed every record of the topics. */
    private static double timeToConsume(Admin admin, KafkaStreams streams, String group, List<String> inputs,
                                        List<String> transactionalTopics) throws Exception {
        try (streams) {
            while (streams.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            Map<String, Long> cpuBefore = cpuByThreadGroup();
            while (ConsumerGroupLag.of(admin, group, inputs, 0) > 0) {
                Thread.sleep(100);
            }
            double inputsConsumed = (System.nanoTime() - start) / 1e9;
            while (!transactionalTopics.isEmpty() && ConsumerGroupLag.of(admin, group, transactionalTopics, 1) > 0) {
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!transactionalTopics.isEmpty()) {
                System.out.printf("  %s: inputs consumed after %.1f s, %s after %.1f s%n", group, inputsConsumed,
                        transactionalTopics, seconds);
            }
            printThreadRatios(streams);
            System.out.println("  " + group + ", CPU by thread group:");
            printCpu(cpuBefore, cpuByThreadGroup(), seconds);
            return seconds;
        }
    }
}
