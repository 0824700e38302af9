package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.clock;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marginflow.app.SchemaSetup;
import io.marginflow.config.Topics;
import io.marginflow.embedded.ConsumerGroupLag;
import io.marginflow.pipeline.Inputs;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.serde.SpecificAvroSerde;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once under abrupt crashes, proven with the audit tools. The application runs as
 * separate JVM processes against a real broker while a clearinghouse publishes fills, deposits, a
 * falling and recovering mark and its clock: instance A is killed with SIGKILL three times mid-load
 * (just after a mark that reprices every account is published) and restarted on its state
 * directory, a second instance B joins (standby replicas on) and later leaves, and the broker (in
 * a JVM of its own) is killed with SIGKILL and started again once, mid-load, while both run.
 * ({@code scripts/soak KILLS ACCOUNTS} runs the same with more kills, broker restarts and accounts.)
 * Afterwards every input record is in the journal exactly once (an account event in one
 * partition, a market event in every partition), {@code audit replay} reproduces every output
 * from the journal with no divergence and {@code audit verify} finds every chain whole, each call
 * and liquidation transition is on its topic once, and every account's positions and collateral
 * are those its inputs add up to, as in a run without faults.
 */
class CrashesOnRealBrokerIT {

    private static final String NAME = "crashes";
    private static final int PARTITIONS = 3;
    /**
     * SIGKILLs of instance A (at least 3): B joins before the second, the broker restarts with it
     * and every fourth after it, B leaves before the last. {@code scripts/soak} raises it.
     */
    private static final int KILLS = Math.max(3, Integer.getInteger("marginflow.soak.kills", 3));
    private static final int ACCOUNTS = Integer.getInteger("marginflow.soak.accounts", 24);
    /** Rounds (a minute of event time each) in which the mark falls 12% and recovers. */
    private static final int FALL_AND_RECOVERY = 120;
    private static final int MAX_ROUNDS = 700 * KILLS;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killedRestartedJoiningAndLeavingInstancesLoseNothingRepeatNothingAndReplayExactly() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "crashes"));
        Path stateA = Files.createTempDirectory("marginflow-crash-a-");
        Path stateB = Files.createTempDirectory("marginflow-crash-b-");
        try (BrokerProcess kafka = BrokerProcess.plaintext(Files.createTempDirectory(work.toAbsolutePath(), "broker-"));
                RealBrokerPipeline pipeline = RealBrokerPipeline.on(kafka.bootstrapServers(), NAME,
                        Map.of("topics.partitions", String.valueOf(PARTITIONS)))) {
            SchemaSetup.registerAll(InMemorySchemaRegistry.scope(NAME), pipeline.topics);
            int portA = MarginflowInstanceProcess.freePort();
            int portB = MarginflowInstanceProcess.freePort();
            Process a = start(work, "a", kafka, portA, stateA);
            Process b = null;
            Load load = new Load(pipeline);
            Thread publisher = new Thread(load, "crash-test-clearinghouse");
            try {
                publisher.start();
                int kills = 0;
                int brokerRestarts = 0;
                for (int cycle = 1; cycle <= KILLS; cycle++) {
                    MarginflowInstanceProcess.awaitReady(portA, Duration.ofSeconds(90));
                    if (cycle == 2) {
                        b = start(work, "b", kafka, portB, stateB);
                        MarginflowInstanceProcess.awaitReady(portB, Duration.ofSeconds(90));
                    }
                    if (cycle % 4 == 2 && cycle < KILLS) {
                        load.awaitNextRound();
                        kafka.restart(); // the broker killed mid-load and started again, both instances running
                        brokerRestarts++;
                    }
                    if (cycle == KILLS) {
                        b.destroy(); // leaves cleanly: a rebalance, not a crash
                        assertThat(b.waitFor(60, TimeUnit.SECONDS)).isTrue();
                    }
                    load.awaitNextRound();
                    Thread.sleep(40); // while the round's mark reprices every account
                    assertThat(load.done.get()).as("killed mid-load").isFalse();
                    a.destroyForcibly(); // SIGKILL: no commit, no goodbye to the group
                    assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    kills++;
                    a = start(work, "a", kafka, portA, stateA);
                }
                load.finish.set(true);
                publisher.join(Duration.ofMinutes(1).toMillis());
                assertThat(load.done.get()).as("the clearinghouse published everything").isTrue();
                assertThat(kills).isEqualTo(KILLS);
                assertThat(brokerRestarts).isEqualTo((KILLS + 1) / 4);
                MarginflowInstanceProcess.awaitReady(portA, Duration.ofSeconds(90));
                awaitCaughtUp(kafka, pipeline.topics);

                Path config = work.resolve("auditor.properties");
                Files.writeString(config, String.join("\n", "bootstrap.servers=" + kafka.bootstrapServers(),
                        "application.id=" + NAME, "schema.registry.url=mock://" + NAME,
                        "topics.partitions=" + PARTITIONS) + "\n");
                CommandRun replay = CommandRun.of(config, "audit", "replay");
                assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
                assertThat(replay.out()).contains("verdict: VERIFIED")
                        .containsPattern("risk\\.margin-calls +[1-9][0-9,]* reproduced exactly")
                        .containsPattern("risk\\.liquidations +[1-9][0-9,]* reproduced exactly");
                CommandRun verify = CommandRun.of(config, "audit", "verify");
                assertThat(verify.code()).as(verify.out() + verify.err()).isZero();

                everyInputJournalledOnce(kafka, pipeline);
                eachTransitionOnItsTopicOnce(kafka, pipeline);
                for (String account : load.accounts()) {
                    JsonNode state = JSON.readTree(MarginflowInstanceProcess.get(portA, "/accounts/" + account)
                            .orElseThrow().body());
                    assertThat(quantity(state, "BTC-PERPETUAL")).as(account + "'s position")
                            .isEqualByComparingTo(load.position(account));
                    assertThat(balance(state, "USD")).as(account + "'s collateral")
                            .isEqualByComparingTo(load.collateral(account));
                }
                long[] written = {0};
                long[] committed = {0};
                for (String topic : List.of(pipeline.topics.journal(), pipeline.topics.margin(), pipeline.topics.marginCalls(),
                        pipeline.topics.liquidations())) {
                    readAll(kafka, topic, "read_uncommitted", (partition, record) -> written[0]++);
                    readAll(kafka, topic, (partition, record) -> committed[0]++);
                }
                String crashes = String.format("%d accounts, %d kills and %d broker restart%s: %d journal and output records"
                        + " written in transactions they aborted, %d committed%n", ACCOUNTS, kills, brokerRestarts,
                        brokerRestarts == 1 ? "" : "s", written[0] - committed[0], committed[0]);
                System.out.print(crashes);
                Files.writeString(work.resolve("audit.txt"), crashes + replay.out() + "\n" + verify.out());
            } finally {
                load.stop.set(true);
                publisher.join(10_000);
                a.destroyForcibly();
                if (b != null) {
                    b.destroyForcibly();
                }
                a.waitFor(30, TimeUnit.SECONDS);
                InMemorySchemaRegistry.dropScope(NAME);
            }
        }
    }

    private static Process start(Path work, String name, BrokerProcess kafka, int port, Path state) throws java.io.IOException {
        return MarginflowInstanceProcess.start(work, name, kafka.bootstrapServers(), NAME, PARTITIONS, port, state,
                "num.standby.replicas=1");
    }

    /**
     * A clearinghouse at work until the test's faults are over: accounts open with a deposit and a
     * long BTC perpetual, then trade a little and top up now and then while the mark falls 12% and
     * recovers every two hours of event time, a clock tick every minute. Every input is stamped with its event time; the ledger each account's
     * inputs add up to is kept for the end.
     */
    private static final class Load implements Runnable {
        private final RealBrokerPipeline pipeline;
        private final Map<String, BigDecimal> positions = new TreeMap<>();
        private final Map<String, BigDecimal> collateral = new TreeMap<>();
        final AtomicBoolean done = new AtomicBoolean();
        /** Ends the load after the round being published (the test's faults are over). */
        final AtomicBoolean finish = new AtomicBoolean();
        /** Ends the load at once (the test failed). */
        final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger published = new AtomicInteger();

        Load(RealBrokerPipeline pipeline) {
            this.pipeline = pipeline;
        }

        /** Waits until the next round is published (or the load is over). */
        void awaitNextRound() throws InterruptedException {
            int now = published.get();
            while (published.get() == now && !done.get()) {
                Thread.sleep(5);
            }
        }

        List<String> accounts() {
            return List.copyOf(positions.keySet());
        }

        BigDecimal position(String account) {
            return positions.get(account);
        }

        BigDecimal collateral(String account) {
            return collateral.get(account);
        }

        @Override
        public void run() {
            Topics topics = pipeline.topics;
            Random random = new Random(17);
            pipeline.send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
            pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 50_000.0, 0));
            pipeline.flush();
            // The instrument is sequenced by another task than the accounts' fills, in no order with them, and
            // this clearinghouse's minute lasts 250 ms: a fill journalled more than engine.unknown-instrument-wait.ms
            // of stream time before its instrument is refused (UNKNOWN_INSTRUMENT; seen once in CI). So the
            // instrument is listed in every journal partition before anyone trades, as a clearinghouse lists it.
            pipeline.awaitJournal(entries -> entries.stream().filter(entry -> entry.getPayload() instanceof Instrument)
                    .count() >= PARTITIONS);
            int movements = 0;
            int fills = 0;
            int round = 0;
            while (!finish.get() && !stop.get() && round < MAX_ROUNDS) {
                round++;
                Instant minute = Inputs.T0.plusSeconds(60L * round);
                if (round <= ACCOUNTS) {
                    String account = String.format("CRASH-%02d", round - 1);
                    // 8,500 to 11,500 USD for IM 8,000 at 50,000: some are called, some liquidated on the way down
                    deposit(account, BigDecimal.valueOf(8_500 + 3_000L * (round % 4) / 3), minute.plusSeconds(1), movements++);
                    trade(account, BigDecimal.ONE, 50_000.0, minute.plusSeconds(2), fills++);
                } else {
                    String account = String.format("CRASH-%02d", random.nextInt(ACCOUNTS));
                    if (random.nextBoolean()) {
                        deposit(account, BigDecimal.valueOf(100 + random.nextInt(900)), minute.plusSeconds(1), movements++);
                    } else {
                        trade(account, new BigDecimal(random.nextBoolean() ? "0.1" : "-0.1"), 50_000.0, minute.plusSeconds(2),
                                fills++);
                    }
                }
                int phase = round % FALL_AND_RECOVERY;
                double drop = 0.12 * Math.min(phase, FALL_AND_RECOVERY - phase) / (FALL_AND_RECOVERY / 2.0);
                pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 50_000.0 * (1 - drop), round));
                pipeline.send(topics.clock(), "clock", clock(round));
                pipeline.flush();
                published.incrementAndGet();
                sleep(250);
            }
            // a last tick, once everything before it is published, decides the last instant
            pipeline.send(topics.clock(), "clock", clock(round + 1));
            pipeline.flush();
            done.set(!stop.get());
        }

        private void deposit(String account, BigDecimal amount, Instant time, int n) {
            CollateralMovement movement = CollateralMovement.newBuilder(
                    Inputs.deposit("M-" + n, account, "USD", amount.toPlainString())).setEventTime(time).build();
            pipeline.send(pipeline.topics.collateral(), account, movement);
            synchronized (this) {
                collateral.merge(account, amount, BigDecimal::add);
            }
        }

        private void trade(String account, BigDecimal quantity, double price, Instant time, int n) {
            Fill trade = Fill.newBuilder(fill("F-" + n, account, "BTC-PERPETUAL", quantity.toPlainString(), price))
                    .setEventTime(time).build();
            pipeline.send(pipeline.topics.fills(), account, trade);
            synchronized (this) {
                positions.merge(account, quantity, BigDecimal::add);
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitCaughtUp(BrokerProcess kafka, Topics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            int settled = 0;
            while (settled < 3) {
                assertThat(System.nanoTime()).as("caught up within 3 minutes").isLessThan(deadline);
                Thread.sleep(1_000);
                boolean idle = ConsumerGroupLag.of(admin, NAME, topics.inputs(), 0) == 0
                        && ConsumerGroupLag.of(admin, NAME, List.of(topics.journal()), 1) == 0;
                settled = idle ? settled + 1 : 0;
            }
        }
    }

    /** Every record on the input topics is in the journal once: an account event in one partition, a market event in each. */
    private static void everyInputJournalledOnce(BrokerProcess kafka, RealBrokerPipeline pipeline) {
        Topics topics = pipeline.topics;
        Map<String, Integer> inputs = new HashMap<>();
        List<String> accountTopics = List.of(topics.fills(), topics.collateral());
        for (String topic : List.of(topics.fills(), topics.collateral(), topics.prices(), topics.instruments(), topics.clock())) {
            readAll(kafka, topic, (partition, record) -> inputs.put(record.topic() + "-" + record.partition() + "@" + record.offset(),
                    accountTopics.contains(topic) ? 1 : PARTITIONS));
        }
        var journal = SpecificAvroSerde.forValues(JournalEntry.class, pipeline.registry).deserializer();
        Map<String, Integer> journalled = new HashMap<>();
        Map<String, List<Integer>> partitionsOf = new HashMap<>();
        readAll(kafka, topics.journal(), (partition, record) -> {
            var source = journal.deserialize(record.topic(), record.value()).getSource();
            String coordinates = source.getTopic() + "-" + source.getPartition() + "@" + source.getOffset();
            journalled.merge(coordinates, 1, Integer::sum);
            partitionsOf.computeIfAbsent(coordinates, c -> new ArrayList<>()).add(partition);
        });
        assertThat(inputs).as("inputs published").hasSizeGreaterThan(FALL_AND_RECOVERY);
        assertThat(journalled).as("each input record journalled once per partition it belongs to").isEqualTo(inputs);
        partitionsOf.forEach((coordinates, partitions) -> assertThat(partitions).as(coordinates).doesNotHaveDuplicates());
    }

    /**
     * Each margin call and liquidation event is on its topic once (by its account and place in the
     * account's chain), and each transition that happens once in a call's or signal's life (issued,
     * met, escalated, expired; triggered, cleared) happens once; an increase or an update of the
     * plan may recur, each its own event.
     */
    private static void eachTransitionOnItsTopicOnce(BrokerProcess kafka, RealBrokerPipeline pipeline) {
        Topics topics = pipeline.topics;
        var calls = SpecificAvroSerde.forValues(MarginCallEvent.class, pipeline.registry).deserializer();
        var signals = SpecificAvroSerde.forValues(LiquidationSignal.class, pipeline.registry).deserializer();
        Map<String, Integer> events = new TreeMap<>();
        Map<String, Integer> onceInALife = new TreeMap<>();
        readAll(kafka, topics.marginCalls(), (partition, record) -> {
            MarginCallEvent call = calls.deserialize(record.topic(), record.value());
            events.merge(call.getAccount() + " #" + call.getSequence(), 1, Integer::sum);
            if (call.getTransition() != MarginCallTransition.INCREASED) {
                onceInALife.merge("call " + call.getCallId() + " " + call.getTransition(), 1, Integer::sum);
            }
        });
        readAll(kafka, topics.liquidations(), (partition, record) -> {
            LiquidationSignal signal = signals.deserialize(record.topic(), record.value());
            events.merge(signal.getAccount() + " #" + signal.getSequence(), 1, Integer::sum);
            if (signal.getTransition() != LiquidationTransition.UPDATED) {
                onceInALife.merge("liquidation " + signal.getSignalId() + " " + signal.getTransition(), 1, Integer::sum);
            }
        });
        assertThat(onceInALife.keySet()).anyMatch(key -> key.startsWith("call ") && key.endsWith(" ISSUED"))
                .anyMatch(key -> key.startsWith("liquidation ") && key.endsWith(" TRIGGERED"));
        assertThat(events).allSatisfy((event, count) -> assertThat(count).as(event).isEqualTo(1));
        assertThat(onceInALife).allSatisfy((transition, count) -> assertThat(count).as(transition).isEqualTo(1));
    }

    /** Every committed record of {@code topic}, partition by partition. */
    private static void readAll(BrokerProcess kafka, String topic, BiConsumer<Integer, ConsumerRecord<byte[], byte[]>> each) {
        readAll(kafka, topic, "read_committed", each);
    }

    /** Every record of {@code topic} a consumer of {@code isolation} level reads, partition by partition. */
    private static void readAll(BrokerProcess kafka, String topic, String isolation,
                                BiConsumer<Integer, ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "isolation.level", isolation), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition partition : partitions) {
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                while (consumer.position(partition) < ends.get(partition)) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        each.accept(partition.partition(), record);
                    }
                }
            }
        }
    }

    private static BigDecimal quantity(JsonNode account, String instrument) {
        for (JsonNode position : account.path("positions")) {
            if (position.path("instrument").asText().equals(instrument)) {
                return new BigDecimal(position.path("quantity").asText());
            }
        }
        return BigDecimal.ZERO;
    }

    private static BigDecimal balance(JsonNode account, String asset) {
        for (JsonNode line : account.path("collateral")) {
            if (line.path("asset").asText().equals(asset)) {
                return new BigDecimal(line.path("balance").asText());
            }
        }
        return BigDecimal.ZERO;
    }
}
