package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.perpetual;
import static io.marginflow.pipeline.Inputs.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.pipeline.Inputs;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Fill;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.sequencer.JournalPartitioner;
import io.marginflow.serde.SpecificAvroSerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A liquidation service acting on Marginflow's signals without a human, end to end on a real
 * broker with every topic at 3 partitions: a crash tick sends accounts on every partition into
 * liquidation; the example service, a process of its own, executes the plans, is killed
 * ({@code SIGKILL}) once it has started and restarted; every account ends restored, no plan step
 * is executed twice, and a read_committed consumer sees each output, and so each call and signal
 * transition, exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiquidationServiceOnRealBrokerIT {

    private static final int ACCOUNTS = 24;
    private static final String NAME = "marginflow-liquidation-test";

    private EmbeddedKafka kafka;
    private RealBrokerPipeline pipeline;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.start();
        pipeline = RealBrokerPipeline.on(kafka, NAME, Map.of()).startApplication();
        work = Files.createTempDirectory("liquidation-service-");
    }

    @AfterAll
    void stop() throws Exception {
        pipeline.close();
        kafka.close();
    }

    private static List<String> accounts() {
        return IntStream.range(0, ACCOUNTS).mapToObj(i -> "ACC-" + i).toList();
    }

    @Test
    void theServiceExecutesEveryPlanOnceThroughAKillAndEveryAccountEndsRestored() throws Exception {
        assertThat(accounts().stream().map(a -> JournalPartitioner.accountPartition(a, 3)).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2);
        var topics = pipeline.topics;
        pipeline.send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
        pipeline.flush();
        pipeline.awaitJournalled(entry -> entry.getPayload() instanceof io.marginflow.schema.Instrument, 3);
        for (String account : accounts()) {
            // 1000 USD, long 1 BTC at 5000: IM 800, MM 400
            pipeline.send(topics.collateral(), account, deposit(account + "-M", account, "USD", "1000"));
            pipeline.send(topics.fills(), account, fill(account + "-F", account, "BTC-PERPETUAL", "1", 5_000.0));
        }
        pipeline.flush();
        pipeline.awaitOutputs(records -> RealBrokerPipeline.latestResults(records).values().stream()
                .filter(r -> r.getInitialMargin().signum() > 0 && r.getStatus() == MarginStatus.NORMAL).count() == ACCOUNTS);

        // the registry's schemas, so the service's process decodes the signals and encodes its fills with the same ids
        InMemorySchemaRegistry registry = (InMemorySchemaRegistry) pipeline.registry;
        registry.register(topics.liquidations() + "-value", LiquidationSignal.getClassSchema());
        registry.register(topics.fills() + "-value", Fill.getClassSchema());
        Path schemas = work.resolve("schemas.txt");
        Files.write(schemas, registry.schemasInIdOrder().stream().map(Schema::toString).toList(), StandardCharsets.UTF_8);
        Path config = work.resolve("service.properties");
        List<String> lines = new ArrayList<>(List.of("bootstrap.servers=" + kafka.bootstrapServers(),
                "schema.registry.url=mock://liquidation-service-process", "max.poll.records=4"));
        Files.write(config, lines, StandardCharsets.UTF_8);

        Process service = startService(config, schemas);
        // the crash: 4300, equity 300 < MM 344 for every account, on every partition; the clock ticks on
        pipeline.send(topics.snapshots(), "BTC", snapshot("BTC", 10, "BTC-PERPETUAL", 4_300.0));
        pipeline.flush();
        Thread heartbeat = heartbeat(Inputs.T0.plusSeconds(10 * 60 + 1));

        // kill the service once it has executed something, then start it again on the same group and transactional id
        awaitServiceFills(1, Duration.ofSeconds(90));
        service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int beforeKill = serviceFills().size();
        service = startService(config, schemas);
        try {
            pipeline.awaitOutputs(records -> cleared(records).size() == ACCOUNTS, Duration.ofMinutes(2));
            pipeline.settle();
        } finally {
            service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            heartbeat.interrupt();
            heartbeat.join();
        }

        List<SpecificRecord> seen = pipeline.seen;
        Map<String, MarginResult> latest = RealBrokerPipeline.latestResults(seen);
        assertThat(latest).containsOnlyKeys(accounts());
        assertThat(latest.values()).allSatisfy(result -> assertThat(result.getStatus()).isEqualTo(MarginStatus.NORMAL));
        List<LiquidationSignal> signals = seen.stream().filter(LiquidationSignal.class::isInstance)
                .map(LiquidationSignal.class::cast).toList();
        Map<String, List<LiquidationTransition>> byAccount = new TreeMap<>();
        signals.forEach(s -> byAccount.computeIfAbsent(s.getAccount(), a -> new ArrayList<>()).add(s.getTransition()));
        assertThat(byAccount).hasSize(ACCOUNTS).allSatisfy((account, transitions) -> assertThat(transitions)
                .containsExactly(LiquidationTransition.TRIGGERED, LiquidationTransition.CLEARED));
        // every output exactly once: no account sequence number twice, none missing
        Map<String, Set<Long>> sequences = new HashMap<>();
        for (SpecificRecord output : seen) {
            String account = (String) output.get(output.getSchema().getField("account").pos());
            long sequence = (Long) output.get(output.getSchema().getField("sequence").pos());
            assertThat(sequences.computeIfAbsent(account, a -> new HashSet<>()).add(sequence))
                    .as("%s output %d read once", account, sequence).isTrue();
        }
        // no plan step executed twice: each of the service's fill ids committed once, none refused
        List<Fill> fills = serviceFills();
        assertThat(fills).hasSize(ACCOUNTS);
        assertThat(fills.stream().map(Fill::getFillId).distinct().count()).isEqualTo(ACCOUNTS);
        assertThat(RealBrokerPipeline.deadLetters(seen)).extracting(DeadLetter::getErrorClass)
                .doesNotContain("DUPLICATE_FILL", "STALE_LIQUIDATION_PLAN");
        System.out.printf("the service was killed after %d of %d plan fills%n", beforeKill, ACCOUNTS);
    }

    /** The clearinghouse's clock, a second of stream time every 100 ms from {@code from}, until interrupted. */
    private Thread heartbeat(java.time.Instant from) {
        Thread thread = new Thread(() -> {
            java.time.Instant time = from;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    pipeline.send(pipeline.topics.clock(), "clock", new ClockTick(time));
                    pipeline.flush();
                    time = time.plusSeconds(1);
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-heartbeat");
        thread.start();
        return thread;
    }

    private static List<String> cleared(List<SpecificRecord> records) {
        return records.stream().filter(LiquidationSignal.class::isInstance).map(LiquidationSignal.class::cast)
                .filter(s -> s.getTransition() == LiquidationTransition.CLEARED).map(LiquidationSignal::getAccount).toList();
    }

    private Process startService(Path config, Path schemas) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LiquidationServiceProcess.class.getName(), config.toString(), schemas.toString(),
                NAME + "-service", NAME + "-service")
                .redirectErrorStream(true).redirectOutput(work.resolve("service.log").toFile()).start();
    }

    /** The service's fills on clearing.fills, read_committed: an aborted transaction's are not among them. */
    private List<Fill> serviceFills() {
        Map<String, Object> settings = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        try (KafkaConsumer<String, Fill> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                SpecificAvroSerde.forValues(Fill.class, pipeline.registry).deserializer())) {
            var partitions = consumer.partitionsFor(pipeline.topics.fills()).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Fill> fills = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Fill> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value().getOrderId() != null) {
                        fills.add(record.value());
                    }
                }
            }
            return fills;
        }
    }

    private void awaitServiceFills(int count, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (serviceFills().size() < count) {
            assertThat(System.nanoTime()).as("the service executed nothing within %s; its log: %s", patience,
                    log()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private String log() {
        try {
            return Files.readString(work.resolve("service.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

}
