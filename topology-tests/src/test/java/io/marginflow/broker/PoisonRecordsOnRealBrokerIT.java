package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.T0;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.parameters;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.errors.FailureWatch;
import io.marginflow.pipeline.LooseAvro;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.ExtremeMove;
import io.marginflow.schema.Fill;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SmilePoint;
import io.marginflow.schema.VolSmile;
import io.marginflow.schema.VolSurface;
import io.marginflow.sequencer.JournalPartitioner;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Poison records against a real broker, 3 partitions, exactly-once, with one stream thread and
 * with two: every case of the adversarial publisher's report (decimals beyond the journal's,
 * absurd prices, a 400 KB key, a reason quoting whole schemas, an output the broker refuses, a
 * journal entry nobody can read) and more (NaN and infinities, empty and huge lists, times at
 * the ends of a long, future and far-past event times, an account whose figures leave the
 * contract's range), interleaved with good accounts on every partition. Each bad record is
 * dead-lettered with its reason; every good account on every partition is margined; a sentinel
 * deposit per good account arrives within a bound; no stream thread fails or is replaced.
 * Then the one failure exactly-once cannot skip: a topic limit lowered while the application
 * runs costs one retried transaction, after which the engine refuses the output itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonRecordsOnRealBrokerIT {

    private static final Duration SENTINEL_BOUND = Duration.ofSeconds(60);
    private static final int WIDE_UNDERLYINGS = 24;

    private EmbeddedKafka kafka;

    @BeforeAll
    void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    void stopBroker() throws Exception {
        kafka.close();
    }

    @ParameterizedTest(name = "num.stream.threads={0}")
    @ValueSource(ints = {1, 2})
    void everyPoisonRecordIsDeadLetteredAndEveryPartitionKeepsMargining(int threads) throws Exception {
        String name = "poison-" + threads;
        Map<String, String> overrides = new TreeMap<>(RealBrokerPipeline.topicsUnder(name));
        overrides.put("num.stream.threads", Integer.toString(threads));
        try (RealBrokerPipeline pipeline = RealBrokerPipeline.on(kafka, name, overrides)) {
            var topics = pipeline.topics;
            // An operator lowered the margin topic's record limit: the broker refuses a result above 2,500 bytes.
            lowerRecordLimit(topics.margin());
            pipeline.startApplication();
            Set<String> threadNames = threadNames(pipeline);

            // The market: BTC, a HUGE underlying for one absurd account, and WIDE_UNDERLYINGS small ones.
            pipeline.send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
            pipeline.send(topics.instruments(), "HUGE-PERPETUAL", perpetual("HUGE-PERPETUAL", "HUGE"));
            for (int u = 0; u < WIDE_UNDERLYINGS; u++) {
                pipeline.send(topics.instruments(), wide(u), perpetual(wide(u), "U" + u));
            }
            pipeline.flush();
            pipeline.awaitJournalled(entry -> entry.getPayload() instanceof io.marginflow.schema.Instrument, 3 * (2 + WIDE_UNDERLYINGS));

            List<String> good = accountsOnEveryPartition("GOOD", 3);
            List<String> bad = accountsOnEveryPartition("BAD", 1);
            Map<String, Integer> expected = new TreeMap<>();
            for (int i = 0; i < good.size(); i++) {
                String account = good.get(i);
                pipeline.send(topics.collateral(), account, deposit(account + "-M", account, "USD", "10000"));
                pipeline.send(topics.fills(), account, fill(account + "-F", account, "BTC-PERPETUAL", "1", 5_000.0));
                // between the good records, a poison record on this account's partition
                poison(pipeline, bad.get(i % bad.size()), i, expected);
            }
            marketPoison(pipeline, expected);
            // ACC-HUGE (1e15 contracts at 0.001, worth 1e12: allowed at the door) is moved beyond the contract's range
            String huge = "ACC-HUGE";
            pipeline.send(topics.collateral(), huge, deposit(huge + "-M", huge, "USD", "1000000000000"));
            pipeline.send(topics.fills(), huge, fill(huge + "-F", huge, "HUGE-PERPETUAL", "1000000000000000", 0.001));
            pipeline.send(topics.prices(), "HUGE-PERPETUAL", mark("HUGE-PERPETUAL", 1e9, 5));
            count(expected, "ENGINE:OUT_OF_RANGE", 1);
            // ACC-WIDE trades every small underlying: its result outgrows the margin topic's 2,500 bytes
            tradeEverySmallUnderlying(pipeline, "ACC-WIDE");
            // somebody writes into the journal: no journal entry
            pipeline.sendBytes(topics.journal(), good.get(0), "written by someone else".getBytes(StandardCharsets.UTF_8),
                    Instant.now());
            count(expected, "ENGINE:NOT_WIRE_FORMAT", 1);
            // the sentinels: a deposit per good account after all of it
            for (String account : good) {
                pipeline.send(topics.collateral(), account, CollateralMovement.newBuilder(
                        deposit(account + "-SENTINEL", account, "USD", "1000")).setEventTime(T0.plusSeconds(600)).build());
            }
            pipeline.flush();

            // 10000 + 1000 USD, long 1 BTC at an unchanged 5000: equity 11000, IM 800
            pipeline.awaitOutputs(records -> good.stream().allMatch(account -> {
                MarginResult latest = RealBrokerPipeline.latestResults(records).get(account);
                return latest != null && latest.getEquity().compareTo(new BigDecimal("11000")) == 0;
            }), SENTINEL_BOUND);
            pipeline.awaitOutputs(records -> RealBrokerPipeline.deadLetters(records).size() >= total(expected)
                    && !tooLarge(records, "ACC-WIDE").isEmpty());
            pipeline.settle();

            List<DeadLetter> letters = RealBrokerPipeline.deadLetters(pipeline.seen);
            Map<String, Integer> seen = new TreeMap<>();
            letters.stream().filter(l -> !l.getErrorClass().equals("OUTPUT_TOO_LARGE"))
                    .forEach(l -> count(seen, l.getStage() + ":" + l.getErrorClass(), 1));
            assertThat(seen).as("dead letters by stage and class").isEqualTo(expected);
            assertThat(letters).allSatisfy(letter -> assertThat(letter.getReason()).hasSizeLessThanOrEqualTo(2_000));
            // the fills that would make ACC-WIDE's result too large for its topic: refused, none sent to fail
            assertThat(tooLarge(pipeline.seen, "ACC-WIDE")).allSatisfy(letter -> {
                assertThat(letter.getStage()).isEqualTo(RejectionStage.ENGINE);
                assertThat(letter.getSource().getTopic()).isEqualTo(topics.fills());
                assertThat(letter.getReason()).contains("MarginResult of ACC-WIDE", "more than its topic takes (2244 bytes");
            });
            assertThat(good).allSatisfy(account -> assertThat(RealBrokerPipeline.latestResults(pipeline.seen).get(account)
                    .getInitialMargin()).isEqualByComparingTo("800"));
            assertThat(RealBrokerPipeline.latestResults(pipeline.seen).get(good.get(0)).getCause().getJournalPartition())
                    .isEqualTo(JournalPartitioner.accountPartition(good.get(0), 3));
            assertThat(pipeline.failures.stuck()).as("no input was retried over and over").isEmpty();
            assertThat(threadNames(pipeline)).as("no stream thread failed and was replaced").isEqualTo(threadNames);
        }
    }

    @org.junit.jupiter.api.Test
    void aTopicLimitLoweredWhileRunningCostsOneRetriedTransactionThenTheOutputIsRefusedAtTheSource() throws Exception {
        String name = "lowered";
        Map<String, String> overrides = new TreeMap<>(RealBrokerPipeline.topicsUnder(name));
        overrides.put("num.stream.threads", "1");
        // A replaced stream thread's consumer does not leave the group (Kafka Streams keeps members on
        // close): its partitions wait for the session timeout, 45 s by default, the broker's least here.
        overrides.put("session.timeout.ms", "6000");
        try (RealBrokerPipeline pipeline = RealBrokerPipeline.on(kafka, name, overrides)) {
            var topics = pipeline.topics;
            pipeline.startApplication();
            pipeline.send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
            for (int u = 0; u < WIDE_UNDERLYINGS; u++) {
                pipeline.send(topics.instruments(), wide(u), perpetual(wide(u), "U" + u));
            }
            pipeline.flush();
            pipeline.awaitJournalled(entry -> entry.getPayload() instanceof io.marginflow.schema.Instrument, 3 * (1 + WIDE_UNDERLYINGS));
            // while it runs, an operator lowers the margin topic's record limit behind its back
            lowerRecordLimit(topics.margin());
            tradeEverySmallUnderlying(pipeline, "ACC-WIDE");
            List<String> good = accountsOnEveryPartition("GOOD", 1);
            for (String account : good) {
                pipeline.send(topics.collateral(), account, CollateralMovement.newBuilder(
                        deposit(account + "-SENTINEL", account, "USD", "1000")).setEventTime(T0.plusSeconds(600)).build());
            }
            pipeline.flush();

            pipeline.awaitOutputs(records -> RealBrokerPipeline.latestResults(records).keySet().containsAll(good)
                    && !tooLarge(records, "ACC-WIDE").isEmpty(), SENTINEL_BOUND);
            pipeline.settle();
            // the broker refused one result once; the task restarted and the engine refused it at the source
            Map<FailureWatch.Coordinates, Integer> failed = pipeline.failures.failedSoFar();
            assertThat(failed).hasSize(1).allSatisfy((at, times) -> {
                assertThat(at.topic()).isEqualTo(topics.journal());
                assertThat(times).isEqualTo(1);
            });
            assertThat(RealBrokerPipeline.results(pipeline.seen, r -> r.getAccount().equals("ACC-WIDE")))
                    .as("every published result of ACC-WIDE fits the topic").isNotEmpty();
        }
    }

    /**
     * Sets {@code topic}'s max.message.bytes to 2,500 and waits until the broker reports it: the
     * controller commits the change before the broker applies it, and an application that asked in
     * between would learn the old limit.
     */
    private void lowerRecordLimit(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "2500"), AlterConfigOp.OpType.SET)))).all().get();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (!"2500".equals(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("max.message.bytes")
                    .value())) {
                assertThat(System.nanoTime()).as("the broker applies the new limit within 30 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    /** {@code account} deposits, then buys one contract of every small underlying, one fill each. */
    private static void tradeEverySmallUnderlying(RealBrokerPipeline pipeline, String account) {
        pipeline.send(pipeline.topics.collateral(), account, deposit(account + "-M", account, "USD", "1000000"));
        for (int u = 0; u < WIDE_UNDERLYINGS; u++) {
            pipeline.send(pipeline.topics.fills(), account, fill(account + "-F" + u, account, wide(u), "1", 100.0));
        }
    }

    private static List<DeadLetter> tooLarge(List<SpecificRecord> records, String account) {
        return RealBrokerPipeline.deadLetters(records).stream().filter(l -> l.getErrorClass().equals("OUTPUT_TOO_LARGE")
                && new String(bytes(l.getOriginalKey()), StandardCharsets.UTF_8).equals(account)).toList();
    }

    /** One poison record of kind {@code i} (cycling through them all) on {@code account}'s partition. */
    private static void poison(RealBrokerPipeline pipeline, String account, int i, Map<String, Integer> expected) {
        var topics = pipeline.topics;
        Fill base = fill(account + "-P" + i, account, "BTC-PERPETUAL", "1", 5_000.0);
        Instant now = Instant.now();
        switch (i % 9) {
            case 0 -> loose(pipeline, account, Fill.newBuilder(base).setQuantity(new BigDecimal("1E30").setScale(18)).build(), now);
            case 1 -> loose(pipeline, account, CollateralMovement.newBuilder(deposit(account + "-P" + i, account, "USD", "1"))
                    .setAmount(new BigDecimal("1E30").setScale(18)).build(), now);
            case 2 -> pipeline.send(topics.fills(), account, Fill.newBuilder(base)
                    .setQuantity(new BigDecimal("99999999999999999999").setScale(18)).build());
            case 3 -> pipeline.send(topics.fills(), account, Fill.newBuilder(base).setPrice(1e300).build());
            case 4 -> loose(pipeline, account, Fill.newBuilder(base).setEventTime(Instant.ofEpochMilli(Long.MAX_VALUE)).build(), now);
            case 5 -> loose(pipeline, account, Fill.newBuilder(base).setEventTime(Instant.ofEpochMilli(Long.MIN_VALUE)).build(), now);
            case 6 -> loose(pipeline, account, Fill.newBuilder(base).setEventTime(now.plus(Duration.ofDays(1))).build(), now);
            case 7 -> loose(pipeline, account, Fill.newBuilder(base).setEventTime(Instant.parse("1990-01-01T00:00:00Z")).build(), now);
            default -> loose(pipeline, account, Fill.newBuilder(base).setPrice(Double.MIN_VALUE).build(), now);
        }
        count(expected, "SEQUENCER:OUT_OF_RANGE", 1);
    }

    /** Records that reach every partition, and the ones nobody routes: each refused once, at the door. */
    private static void marketPoison(RealBrokerPipeline pipeline, Map<String, Integer> expected) {
        var topics = pipeline.topics;
        Instant now = Instant.now();
        pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 1e300, 2));
        count(expected, "SEQUENCER:OUT_OF_RANGE", 1);
        pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", Double.NaN, 2));
        pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", Double.NEGATIVE_INFINITY, 2));
        count(expected, "SEQUENCER:INVALID_PRICE", 2);
        pipeline.send(topics.volSurfaces(), "BTC", surface(0, 3));
        pipeline.send(topics.volSurfaces(), "BTC", surface(1, 0));
        count(expected, "SEQUENCER:INVALID_SURFACE", 2);
        pipeline.send(topics.volSurfaces(), "BTC", surface(65, 3));
        pipeline.send(topics.parameters(), "BTC", RiskParameters.newBuilder(parameters("BTC", 2, 0.16, 9, 0.5))
                .setExtremeMoves(Collections.nCopies(10_000, new ExtremeMove(-0.5, 0.3))).build());
        count(expected, "SEQUENCER:TOO_LONG", 2);
        pipeline.send(topics.parameters(), "BTC", RiskParameters.newBuilder(parameters("BTC", 2, 0.16, 9, 0.5))
                .setPriceScanRange(Double.NaN).build());
        count(expected, "SEQUENCER:INVALID_PARAMETERS", 1);
        // a 400 KB key and a different 400 KB account: once a 2 MB dead letter that failed the task forever
        String key = "K".repeat(400_000);
        loose(pipeline, key, fill("F-LONG", "A".repeat(400_000), "BTC-PERPETUAL", "1", 5_000.0), now);
        count(expected, "SEQUENCER:TOO_LONG", 1);
        // a surface on the fills topic: the decoder's reason quotes both schemas, 137 KB of them at worst
        pipeline.sendBytes(topics.fills(), "ACC-X", LooseAvro.wireFormat(pipeline.registry, topics.volSurfaces(),
                surface(1, 3)), now);
        count(expected, "SEQUENCER:INCOMPATIBLE_WRITER_SCHEMA", 1);
        pipeline.sendBytes(topics.fills(), "ACC-X", new byte[] {0, 0, 0, 0x30, 0x39, 2}, now);
        count(expected, "SEQUENCER:UNKNOWN_SCHEMA_ID", 1);
    }

    private static void loose(RealBrokerPipeline pipeline, String key, SpecificRecord record, Instant timestamp) {
        String topic = record instanceof Fill ? pipeline.topics.fills() : pipeline.topics.collateral();
        pipeline.sendBytes(topic, key, LooseAvro.wireFormat(pipeline.registry, topic, record), timestamp);
    }

    private static VolSurface surface(int smiles, int points) {
        List<VolSmile> list = new ArrayList<>();
        for (int s = 0; s < smiles; s++) {
            List<SmilePoint> smile = IntStream.range(0, points).mapToObj(p -> new SmilePoint(4_000.0 + 500.0 * p, 0.8)).toList();
            list.add(VolSmile.newBuilder().setExpiry(T0.plus(Duration.ofDays(30 + s))).setForward(5_000.0)
                    .setPoints(new ArrayList<>(smile)).build());
        }
        return VolSurface.newBuilder().setUnderlying("BTC").setEventTime(T0.plusSeconds(90)).setSmiles(list).build();
    }

    /** {@code perPartition} accounts named {@code prefix-NN} on each of the 3 partitions, in partition order. */
    private static List<String> accountsOnEveryPartition(String prefix, int perPartition) {
        Map<Integer, List<String>> byPartition = IntStream.range(0, 200).mapToObj(i -> String.format("%s-%02d", prefix, i))
                .collect(Collectors.groupingBy(a -> JournalPartitioner.accountPartition(a, 3), TreeMap::new, Collectors.toList()));
        List<String> accounts = new ArrayList<>();
        for (int n = 0; n < perPartition; n++) {
            for (List<String> onPartition : byPartition.values()) {
                accounts.add(onPartition.get(n));
            }
        }
        return accounts;
    }

    private static String wide(int u) {
        return "U" + u + "-PERPETUAL";
    }

    private static Set<String> threadNames(RealBrokerPipeline pipeline) {
        return pipeline.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadName)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static void count(Map<String, Integer> counts, String what, int n) {
        counts.merge(what, n, Integer::sum);
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
