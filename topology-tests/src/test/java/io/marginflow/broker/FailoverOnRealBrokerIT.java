package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.clock;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marginflow.app.SchemaSetup;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.sequencer.JournalPartitioner;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Two instances in processes of their own share six journal partitions, each keeping a standby of
 * the other's tasks. One is killed (SIGKILL) once every account is margined; the survivor takes
 * over its partitions, its query API answers for every account, and a price drop after the kill
 * calls exactly the accounts it should, each once, with every account's hash chain unbroken.
 */
class FailoverOnRealBrokerIT {

    private static final String NAME = "failover";
    private static final int ACCOUNTS = 60;

    @Test
    void theSurvivorTakesOverAnswersForEveryAccountAndLosesOrRepeatsNoCall() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "failover"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                RealBrokerPipeline pipeline = RealBrokerPipeline.on(kafka, NAME, Map.of("topics.partitions", "6"))) {
            SchemaSetup.registerAll(InMemorySchemaRegistry.scope(NAME), pipeline.topics); // the ids every process gives
            int portA = MarginflowInstanceProcess.freePort();
            int portB = MarginflowInstanceProcess.freePort();
            Process a = start(work, "a", kafka, portA);
            Process b = start(work, "b", kafka, portB);
            try {
                MarginflowInstanceProcess.awaitReady(portA, Duration.ofSeconds(90));
                MarginflowInstanceProcess.awaitReady(portB, Duration.ofSeconds(90));
                List<String> accounts = IntStream.range(0, ACCOUNTS).mapToObj(i -> String.format("ACC-%02d", i)).toList();
                assertThat(accounts.stream().map(account -> JournalPartitioner.accountPartition(account, 6)).distinct().count())
                        .as("the accounts land on every partition").isEqualTo(6);

                // 50,000 long 1 BTC: IM 8,000. Even accounts hold 10,000 USD, odd ones 8,500: all normal.
                var topics = pipeline.topics;
                pipeline.send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
                pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 50_000.0, 0));
                for (int i = 0; i < ACCOUNTS; i++) {
                    String account = accounts.get(i);
                    pipeline.send(topics.collateral(), account, deposit(account + "-D", account, "USD", i % 2 == 0 ? "10000" : "8500"));
                    pipeline.send(topics.fills(), account, fill(account + "-F", account, "BTC-PERPETUAL", "1", 50_000.0));
                }
                pipeline.flush();
                // The clock ends the fills' instant only once every deposit and fill is journalled: sequenced by
                // another task, a clock tick published with them can be journalled before a deposit, and the
                // account would be decided on its fill alone (unfunded: liquidated, then cleared by the deposit).
                pipeline.awaitOutputs(records -> funded(records, 8_000) == ACCOUNTS, Duration.ofSeconds(90));
                pipeline.send(topics.clock(), "clock", clock(2));
                pipeline.flush();
                for (String account : accounts) {
                    assertThat(status(portA, account)).as(account + " from A").isEqualTo(200);
                    assertThat(status(portB, account)).as(account + " from B").isEqualTo(200);
                }
                // A list is the two instances' answers merged: pages of 5 from A hold every account once,
                // in order, and the three lowest excesses (odd accounts, 500 each) lead B's worst-first page.
                assertThat(pagedThrough(portA, 5)).isEqualTo(accounts);
                assertThat(listed(portB, "/accounts?order=excess&limit=3")).containsExactly("ACC-01", "ACC-03", "ACC-05");

                long killed = System.nanoTime();
                a.destroyForcibly(); // SIGKILL: no goodbye to the group, no commit
                assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();

                // 49,000: odd accounts 7,500 < IM 7,840 (call), even ones 9,000 (normal).
                pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 49_000.0, 3));
                pipeline.flush();

                long answeredAll = awaitAllAnswered(portB, accounts, Duration.ofMinutes(2)) - killed;
                pipeline.awaitOutputs(records -> margined(records, 7_840) == ACCOUNTS, Duration.ofMinutes(2));
                // The clock ends the mark's instant once the mark is journalled everywhere (published
                // together, the two could be sequenced in either order by different tasks).
                pipeline.send(topics.clock(), "clock", clock(4));
                pipeline.flush();
                pipeline.awaitOutputs(records -> issued(records).size() >= ACCOUNTS / 2, Duration.ofMinutes(2));
                long calledAll = System.nanoTime() - killed;
                pipeline.settle();

                List<String> issued = issued(pipeline.seen);
                assertThat(issued).as("one call for each odd account, none lost, none repeated")
                        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, ACCOUNTS).filter(i -> i % 2 == 1)
                                .mapToObj(accounts::get).toList());
                assertThat(pipeline.seen.stream().filter(LiquidationSignal.class::isInstance)).isEmpty();
                chainsUnbroken(pipeline.seen);
                String measured = String.format("failover: the survivor answered for all %d accounts %.1f s after the kill;"
                        + " all %d calls were out %.1f s after it", ACCOUNTS, answeredAll / 1e9, issued.size(), calledAll / 1e9);
                System.out.println(measured);
                Files.writeString(work.resolve("measured.txt"), measured + "\n");
                assertThat(Duration.ofNanos(answeredAll)).as("takeover").isLessThan(Duration.ofSeconds(60));
            } finally {
                a.destroyForcibly();
                b.destroyForcibly();
                b.waitFor(30, TimeUnit.SECONDS);
                InMemorySchemaRegistry.dropScope(NAME);
            }
        }
    }

    private static Process start(Path work, String name, EmbeddedKafka kafka, int port) throws IOException {
        return MarginflowInstanceProcess.start(work, name, kafka.bootstrapServers(), NAME, 6, port,
                Files.createTempDirectory("marginflow-" + name + "-"), "num.standby.replicas=1");
    }

    /** When the instance on {@code port} first answered 200 for every account. */
    private static long awaitAllAnswered(int port, List<String> accounts, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (accounts.stream().allMatch(account -> status(port, account) == 200)) {
                return System.nanoTime();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the survivor did not answer for every account within " + patience);
    }

    /** Every account the instance on {@code port} lists, page after page of {@code limit}. */
    private static List<String> pagedThrough(int port, int limit) throws IOException {
        List<String> all = new ArrayList<>();
        String next = "";
        do {
            JsonNode page = page(port, "/accounts?limit=" + limit + "&after=" + next);
            assertThat(page.get("accounts").size()).isLessThanOrEqualTo(limit);
            page.get("accounts").forEach(account -> all.add(account.get("account").textValue()));
            next = page.get("next").isNull() ? null : page.get("next").textValue();
        } while (next != null);
        return all;
    }

    private static List<String> listed(int port, String path) throws IOException {
        List<String> ids = new ArrayList<>();
        page(port, path).get("accounts").forEach(account -> ids.add(account.get("account").textValue()));
        return ids;
    }

    private static JsonNode page(int port, String path) throws IOException {
        HttpResponse<String> answer = MarginflowInstanceProcess.get(port, path)
                .orElseThrow(() -> new AssertionError("no answer to " + path));
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body());
    }

    private static int status(int port, String account) {
        return MarginflowInstanceProcess.status(port, "/accounts/" + account);
    }

    private static long margined(List<SpecificRecord> records, int initialMargin) {
        return RealBrokerPipeline.latestResults(records).values().stream()
                .filter(result -> result.getInitialMargin().compareTo(java.math.BigDecimal.valueOf(initialMargin)) == 0).count();
    }

    /** Accounts whose latest result has {@code initialMargin} and the equity of a deposit (8,500 or more). */
    private static long funded(List<SpecificRecord> records, int initialMargin) {
        return RealBrokerPipeline.latestResults(records).values().stream()
                .filter(result -> result.getInitialMargin().compareTo(java.math.BigDecimal.valueOf(initialMargin)) == 0)
                .filter(result -> result.getEquity().compareTo(java.math.BigDecimal.valueOf(8_500)) >= 0).count();
    }

    private static List<String> issued(List<SpecificRecord> records) {
        return records.stream().filter(MarginCallEvent.class::isInstance).map(MarginCallEvent.class::cast)
                .filter(call -> call.getTransition() == MarginCallTransition.ISSUED).map(MarginCallEvent::getAccount).toList();
    }

    /** Each account's outputs number 1, 2, 3 … with no gap and no repeat, each linked to the one before. */
    private static void chainsUnbroken(List<SpecificRecord> records) {
        Map<String, Map<Long, String[]>> links = new TreeMap<>();
        for (SpecificRecord record : records) {
            String account = (String) record.get(record.getSchema().getField("account").pos());
            long sequence = (Long) record.get(record.getSchema().getField("sequence").pos());
            String previous = (String) record.get(record.getSchema().getField("previousHash").pos());
            String hash = (String) record.get(record.getSchema().getField("hash").pos());
            String[] was = links.computeIfAbsent(account, k -> new TreeMap<>()).put(sequence, new String[] {previous, hash});
            assertThat(was).as(account + " output " + sequence + " seen once").isNull();
        }
        links.forEach((account, chain) -> {
            assertThat(chain.keySet()).as(account + "'s sequence numbers")
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, chain.size()).mapToObj(Long::valueOf).toList());
            chain.forEach((sequence, link) -> {
                if (sequence > 1) {
                    assertThat(link[0]).as(account + " output " + sequence + " links to the one before")
                            .isEqualTo(chain.get(sequence - 1)[1]);
                }
            });
        });
        assertThat(links).isNotEmpty();
    }
}
