package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.index;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.option;
import static io.marginflow.pipeline.Inputs.optionParameters;
import static io.marginflow.pipeline.Inputs.perpetual;
import static io.marginflow.pipeline.Inputs.settlement;
import static io.marginflow.pipeline.Inputs.surface;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.app.HistorySeeder;
import io.marginflow.app.MarginflowApp;
import io.marginflow.app.MarginflowConfig;
import io.marginflow.app.Topics;
import io.marginflow.app.TopicSetup;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Fill;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.VolSurface;
import io.marginflow.pipeline.Inputs;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.sequencer.JournalPartitioner;
import io.marginflow.serde.SpecificAvroDeserializer;
import io.marginflow.serde.SpecificAvroSerde;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline on a real Kafka broker with every topic at 3 partitions, exactly-once on:
 * accounts spread over the partitions, one price tick repricing accounts on every partition,
 * margin calls arriving exactly once through a read_committed consumer, a bad record
 * dead-lettered while the good ones around it are processed, and state surviving a restart;
 * then option writers on every partition called by a surface update alone, and settled out of
 * their positions at expiry after another restart. The cases build on each other in order, as a
 * day at a clearinghouse does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineOnRealBrokerTest {

    private static final int ACCOUNTS = 30;
    private static final String SCOPE = "pipeline-on-real-broker";

    private EmbeddedKafka kafka;
    private Path stateDirectory;
    private MarginflowConfig config;
    private Topics topics;
    private SchemaRegistry registry;
    private KafkaStreams streams;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> outputs;
    private final List<SpecificRecord> seen = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.start();
        stateDirectory = Files.createTempDirectory("marginflow-state-");
        config = MarginflowConfig.of(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "application.id", "marginflow-real-broker-test",
                "schema.registry.url", "mock://" + SCOPE,
                "topics.partitions", "3",
                "state.dir", stateDirectory.toString(),
                // A short return history, so that order 6 can seed one in a few dozen prices.
                "engine.history.length", "60",
                "engine.history.min-returns", "20"));
        topics = config.topics();
        registry = InMemorySchemaRegistry.scope(SCOPE);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicSetup.createMissing(admin, topics);
        }
        streams = startApplication();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        outputs = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "liquidation-service",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        outputs.subscribe(topics.outputs());
    }

    @AfterAll
    void stop() throws Exception {
        outputs.close();
        producer.close();
        streams.close(Duration.ofSeconds(30));
        kafka.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
        try (var paths = Files.walk(stateDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void accountsSpreadOverEveryPartitionAndABadRecordAmongThemIsDeadLettered() {
        assertThat(accounts().stream().map(a -> JournalPartitioner.accountPartition(a, 3)).collect(Collectors.toSet()))
                .as("the accounts land on every journal partition").containsExactlyInAnyOrder(0, 1, 2);
        send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
        for (String account : accounts()) {
            // 1000 USD, long 1 BTC @ 5000: IM 800, MM 400, normal
            send(topics.collateral(), account, deposit(account + "-M", account, "USD", "1000"));
            send(topics.fills(), account, fill(account + "-F", account, "BTC-PERPETUAL", "1", 5_000.0));
            if (account.equals("ACC-15")) {
                producer.send(new ProducerRecord<>(topics.fills(), "ACC-15", "not avro".getBytes(StandardCharsets.UTF_8)));
            }
        }
        producer.flush();

        // Deposits and fills travel on different topics, so the sequencer may journal an account's fill
        // before its deposit (a transient liquidation); what counts is where every account ends up.
        awaitOutputs(records -> latestResults(records).values().stream().filter(PipelineOnRealBrokerTest::fundedAndMargined)
                .count() == ACCOUNTS && !deadLetters(records).isEmpty());

        assertThat(deadLetters(seen)).singleElement().satisfies(letter -> {
            assertThat(letter.getErrorClass()).isEqualTo("NOT_WIRE_FORMAT");
            assertThat(letter.getSource().getTopic()).isEqualTo(topics.fills());
        });
        assertThat(latestResults(seen)).containsOnlyKeys(accounts())
                .allSatisfy((account, result) -> assertThat(fundedAndMargined(result)).isTrue());
    }

    /** 1000 USD and long 1 BTC at 5000: equity 1000, IM 800, normal. */
    private static boolean fundedAndMargined(MarginResult result) {
        return result.getEquity().compareTo(new BigDecimal("1000")) == 0
                && result.getInitialMargin().compareTo(new BigDecimal("800")) == 0
                && result.getStatus() == MarginStatus.NORMAL;
    }

    private static Map<String, MarginResult> latestResults(List<SpecificRecord> records) {
        Map<String, MarginResult> latest = new TreeMap<>();
        results(records, r -> true).forEach(result -> latest.merge(result.getAccount(), result,
                (a, b) -> a.getSequence() > b.getSequence() ? a : b));
        return latest;
    }

    @Test
    @Order(2)
    void onePriceTickRepricesAccountsOnEveryPartitionAndEachCallArrivesExactlyOnce() {
        seen.clear();
        // 4750: equity 750 < IM 760 and ≥ MM 380 → a margin call for every account
        send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 4_750.0, 10));
        producer.flush();

        awaitOutputs(records -> calls(records).size() >= ACCOUNTS);
        settle();

        List<MarginCallEvent> calls = calls(seen);
        assertThat(calls).hasSize(ACCOUNTS).allSatisfy(call ->
                assertThat(call.getTransition()).isEqualTo(MarginCallTransition.ISSUED));
        assertThat(calls).extracting(MarginCallEvent::getAccount).containsExactlyInAnyOrderElementsOf(accounts());
        assertThat(calls.stream().map(call -> call.getCause().getJournalPartition()).collect(Collectors.toSet()))
                .as("the tick was journalled to, and acted on in, every partition").containsExactlyInAnyOrder(0, 1, 2);
        assertThat(calls).allSatisfy(call -> assertThat(call.getCause().getSource().getTopic()).isEqualTo(topics.prices()));
    }

    @Test
    @Order(3)
    void aRestartedApplicationRemembersEveryAccountAndRepeatsNothing() throws Exception {
        seen.clear();
        restartApplication();

        // 5000: equity 1000 ≥ IM 800 → every call met, exactly once, after the restart
        send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 5_000.0, 20));
        producer.flush();

        awaitOutputs(records -> calls(records).size() >= ACCOUNTS);
        settle();

        assertThat(calls(seen)).hasSize(ACCOUNTS).allSatisfy(call ->
                assertThat(call.getTransition()).isEqualTo(MarginCallTransition.MET));
        assertThat(calls(seen)).extracting(MarginCallEvent::getCallId)
                .containsExactlyInAnyOrderElementsOf(accounts().stream().map(a -> a + "-CALL-1").toList());
    }

    private static final Instant ETH_EXPIRY = Inputs.T0.plus(Duration.ofDays(30));
    private static final double[] ETH_STRIKES = {1_600, 2_000, 2_400};

    @Test
    @Order(4)
    void aSurfaceUpdateAloneCallsTheOptionWritersOnEveryPartition() {
        seen.clear();
        send(topics.parameters(), "ETH", optionParameters("ETH", 0.16, 9, 0.3, 0.2, 0.0));
        send(topics.instruments(), "ETH-30D-2000-C", option("ETH-30D-2000-C", "ETH", OptionType.CALL, 2_000, ETH_EXPIRY));
        send(topics.prices(), "ETH", index("ETH", 2_000.0, 30));
        send(topics.volSurfaces(), "ETH", surface("ETH", 31, ETH_EXPIRY, 2_000.0, ETH_STRIKES, new double[] {0.6, 0.6, 0.6}));
        producer.flush();
        // Market data and fills are sequenced by different tasks; like the demo, wait until the surface
        // is in every journal partition, so that no writer's fill is journalled before ETH has a price.
        awaitJournalled(entry -> entry.getPayload() instanceof VolSurface, 3);
        for (String writer : writers()) {
            // 320 USD and short one 30-day at-the-money call at its value (~137 at vol 0.6): IM ~256, normal.
            send(topics.collateral(), writer, CollateralMovement.newBuilder(deposit(writer + "-M", writer, "USD", "320"))
                    .setEventTime(Inputs.T0.plusSeconds(32 * 60)).build());
            send(topics.fills(), writer, Fill.newBuilder(fill(writer + "-F", writer, "ETH-30D-2000-C", "-1", 137.0))
                    .setEventTime(Inputs.T0.plusSeconds(33 * 60)).build());
        }
        producer.flush();
        awaitOutputs(records -> latestResults(records).keySet().containsAll(writers())
                && writers().stream().allMatch(w -> latestResults(records).get(w).getInitialMargin().signum() > 0));
        assertThat(writers()).allSatisfy(w -> assertThat(latestResults(seen).get(w).getStatus()).isEqualTo(MarginStatus.NORMAL));
        seen.clear();

        // Vol doubles: the call is worth ~273, equity ~184 < IM ~290 → a call for every writer, none for anyone else.
        send(topics.volSurfaces(), "ETH", surface("ETH", 40, ETH_EXPIRY, 2_000.0, ETH_STRIKES, new double[] {1.2, 1.2, 1.2}));
        producer.flush();
        awaitOutputs(records -> calls(records).size() >= WRITERS);
        settle();

        assertThat(calls(seen)).hasSize(WRITERS).allSatisfy(call -> {
            assertThat(call.getTransition()).isEqualTo(MarginCallTransition.ISSUED);
            assertThat(call.getCause().getSource().getTopic()).isEqualTo(topics.volSurfaces());
        });
        assertThat(calls(seen)).extracting(MarginCallEvent::getAccount).containsExactlyInAnyOrderElementsOf(writers());
        assertThat(calls(seen).stream().map(call -> call.getCause().getJournalPartition()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    @Order(5)
    void afterARestartTheSurfaceIsRememberedAndExpirySettlesTheWritersOut() throws Exception {
        seen.clear();
        restartApplication();

        // The same index a minute later: valued off the remembered surface (vol 1.2), nothing changes status.
        // (Had the surface been lost, the call would be valued at the vol its fill price implies, 0.6,
        // and every writer's call would be met.)
        send(topics.prices(), "ETH", index("ETH", 2_000.0, 41));
        producer.flush();
        settle();
        assertThat(calls(seen)).isEmpty();

        // Expiry: ETH delivers at 2,000, the at-the-money call expires worthless. Each writer keeps the
        // premium: 320 + 137 = 457 USD, no position, no margin → every call met, exactly once.
        send(topics.prices(), "ETH", settlement("ETH", 2_000.0, ETH_EXPIRY.plusSeconds(60)));
        producer.flush();
        awaitOutputs(records -> calls(records).size() >= WRITERS);
        settle();

        assertThat(calls(seen)).hasSize(WRITERS).allSatisfy(call ->
                assertThat(call.getTransition()).isEqualTo(MarginCallTransition.MET));
        assertThat(latestResults(seen)).containsOnlyKeys(writers()).allSatisfy((writer, result) -> {
            assertThat(result.getEquity()).isEqualByComparingTo("457");
            assertThat(result.getInitialMargin()).isEqualByComparingTo("0");
            assertThat(result.getUnderlyings()).isEmpty();
        });
    }

    @Test
    @Order(6)
    void aSeededReturnHistorySurvivesARestartAndGivesTheSameExpectedShortfall() throws Exception {
        seen.clear();
        // 30 daily ETH index closes after the options' expiry, seeded as an operator would.
        List<String> csv = new ArrayList<>();
        double price = 2_000.0;
        java.util.Random random = new java.util.Random(5);
        for (int day = 31; day <= 60; day++) {
            price *= Math.exp(0.04 * random.nextGaussian());
            csv.add(Inputs.T0.plus(Duration.ofDays(day)) + "," + price);
        }
        HistorySeeder.publish(config, registry, "ETH", HistorySeeder.parse(csv));
        send(topics.instruments(), "ETH-PERPETUAL", perpetual("ETH-PERPETUAL", "ETH"));
        producer.flush();
        awaitJournalled(entry -> entry.getPayload() instanceof io.marginflow.schema.Instrument i
                && i.getInstrumentId().equals("ETH-PERPETUAL"), 3);
        Instant later = Inputs.T0.plus(Duration.ofDays(60)).plusSeconds(60);
        send(topics.prices(), "ETH-PERPETUAL", PriceUpdate.newBuilder().setInstrument("ETH-PERPETUAL").setPrice(price)
                .setKind(PriceKind.MARK).setEventTime(later).build());
        send(topics.collateral(), "STAT-00", CollateralMovement.newBuilder(deposit("STAT-M", "STAT-00", "USD", "100000"))
                .setEventTime(later.plusSeconds(1)).build());
        send(topics.fills(), "STAT-00", Fill.newBuilder(fill("STAT-F1", "STAT-00", "ETH-PERPETUAL", "10", price))
                .setEventTime(later.plusSeconds(2)).build());
        producer.flush();
        awaitOutputs(records -> results(records, r -> r.getAccount().equals("STAT-00") && r.getExpectedShortfall() > 0).size() >= 1);
        MarginResult before = results(seen, r -> r.getAccount().equals("STAT-00") && r.getExpectedShortfall() > 0).get(0);

        restartApplication();
        seen.clear();
        send(topics.fills(), "STAT-00", Fill.newBuilder(fill("STAT-F2", "STAT-00", "ETH-PERPETUAL", "10", price))
                .setEventTime(later.plusSeconds(3)).build());
        producer.flush();
        awaitOutputs(records -> !results(records, r -> r.getAccount().equals("STAT-00")).isEmpty());
        MarginResult after = results(seen, r -> r.getAccount().equals("STAT-00")).get(0);

        // 29 returns ≥ the 20 needed: VaR/ES on, from the restored history too. Twice the position at the
        // same mark: exactly twice the ES (money is published to 1e-8 USD; ES is a double).
        assertThat(before.getUnderlyings().get(0).getForecastVol()).isPositive();
        assertThat(after.getUnderlyings().get(0).getForecastVol()).isEqualTo(before.getUnderlyings().get(0).getForecastVol());
        assertThat(after.getExpectedShortfall()).isCloseTo(2 * before.getExpectedShortfall(),
                org.assertj.core.api.Assertions.within(1e-6));
    }

    private static final int WRITERS = 12;

    /** Reads the journal (read_committed) until {@code count} entries match, for at most a minute. */
    private void awaitJournalled(Predicate<JournalEntry> which, int count) {
        try (KafkaConsumer<String, byte[]> journal = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = journal.partitionsFor(topics.journal()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            journal.assign(partitions);
            journal.seekToBeginning(partitions);
            SpecificAvroDeserializer<JournalEntry> decoder = new SpecificAvroDeserializer<>(JournalEntry.class, registry);
            int matched = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (matched < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : journal.poll(Duration.ofMillis(200))) {
                    if (which.test(decoder.deserialize(record.topic(), record.value()))) {
                        matched++;
                    }
                }
            }
            assertThat(matched).as("matching journal entries").isGreaterThanOrEqualTo(count);
        }
    }

    private static List<String> writers() {
        return IntStream.range(0, WRITERS).mapToObj(i -> String.format("WRITER-%02d", i)).toList();
    }

    /** Stops the application as an operator would (leaving the group) and starts it again on the same state. */
    private void restartApplication() throws InterruptedException {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        streams = startApplication();
    }

    private KafkaStreams startApplication() throws InterruptedException {
        KafkaStreams started = MarginflowApp.start(config, registry);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (started.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(started.state()).isEqualTo(KafkaStreams.State.RUNNING);
        return started;
    }

    private static List<String> accounts() {
        return IntStream.range(0, ACCOUNTS).mapToObj(i -> String.format("ACC-%02d", i)).toList();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void send(String topic, String key, SpecificRecord record) {
        byte[] value = SpecificAvroSerde.forValues((Class) record.getClass(), registry).serializer().serialize(topic, record);
        // As a clearinghouse should, stamp each record with its event time.
        producer.send(new ProducerRecord<>(topic, null, InputRecords.eventTime(record).toEpochMilli(), key, value));
    }

    /** Polls the outputs into {@link #seen} until {@code done} holds, for at most a minute. */
    private void awaitOutputs(Predicate<List<SpecificRecord>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.test(seen) && System.nanoTime() < deadline) {
            poll();
        }
        assertThat(done.test(seen)).as("expected outputs within a minute; saw %s", seen.size()).isTrue();
    }

    /** Keeps reading for a while longer, so that a duplicate would be seen. */
    private void settle() {
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
                : LiquidationSignal.class;
        return new SpecificAvroDeserializer<>(type, registry).deserialize(record.topic(), record.value());
    }

    private static List<MarginResult> results(List<SpecificRecord> records, Predicate<MarginResult> which) {
        return records.stream().filter(MarginResult.class::isInstance).map(MarginResult.class::cast).filter(which).toList();
    }

    private static List<MarginCallEvent> calls(List<SpecificRecord> records) {
        return records.stream().filter(MarginCallEvent.class::isInstance).map(MarginCallEvent.class::cast).toList();
    }

    private static List<DeadLetter> deadLetters(List<SpecificRecord> records) {
        return records.stream().filter(DeadLetter.class::isInstance).map(DeadLetter.class::cast).toList();
    }
}
