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
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.pipeline.Inputs;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Checkpoint;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Fill;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.VolSurface;
import io.marginflow.sequencer.JournalPartitioner;
import io.marginflow.serde.SpecificAvroSerde;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
class PipelineOnRealBrokerIT {

    private static final int ACCOUNTS = 30;

    private EmbeddedKafka kafka;
    private RealBrokerPipeline pipeline;
    private MarginflowConfig config;
    private Topics topics;
    private SchemaRegistry registry;
    private List<SpecificRecord> seen;
    /** The checkpoints' signing key and its public key (marginflow keygen). */
    private Path keys;

    /** What the application logs about itself (INFO of MarginflowApp), captured. */
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
            new ch.qos.logback.core.read.ListAppender<>();

    @BeforeAll
    void start() throws Exception {
        ch.qos.logback.classic.Logger app = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                io.marginflow.app.MarginflowApp.class);
        app.setLevel(ch.qos.logback.classic.Level.INFO);
        log.start();
        app.addAppender(log);
        kafka = EmbeddedKafka.start();
        keys = Files.createTempDirectory("marginflow-keys-");
        CommandRun keygen = CommandRun.of(null, "keygen", keys.resolve("checkpoints.key").toString());
        assertThat(keygen.code()).as(keygen.out() + keygen.err()).isZero();
        pipeline = RealBrokerPipeline.on(kafka, "marginflow-real-broker-test", Map.of(
                // A short return history, so that order 6 can seed one in a few dozen prices.
                "engine.history.length", "60",
                "engine.history.min-returns", "20",
                "engine.checkpoint.signing-key", keys.resolve("checkpoints.key").toString())).startApplication();
        config = pipeline.config;
        topics = pipeline.topics;
        registry = pipeline.registry;
        seen = pipeline.seen;
    }

    @AfterAll
    void stop() throws Exception {
        pipeline.close();
        kafka.close();
    }

    @Test
    @Order(1)
    void accountsSpreadOverEveryPartitionAndABadRecordAmongThemIsDeadLettered() {
        // The application said how it started: each state change of Kafka Streams and the tasks it holds.
        assertThat(log.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .contains("Kafka Streams CREATED -> REBALANCING", "Kafka Streams REBALANCING -> RUNNING")
                .anyMatch(line -> line.startsWith("running with active tasks: 0_0 [") && line.contains("1_2 ["));
        assertThat(accounts().stream().map(a -> JournalPartitioner.accountPartition(a, 3)).collect(Collectors.toSet()))
                .as("the accounts land on every journal partition").containsExactlyInAnyOrder(0, 1, 2);
        send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
        for (String account : accounts()) {
            // 1000 USD, long 1 BTC @ 5000: IM 800, MM 400, normal
            send(topics.collateral(), account, deposit(account + "-M", account, "USD", "1000"));
            send(topics.fills(), account, fill(account + "-F", account, "BTC-PERPETUAL", "1", 5_000.0));
            if (account.equals("ACC-15")) {
                pipeline.sendBytes(topics.fills(), "ACC-15", "not avro".getBytes(StandardCharsets.UTF_8), Instant.now());
            }
        }
        pipeline.flush();

        // Deposits and fills travel on different topics, so the sequencer may journal an account's fill
        // before its deposit (a transient liquidation); what counts is where every account ends up.
        pipeline.awaitOutputs(records -> RealBrokerPipeline.latestResults(records).values().stream().filter(PipelineOnRealBrokerIT::fundedAndMargined)
                .count() == ACCOUNTS && !RealBrokerPipeline.deadLetters(records).isEmpty());

        assertThat(RealBrokerPipeline.deadLetters(seen)).singleElement().satisfies(letter -> {
            assertThat(letter.getErrorClass()).isEqualTo("NOT_WIRE_FORMAT");
            assertThat(letter.getSource().getTopic()).isEqualTo(topics.fills());
        });
        assertThat(RealBrokerPipeline.latestResults(seen)).containsOnlyKeys(accounts())
                .allSatisfy((account, result) -> assertThat(fundedAndMargined(result)).isTrue());
    }

    /** 1000 USD and long 1 BTC at 5000: equity 1000, IM 800, normal. */
    private static boolean fundedAndMargined(MarginResult result) {
        return result.getEquity().compareTo(new BigDecimal("1000")) == 0
                && result.getInitialMargin().compareTo(new BigDecimal("800")) == 0
                && result.getStatus() == MarginStatus.NORMAL;
    }

    @Test
    @Order(2)
    void onePriceTickRepricesAccountsOnEveryPartitionAndEachCallArrivesExactlyOnce() {
        seen.clear();
        // 4750: equity 750 < IM 760 and ≥ MM 380 → a margin call for every account
        send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 4_750.0, 10));
        // the clearinghouse's clock: stream time passes the tick's instant, and each account is decided
        tick(Inputs.T0.plusSeconds(10 * 60), Inputs.T0.plusSeconds(11 * 60));
        pipeline.flush();

        pipeline.awaitOutputs(records -> RealBrokerPipeline.calls(records).size() >= ACCOUNTS);
        pipeline.settle();

        List<MarginCallEvent> calls = RealBrokerPipeline.calls(seen);
        assertThat(calls).hasSize(ACCOUNTS).allSatisfy(call ->
                assertThat(call.getTransition()).isEqualTo(MarginCallTransition.ISSUED));
        assertThat(calls).extracting(MarginCallEvent::getAccount).containsExactlyInAnyOrderElementsOf(accounts());
        assertThat(calls.stream().map(call -> call.getCause().getJournalPartition()).collect(Collectors.toSet()))
                .as("the tick was journalled to, and acted on in, every partition").containsExactlyInAnyOrder(0, 1, 2);
        assertThat(calls).allSatisfy(call -> assertThat(call.getCause().getSource().getTopic()).isEqualTo(topics.clock()));
    }

    @Test
    @Order(3)
    void aRestartedApplicationRemembersEveryAccountAndRepeatsNothing() throws Exception {
        seen.clear();
        pipeline.restartApplication();

        // 5000: equity 1000 ≥ IM 800 → every call met, exactly once, after the restart
        send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 5_000.0, 20));
        tick(Inputs.T0.plusSeconds(20 * 60), Inputs.T0.plusSeconds(21 * 60));
        pipeline.flush();

        pipeline.awaitOutputs(records -> RealBrokerPipeline.calls(records).size() >= ACCOUNTS);
        pipeline.settle();

        assertThat(RealBrokerPipeline.calls(seen)).hasSize(ACCOUNTS).allSatisfy(call ->
                assertThat(call.getTransition()).isEqualTo(MarginCallTransition.MET));
        assertThat(RealBrokerPipeline.calls(seen)).extracting(MarginCallEvent::getCallId)
                .containsExactlyInAnyOrderElementsOf(accounts().stream().map(a -> a + "-CALL-1").toList());
    }

    private static final Instant ETH_EXPIRY = Inputs.T0.plus(Duration.ofDays(30));
    private static final double[] ETH_STRIKES = {1_600, 2_000, 2_400};

    @Test
    @Order(4)
    void aSurfaceUpdateAloneCallsTheOptionWritersOnEveryPartition() {
        seen.clear();
        // A grace period of 60 days: the writers' calls are still open when their options expire a month later.
        send(topics.parameters(), "ETH", RiskParameters.newBuilder(optionParameters("ETH", 0.16, 9, 0.3, 0.2, 0.0))
                .setCallGracePeriodMillis(Duration.ofDays(60).toMillis()).build());
        send(topics.instruments(), "ETH-30D-2000-C", option("ETH-30D-2000-C", "ETH", OptionType.CALL, 2_000, ETH_EXPIRY));
        send(topics.prices(), "ETH", index("ETH", 2_000.0, 30));
        send(topics.volSurfaces(), "ETH", surface("ETH", 31, ETH_EXPIRY, 2_000.0, ETH_STRIKES, new double[] {0.6, 0.6, 0.6}));
        pipeline.flush();
        // Market data and fills are sequenced by different tasks; like the demo, wait until the surface
        // is in every journal partition, so that no writer's fill is journalled before ETH has a price.
        pipeline.awaitJournalled(entry -> entry.getPayload() instanceof VolSurface, 3);
        for (String writer : writers()) {
            // 320 USD and short one 30-day at-the-money call at its value (~137 at vol 0.6): IM ~256, normal.
            send(topics.collateral(), writer, CollateralMovement.newBuilder(deposit(writer + "-M", writer, "USD", "320"))
                    .setEventTime(Inputs.T0.plusSeconds(32 * 60)).build());
            send(topics.fills(), writer, Fill.newBuilder(fill(writer + "-F", writer, "ETH-30D-2000-C", "-1", 137.0))
                    .setEventTime(Inputs.T0.plusSeconds(33 * 60)).build());
        }
        pipeline.flush();
        pipeline.awaitOutputs(records -> RealBrokerPipeline.latestResults(records).keySet().containsAll(writers())
                && writers().stream().allMatch(w -> RealBrokerPipeline.latestResults(records).get(w).getInitialMargin().signum() > 0));
        assertThat(writers()).allSatisfy(w -> assertThat(RealBrokerPipeline.latestResults(seen).get(w).getStatus()).isEqualTo(MarginStatus.NORMAL));
        seen.clear();

        // Vol doubles: the call is worth ~273, equity ~184 < IM ~290 → a call for every writer, none for anyone else.
        send(topics.volSurfaces(), "ETH", surface("ETH", 40, ETH_EXPIRY, 2_000.0, ETH_STRIKES, new double[] {1.2, 1.2, 1.2}));
        tick(Inputs.T0.plusSeconds(40 * 60), Inputs.T0.plusSeconds(40 * 60 + 30));
        pipeline.flush();
        pipeline.awaitOutputs(records -> RealBrokerPipeline.calls(records).size() >= WRITERS);
        pipeline.settle();

        assertThat(RealBrokerPipeline.calls(seen)).hasSize(WRITERS).allSatisfy(call -> {
            assertThat(call.getTransition()).isEqualTo(MarginCallTransition.ISSUED);
            assertThat(call.getCause().getSource().getTopic()).isEqualTo(topics.clock());
        });
        assertThat(RealBrokerPipeline.calls(seen)).extracting(MarginCallEvent::getAccount).containsExactlyInAnyOrderElementsOf(writers());
        assertThat(RealBrokerPipeline.calls(seen).stream().map(call -> call.getCause().getJournalPartition()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    @Order(5)
    void afterARestartTheSurfaceIsRememberedAndExpirySettlesTheWritersOut() throws Exception {
        seen.clear();
        pipeline.restartApplication();

        // The same index a minute later: valued off the remembered surface (vol 1.2), nothing changes status.
        // (Had the surface been lost, the call would be valued at the vol its fill price implies, 0.6,
        // and every writer's call would be met.)
        send(topics.prices(), "ETH", index("ETH", 2_000.0, 41));
        pipeline.flush();
        pipeline.settle();
        assertThat(RealBrokerPipeline.calls(seen)).isEmpty();

        // Expiry: ETH delivers at 2,000, the at-the-money call expires worthless. Each writer keeps the
        // premium: 320 + 137 = 457 USD, no position, no margin → every call met, exactly once.
        send(topics.prices(), "ETH", settlement("ETH", 2_000.0, ETH_EXPIRY.plusSeconds(60)));
        tick(ETH_EXPIRY.plusSeconds(60), ETH_EXPIRY.plusSeconds(120));
        pipeline.flush();
        pipeline.awaitOutputs(records -> RealBrokerPipeline.calls(records).size() >= WRITERS);
        pipeline.settle();

        assertThat(RealBrokerPipeline.calls(seen)).hasSize(WRITERS).allSatisfy(call ->
                assertThat(call.getTransition()).isEqualTo(MarginCallTransition.MET));
        assertThat(RealBrokerPipeline.latestResults(seen)).containsOnlyKeys(writers()).allSatisfy((writer, result) -> {
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
        HistorySeeder.publish(config, registry, "ETH", HistorySeeder.parse(csv, "ETH", config.inputBounds()));
        send(topics.instruments(), "ETH-PERPETUAL", perpetual("ETH-PERPETUAL", "ETH"));
        pipeline.flush();
        pipeline.awaitJournalled(entry -> entry.getPayload() instanceof io.marginflow.schema.Instrument i
                && i.getInstrumentId().equals("ETH-PERPETUAL"), 3);
        Instant later = Inputs.T0.plus(Duration.ofDays(60)).plusSeconds(60);
        send(topics.prices(), "ETH-PERPETUAL", PriceUpdate.newBuilder().setInstrument("ETH-PERPETUAL").setPrice(price)
                .setKind(PriceKind.MARK).setEventTime(later).build());
        send(topics.collateral(), "STAT-00", CollateralMovement.newBuilder(deposit("STAT-M", "STAT-00", "USD", "100000"))
                .setEventTime(later.plusSeconds(1)).build());
        send(topics.fills(), "STAT-00", Fill.newBuilder(fill("STAT-F1", "STAT-00", "ETH-PERPETUAL", "10", price))
                .setEventTime(later.plusSeconds(2)).build());
        pipeline.flush();
        pipeline.awaitOutputs(records -> RealBrokerPipeline.results(records, r -> r.getAccount().equals("STAT-00") && r.getExpectedShortfall() > 0).size() >= 1);
        MarginResult before = RealBrokerPipeline.results(seen, r -> r.getAccount().equals("STAT-00") && r.getExpectedShortfall() > 0).get(0);

        pipeline.restartApplication();
        seen.clear();
        send(topics.fills(), "STAT-00", Fill.newBuilder(fill("STAT-F2", "STAT-00", "ETH-PERPETUAL", "10", price))
                .setEventTime(later.plusSeconds(3)).build());
        pipeline.flush();
        pipeline.awaitOutputs(records -> !RealBrokerPipeline.results(records, r -> r.getAccount().equals("STAT-00")).isEmpty());
        MarginResult after = RealBrokerPipeline.results(seen, r -> r.getAccount().equals("STAT-00")).get(0);

        // 29 returns ≥ the 20 needed: VaR/ES on, from the restored history too. Twice the position at the
        // same mark: exactly twice the ES (money is published to 1e-8 USD; ES is a double).
        assertThat(before.getUnderlyings().get(0).getForecastVol()).isPositive();
        assertThat(after.getUnderlyings().get(0).getForecastVol()).isEqualTo(before.getUnderlyings().get(0).getForecastVol());
        assertThat(after.getExpectedShortfall()).isCloseTo(2 * before.getExpectedShortfall(),
                org.assertj.core.api.Assertions.within(1e-6));

        // The price guard on ETH (8 standard deviations, a 30-minute hold): a mark at a tenth of the last is
        // held (STAT-00 is not recomputed), and the next, back at the price, discards it; partition 0 alone
        // publishes the two alerts, though every partition holds the price.
        seen.clear();
        send(topics.parameters(), "ETH", RiskParameters.newBuilder(optionParameters("ETH", 0.16, 9, 0.3, 0.2, 0.0))
                .setVersion(2).setCallGracePeriodMillis(Duration.ofDays(60).toMillis())
                .setPriceJumpSigmas(8.0).setPriceJumpHoldMillis(Duration.ofMinutes(30).toMillis()).build());
        pipeline.flush();
        // sequenced by another task than the prices: in every journal partition before them
        pipeline.awaitJournalled(entry -> entry.getPayload() instanceof RiskParameters set && set.getVersion() == 2, 3);
        for (int minute : new int[] {1, 2}) {
            send(topics.prices(), "ETH-PERPETUAL", PriceUpdate.newBuilder().setInstrument("ETH-PERPETUAL")
                    .setPrice(minute == 1 ? price / 10 : price).setKind(PriceKind.MARK)
                    .setEventTime(later.plusSeconds(60L * minute)).build());
        }
        pipeline.flush();
        pipeline.awaitOutputs(records -> records.stream().filter(io.marginflow.schema.Alert.class::isInstance).count() >= 2);
        pipeline.settle();
        assertThat(seen.stream().filter(io.marginflow.schema.Alert.class::isInstance).map(io.marginflow.schema.Alert.class::cast))
                .extracting(alert -> alert.getAction().toString(), alert -> alert.getCause().getJournalPartition())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("HELD", 0), org.assertj.core.groups.Tuple.tuple("DISCARDED", 0));
        assertThat(RealBrokerPipeline.results(seen, r -> r.getCause().getEventTime().equals(later.plusSeconds(60))))
                .as("the held fat finger moved nobody").isEmpty();
    }

    /**
     * An auditor's replay of the whole day (restarts included) from the topics alone: every
     * published output is reproduced exactly. Then a forger appends two changed margin results, one
     * at a place in its account's chain that a result already holds and one further along: the
     * replay names both, shows the first beside the journal entry it claims as its cause, and exits 3;
     * the chain check, from the records alone, finds both hashes broken, the second record at a
     * place and the gap before the other. A third, claiming a journal partition that does not
     * exist, is named by both as written by no engine.
     */
    @Test
    @Order(7)
    void theAuditorsReplayAndChainCheckProveTheWholeDayAndNameForgedResults() throws Exception {
        Path file = Files.createTempFile("marginflow-audit-", ".properties");
        try {
            Files.writeString(file, String.join("\n", "bootstrap.servers=" + kafka.bootstrapServers(),
                    "application.id=" + config.get("application.id"), "schema.registry.url=" + config.get("schema.registry.url"),
                    "topics.partitions=3", "engine.history.length=60", "engine.history.min-returns=20") + "\n");

            CommandRun clean = CommandRun.of(file, "audit", "replay");

            assertThat(clean.code()).as(clean.out() + clean.err()).isZero();
            assertThat(clean.out()).contains("replaying risk.journal partitions 0, 1, 2 up to offsets", "verdict: VERIFIED")
                    .containsPattern("risk\\.margin +[1-9][0-9,]* reproduced exactly")
                    .containsPattern("risk\\.margin-calls +[1-9][0-9,]* reproduced exactly");
            assertThat(clean.out()).containsPattern("risk\\.checkpoints +[1-9][0-9,]* reproduced exactly")
                    .containsPattern("risk\\.dead-letters +[0-9,]+ reproduced exactly")
                    .containsPattern("risk\\.alerts +2 reproduced exactly");
            String publicKey = "--public-key=" + keys.resolve("checkpoints.key.pub");
            CommandRun chains = CommandRun.of(file, "audit", "verify", publicKey);
            assertThat(chains.code()).as(chains.out() + chains.err()).isZero();
            assertThat(chains.out()).contains("verdict: VERIFIED", "signed with the key given", "(signatures checked with key ")
                    .containsPattern("[1-9][0-9,]* records of [1-9][0-9,]* accounts, [1-9][0-9,]* checkpoints");
            Path otherKey = keys.resolve("other.key");
            assertThat(CommandRun.of(null, "keygen", otherKey.toString()).code()).isZero();
            CommandRun otherSigner = CommandRun.of(file, "audit", "verify", "--public-key=" + otherKey + ".pub");
            assertThat(otherSigner.code()).as("checked with a key that signed nothing").isEqualTo(3);
            assertThat(otherSigner.out()).contains("SIGNATURE risk.checkpoints-", ", not by the public key given");
            CommandRun noKeyFile = CommandRun.of(file, "audit", "verify", "--public-key=" + keys.resolve("nothing.pub"));
            assertThat(noKeyFile.code()).isEqualTo(2);
            assertThat(noKeyFile.err()).startsWith("marginflow: key file ").contains("cannot be read").doesNotContain("\tat ");
            proveIsCheckedAgainstTheSignedRoot(file, "ACC-05", keys.resolve("checkpoints.key.pub"));
            CommandRun keyExists = CommandRun.of(null, "keygen", otherKey.toString());
            assertThat(keyExists.code()).isEqualTo(2);
            assertThat(keyExists.err()).contains("exists: a new key would orphan every checkpoint signed with the old one");
            CommandRun stats = CommandRun.of(file, "audit", "journal-stats");
            assertThat(stats.code()).as(stats.out() + stats.err()).isZero();
            assertThat(stats.out()).contains("entries by kind and journal partition:", "event time: 2020-03-12T")
                    .containsPattern("risk\\.journal partitions 0, 1, 2 up to offsets [0-9,]+ / [0-9,]+ / [0-9,]+: [0-9,]+ entries")
                    .containsPattern("\\n  Fill( +[1-9][0-9,]*){3} +[1-9][0-9,]*\\n")
                    .containsPattern("\\n  SEQUENCER +NOT_WIRE_FORMAT +1\\n");
            explainRebuildsWhatWasPublished(file, "ACC-05");
            CommandRun one = CommandRun.of(file, "audit", "replay", "--partition", "1");
            assertThat(one.code()).as(one.out() + one.err()).isZero();
            assertThat(one.out()).contains("replaying risk.journal partition 1 up to offset", "verdict: VERIFIED");
            // from a checkpoint: the entries before it replayed, their outputs not compared, the checkpoint itself compared
            List<Checkpoint> checkpoints = readAll(topics.checkpoints()).stream().map(Checkpoint.class::cast)
                    .filter(checkpoint -> checkpoint.getJournalPartition() == 1).toList();
            assertThat(checkpoints).as("checkpoints of journal partition 1").hasSizeGreaterThanOrEqualTo(3);
            Checkpoint anchor = checkpoints.get(checkpoints.size() / 2);
            CommandRun since = CommandRun.of(file, "audit", "replay", "--partition", "1",
                    "--from-checkpoint", anchor.getCheckpointTime().toString());
            assertThat(since.code()).as(since.out() + since.err()).isZero();
            assertThat(since.out()).contains("judged from partition 1's checkpoint " + anchor.getSequence() + " ("
                    + anchor.getCheckpointTime() + ", offset ", "verdict: VERIFIED");
            assertThat(reproduced(since.out(), topics.checkpoints())).as("the anchor and the checkpoints after it")
                    .isEqualTo(checkpoints.size() - anchor.getSequence() + 1);
            assertThat(reproduced(since.out(), topics.margin())).isPositive().isLessThan(reproduced(one.out(), topics.margin()));
            CommandRun notAnInstant = CommandRun.of(file, "audit", "replay", "--from-checkpoint", "yesterday");
            assertThat(notAnInstant.code()).isEqualTo(2);
            assertThat(notAnInstant.err()).contains("--from-checkpoint").doesNotContain("\tat ");
            CommandRun mistake = CommandRun.of(file, "audit", "replay", "--partition", "7");
            assertThat(mistake.code()).isEqualTo(2);
            assertThat(mistake.err()).isEqualTo("marginflow: risk.journal has no partition 7 (it has 3)\n");
            Path renamed = Files.createTempFile("marginflow-audit-", ".properties");
            try {
                Files.writeString(renamed, Files.readString(file) + "topic.margin=no.such.margin\n");
                CommandRun noTopic = CommandRun.of(renamed, "audit", "verify");
                assertThat(noTopic.code()).isEqualTo(2);
                assertThat(noTopic.err()).isEqualTo("marginflow: there is no topic no.such.margin on the cluster"
                        + " (see the topic.* settings)\n");
            } finally {
                Files.delete(renamed);
            }

            MarginResult published = firstPublished(topics.margin(), MarginResult.class);
            SpecificAvroSerde<MarginResult> serde =
                    SpecificAvroSerde.forValues(MarginResult.class, registry);
            MarginResult twice = MarginResult.newBuilder(published).setInitialMargin(published.getInitialMargin().add(BigDecimal.ONE)).build();
            MarginResult further = MarginResult.newBuilder(twice).setSequence(published.getSequence() + 1_000_000).build();
            try (var forger = new KafkaProducer<String, byte[]>(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(),
                    new ByteArraySerializer())) {
                MarginResult elsewhere = MarginResult.newBuilder(further).setCause(io.marginflow.schema.Cause.newBuilder(
                        published.getCause()).setJournalPartition(7).build()).build();
                for (MarginResult forged : List.of(twice, further, elsewhere)) {
                    forger.send(new ProducerRecord<>(topics.margin(), published.getAccount(),
                            serde.serializer().serialize(topics.margin(), forged))).get();
                }
                // and a checkpoint with another root, its hash and signature copied from the real one
                Checkpoint real = firstPublished(topics.checkpoints(), Checkpoint.class);
                Checkpoint rerooted = Checkpoint.newBuilder(real).setMerkleRoot("0".repeat(64)).build();
                forger.send(new ProducerRecord<>(topics.checkpoints(), Integer.toString(real.getJournalPartition()),
                        SpecificAvroSerde.forValues(Checkpoint.class, registry).serializer()
                                .serialize(topics.checkpoints(), rerooted))).get();
                // and a rejection of an entry the engine applied
                DeadLetter rejection = DeadLetter.newBuilder().setSource(published.getCause().getSource())
                        .setOriginalKey(java.nio.ByteBuffer.wrap(published.getAccount().getBytes(StandardCharsets.UTF_8)))
                        .setStage(io.marginflow.schema.RejectionStage.ENGINE).setErrorClass("DUPLICATE_FILL")
                        .setReason("forged").setJournalPartition(published.getCause().getJournalPartition())
                        .setJournalOffset(published.getCause().getJournalOffset()).build();
                forger.send(new ProducerRecord<>(topics.deadLetters(), published.getAccount(),
                        SpecificAvroSerde.forValues(DeadLetter.class, registry).serializer()
                                .serialize(topics.deadLetters(), rejection))).get();
                // and an alert the engine did not raise: a real one, its reason changed
                io.marginflow.schema.Alert alert = firstPublished(topics.alerts(), io.marginflow.schema.Alert.class);
                forger.send(new ProducerRecord<>(topics.alerts(), alert.getUnderlying(),
                        SpecificAvroSerde.forValues(io.marginflow.schema.Alert.class, registry).serializer()
                                .serialize(topics.alerts(), io.marginflow.schema.Alert.newBuilder(alert)
                                        .setReason("forged").build()))).get();
            }

            CommandRun forged = CommandRun.of(file, "audit", "replay");

            assertThat(forged.code()).as(forged.out() + forged.err()).isEqualTo(3);
            assertThat(forged.out()).contains("divergences: 6 (NOT_REPRODUCED 3, PUBLISHED_TWICE 2, CAUSE_NOT_IN_JOURNAL 1)",
                    "NOT_REPRODUCED risk.dead-letters-", "NOT_REPRODUCED risk.alerts-",
                    "published as an alert on this entry, but the replay raised no such alert",
                    "PUBLISHED_TWICE risk.checkpoints-",
                    "first divergence: NOT_REPRODUCED on risk.margin", "\"sequence\":" + further.getSequence(),
                    "journal entry (risk.journal-" + published.getCause().getJournalPartition() + "@"
                            + published.getCause().getJournalOffset() + ")",
                    "PUBLISHED_TWICE risk.margin-", "CAUSE_NOT_IN_JOURNAL risk.margin-0@",
                    "its cause names journal partition 7, but risk.journal has 3 partitions",
                    "verdict: DIVERGENT: 6 published figures are not reproduced");
            // judged from the forged checkpoint's partition's first checkpoint on: what names an entry before it is
            // left to that checkpoint (audit verify), what names one after it, or no entry at all, is still caught
            Checkpoint first = firstPublished(topics.checkpoints(), Checkpoint.class);
            int forgedAt = published.getCause().getJournalPartition();
            boolean forgeriesAfter = forgedAt == first.getJournalPartition()
                    && published.getCause().getJournalOffset() >= first.getUntilOffset();
            CommandRun fromFirst = CommandRun.of(file, "audit", "replay", "--partition",
                    String.valueOf(first.getJournalPartition()), "--from-checkpoint", first.getCheckpointTime().toString());
            assertThat(fromFirst.code()).as(fromFirst.out() + fromFirst.err()).isEqualTo(3);
            assertThat(fromFirst.out()).contains("PUBLISHED_TWICE risk.checkpoints-", "CAUSE_NOT_IN_JOURNAL 1",
                    "verdict: DIVERGENT: " + ((forgeriesAfter ? 5 : 2) + (first.getJournalPartition() == 0 ? 1 : 0))
                            + " published figures are not reproduced");
            CommandRun broken = CommandRun.of(file, "audit", "verify", "--show=500");
            assertThat(broken.code()).as(broken.out() + broken.err()).isEqualTo(3);
            // the result forged further along its chain is not the head the signed checkpoints after it commit to: ROOT
            assertThat(broken.out()).containsPattern("failures: [0-9,]+ \\(HASH 3, GAP 1, DUPLICATE 2, CAUSE 1, ROOT [1-9][0-9]*\\)")
                    .contains("DUPLICATE risk.margin-0@", "(account " + published.getAccount() + ", sequence " + further.getSequence()
                            + "): sequence ", "CAUSE risk.margin-0@", "DUPLICATE risk.checkpoints-", "ROOT risk.checkpoints-",
                            "(checkpoint of journal partition " + published.getCause().getJournalPartition() + ", sequence ")
                    .containsPattern("HASH risk\\.margin-0@[0-9]+ \\(account " + published.getAccount() + ", sequence "
                            + published.getSequence() + "\\): its hash [0-9a-f]{64} is not the hash of its content");
        } finally {
            Files.delete(file);
        }
    }

    /**
     * {@code audit explain} rebuilds {@code account} from the journal: what it says was last
     * published is the account's last output on the topics, now and after an earlier entry; the
     * text form lays out the same figures; an account the journal never saw is a mistake (exit 2).
     */
    private void explainRebuildsWhatWasPublished(Path file, String account) throws Exception {
        List<SpecificRecord> outputs = new ArrayList<>();
        for (String topic : List.of(topics.margin(), topics.marginCalls(), topics.liquidations())) {
            outputs.addAll(readAll(topic).stream().filter(output -> account.equals(output.get(output.getSchema()
                    .getField("account").pos()).toString())).toList());
        }
        outputs.sort(java.util.Comparator.comparingLong(output -> (Long) output.get(output.getSchema().getField("sequence").pos())));
        MarginResult lastResult = outputs.stream().filter(MarginResult.class::isInstance).map(MarginResult.class::cast)
                .reduce((first, second) -> second).orElseThrow();
        SpecificRecord last = outputs.get(outputs.size() - 1);

        CommandRun now = CommandRun.of(file, "audit", "explain", account, "--json");
        assertThat(now.code()).as(now.out() + now.err()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(now.out());
        assertThat(json.get("account").asText()).isEqualTo(account);
        assertThat(json.at("/published/sequence").asLong()).isEqualTo((Long) last.get(last.getSchema().getField("sequence").pos()));
        assertThat(json.at("/published/hashHead").asText()).isEqualTo(last.get(last.getSchema().getField("hash").pos()).toString());
        assertThat(new BigDecimal(json.at("/published/equity").asText())).isEqualByComparingTo(lastResult.getEquity());

        MarginResult first = (MarginResult) outputs.get(0);
        long offset = first.getCause().getJournalOffset();
        long lastBy = outputs.stream().filter(output -> ((io.marginflow.schema.Cause) output.get(output.getSchema()
                .getField("cause").pos())).getJournalOffset() <= offset)
                .mapToLong(output -> (Long) output.get(output.getSchema().getField("sequence").pos())).max().orElseThrow();
        CommandRun then = CommandRun.of(file, "audit", "explain", account, "--at", String.valueOf(offset), "--json");
        assertThat(then.code()).as(then.out() + then.err()).isZero();
        var past = new com.fasterxml.jackson.databind.ObjectMapper().readTree(then.out());
        assertThat(past.get("journalOffset").asLong()).isEqualTo(offset);
        assertThat(past.at("/published/sequence").asLong()).isEqualTo(lastBy);

        CommandRun text = CommandRun.of(file, "audit", "explain", account);
        assertThat(text.code()).as(text.out() + text.err()).isZero();
        assertThat(text.out()).startsWith("account " + account + " after journal-")
                .contains("positions:", "BTC-PERPETUAL", "collateral (valued after its haircut):", "BTC: requirement",
                        "last published: sequence " + json.at("/published/sequence").asLong());
        CommandRun beyond = CommandRun.of(file, "audit", "explain", account, "--at", "999999");
        assertThat(beyond.code()).isEqualTo(2);
        assertThat(beyond.err()).startsWith("marginflow: --at 999999 is beyond what the application has processed of"
                + " risk.journal partition ").hasLineCount(1);
        CommandRun notAnInstant = CommandRun.of(file, "audit", "explain", account, "--at", "yesterday");
        assertThat(notAnInstant.code()).isEqualTo(2);
        assertThat(notAnInstant.err()).contains("--at takes a journal offset or an ISO-8601 instant").hasLineCount(1);
        CommandRun nobody = CommandRun.of(file, "audit", "explain", "NOBODY");
        assertThat(nobody.code()).isEqualTo(2);
        assertThat(nobody.err()).startsWith("marginflow: account NOBODY has no state in risk.journal partition ").hasLineCount(1);
    }

    /** How many records of {@code topic} an {@code audit replay} says it reproduced exactly. */
    private static long reproduced(String out, String topic) {
        java.util.regex.Matcher count = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topic)
                + " +([0-9,]+) reproduced exactly").matcher(out);
        assertThat(count.find()).as(out).isTrue();
        return Long.parseLong(count.group(1).replace(",", ""));
    }

    /** Every committed record of {@code topic}, decoded. */
    private List<SpecificRecord> readAll(String topic) {
        List<SpecificRecord> records = new ArrayList<>();
        Map<String, Class<? extends SpecificRecord>> types = Map.of(topics.margin(), MarginResult.class,
                topics.marginCalls(), MarginCallEvent.class, topics.liquidations(), io.marginflow.schema.LiquidationSignal.class,
                topics.checkpoints(), Checkpoint.class);
        var reader = new io.marginflow.serde.SpecificAvroDeserializer<>(types.get(topic), registry);
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "isolation.level", "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            var ends = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(reader.deserialize(record.topic(), record.value()));
                }
            }
        }
        return records;
    }

    /** The first margin result on the margin topic's partition 0. */
    /**
     * {@code audit prove}: the proof it prints (leaf, index, size, audit path, root) is checked here
     * on its own with RFC 6962's verification; an account with no output and a checkpoint that does
     * not exist are one-line mistakes.
     */
    private void proveIsCheckedAgainstTheSignedRoot(Path file, String account, Path publicKey) {
        CommandRun prove = CommandRun.of(file, "audit", "prove", account, "--public-key=" + publicKey);
        assertThat(prove.code()).as(prove.out() + prove.err()).isZero();
        assertThat(prove.out()).contains(": verified", "verdict: PROVED", "whose root the clearinghouse signed");
        java.util.regex.Matcher leaf = java.util.regex.Pattern.compile("leaf (\\d+) of (\\d+): " + account
                + " NUL (\\d+) NUL ([0-9a-f]{64})").matcher(prove.out());
        java.util.regex.Matcher root = java.util.regex.Pattern.compile("merkle root ([0-9a-f]{64})").matcher(prove.out());
        assertThat(leaf.find() && root.find()).as(prove.out()).isTrue();
        List<byte[]> path = prove.out().lines().dropWhile(line -> !line.startsWith("audit path")).skip(1)
                .takeWhile(line -> line.startsWith("  ")).map(line -> java.util.HexFormat.of().parseHex(line.trim())).toList();
        assertThat(io.marginflow.engine.MerkleTree.proves(io.marginflow.engine.Checkpoints.leaf(account,
                Long.parseLong(leaf.group(3)), leaf.group(4)), Integer.parseInt(leaf.group(1)), Integer.parseInt(leaf.group(2)),
                path, java.util.HexFormat.of().parseHex(root.group(1)))).isTrue();

        CommandRun nobody = CommandRun.of(file, "audit", "prove", "NOBODY");
        assertThat(nobody.code()).isEqualTo(2);
        assertThat(nobody.err()).startsWith("marginflow: account NOBODY has no output before checkpoint ");
        CommandRun noSuch = CommandRun.of(file, "audit", "prove", account, "--checkpoint=99999");
        assertThat(noSuch.code()).isEqualTo(2);
        assertThat(noSuch.err()).contains("has no checkpoint 99999 on risk.checkpoints");
    }

    /** The first record of {@code topic}'s first partition that has one, read committed. */
    private <T extends SpecificRecord> T firstPublished(String topic, Class<T> type) {
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "isolation.level", "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            for (var info : consumer.partitionsFor(topic)) {
                var partition = new TopicPartition(topic, info.partition());
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                if (consumer.position(partition) == consumer.endOffsets(List.of(partition)).get(partition)) {
                    continue;
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    for (var record : consumer.poll(Duration.ofMillis(200))) {
                        return SpecificAvroSerde.forValues(type, registry).deserializer().deserialize(record.topic(), record.value());
                    }
                }
            }
            throw new AssertionError("nothing on " + topic);
        }
    }

    private static final int WRITERS = 12;

    private static List<String> writers() {
        return IntStream.range(0, WRITERS).mapToObj(i -> String.format("WRITER-%02d", i)).toList();
    }

    private static List<String> accounts() {
        return IntStream.range(0, ACCOUNTS).mapToObj(i -> String.format("ACC-%02d", i)).toList();
    }

    private void send(String topic, String key, SpecificRecord record) {
        pipeline.send(topic, key, record);
    }

    /**
     * The clearinghouse's clock at {@code time}, as {@code marginflow heartbeat} publishes it, once
     * the market entry sent before it (stamped {@code after}) is in every journal partition: the
     * clock travels through another sequencer task than a price, so a single tick sent at once
     * could be journalled first (a heartbeat's next tick would then decide; a test has no next tick).
     */
    private void tick(Instant after, Instant time) {
        pipeline.flush();
        pipeline.awaitJournalled(entry -> entry.getEventTime().equals(after), 3);
        pipeline.send(topics.clock(), "clock", new io.marginflow.schema.ClockTick(time));
    }
}
