package io.marginflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.registry.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console tools as a user runs them: {@code produce} publishes the README's example records
 * (docs/examples) from JSON lines, the application margins the account, and {@code tail} prints
 * the result as JSON. The application runs with {@code auto.register.schemas=false}, so it writes
 * only with the schemas {@code create-topics} registered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleToolsOnRealBrokerIT {

    private static final String NAME = "console-tools";
    private static final Path EXAMPLES = Path.of("..", "docs", "examples");
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddedKafka kafka;
    private RealBrokerPipeline pipeline;
    private Path config;

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.start();
        pipeline = RealBrokerPipeline.on(kafka, NAME, Map.of("auto.register.schemas", "false"));
        config = Files.createTempFile("marginflow-console-", ".properties");
        Files.writeString(config, String.join("\n", "bootstrap.servers=" + kafka.bootstrapServers(),
                "schema.registry.url=mock://" + NAME, "topics.partitions=3", "auto.register.schemas=false") + "\n");
        assertThat(run("create-topics").code()).isZero();
        pipeline.startApplication();
    }

    @AfterAll
    void stop() throws Exception {
        pipeline.close();
        kafka.close();
        InMemorySchemaRegistry.dropScope(NAME);
        Files.deleteIfExists(config);
    }

    @Test
    void theExampleRecordsProducedAsJsonComeBackAsTheAccountsMarginInJson() {
        for (String[] input : List.of(new String[] {"refdata.instruments", "instruments"}, new String[] {"market.prices", "prices"},
                new String[] {"clearing.collateral", "collateral"}, new String[] {"clearing.fills", "fills"})) {
            CommandRun produced = run("produce", input[0], "--json", EXAMPLES.resolve(input[1] + ".jsonl").toString());
            assertThat(produced.code()).as(produced.err()).isZero();
            assertThat(produced.out()).isEqualTo("published 1 records to " + input[0] + "\n");
        }

        // The deposit's result comes first, then the fill's: read until the fill's is there.
        JsonNode result = null;
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while ((result == null || !result.get("initialMargin").textValue().equals("9600")) && System.nanoTime() < deadline) {
            CommandRun tail = run("tail", "risk.margin", "--from-beginning", "--account", "ACC-1", "--idle-exit", "2");
            assertThat(tail.code()).as(tail.err()).isZero();
            List<String> lines = tail.out().lines().toList();
            if (!lines.isEmpty()) {
                JsonNode line = parse(lines.get(lines.size() - 1));
                assertThat(line.get("key").textValue()).isEqualTo("ACC-1");
                result = line.get("value");
            }
        }
        assertThat(result).isNotNull();
        assertThat(result.get("equity").textValue()).isEqualTo("20000");
        assertThat(result.get("initialMargin").textValue()).isEqualTo("9600");
        assertThat(result.get("status").textValue()).isEqualTo("NORMAL");

        CommandRun journal = run("tail", "risk.journal", "--from-beginning", "--account", "ACC-1", "--idle-exit", "5");
        assertThat(journal.out().lines().map(ConsoleToolsOnRealBrokerIT::parse)
                .map(entry -> entry.get("value").get("payload").fieldNames().next()))
                .as("the account's journal entries, found through their payloads")
                .containsExactly("CollateralMovement", "Fill");
    }

    @Test
    void aBadLineIsNamedAndNothingIsPublished() throws Exception {
        Path file = Files.createTempFile("fills-", ".jsonl");
        try {
            Files.writeString(file, Files.readString(EXAMPLES.resolve("fills.jsonl")).replace("ACC-1-F1", "ACC-9-F1")
                    .replace("\"ACC-1\"", "\"ACC-9\"") + "{\"fillId\": \"x\"}\n");

            CommandRun produced = run("produce", "clearing.fills", "--json", file.toString());

            assertThat(produced.code()).isEqualTo(2);
            assertThat(produced.err()).isEqualTo("marginflow: line 2: Fill.account is missing\n");
            CommandRun tail = run("tail", "clearing.fills", "--from-beginning", "--account", "ACC-9", "--idle-exit", "3");
            assertThat(tail.out()).isEmpty();
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void mistakesAreOneLineWithExitCodeTwo() throws Exception {
        Path zeroQuantity = Files.createTempFile("fills-", ".jsonl");
        try {
            Files.writeString(zeroQuantity, Files.readString(EXAMPLES.resolve("fills.jsonl"))
                    .replace("\"quantity\": \"1\"", "\"quantity\": \"0\""));
            assertThat(Stream.of(
                    run("produce", "risk.margin", "--json", "-"),
                    run("produce", "clearing.fills", "--json", "no-such-file.jsonl"),
                    run("produce", "clearing.fills", "--json", zeroQuantity.toString()),
                    run("tail", "no.such.topic")))
                    .allSatisfy(outcome -> {
                        assertThat(outcome.code()).isEqualTo(2);
                        assertThat(outcome.err()).startsWith("marginflow: ").endsWith("\n").hasLineCount(1);
                    })
                    .extracting(outcome -> outcome.err())
                    .anySatisfy(err -> assertThat(err).contains("produce publishes to an input topic"))
                    .anySatisfy(err -> assertThat(err).contains("no-such-file.jsonl: no such file"))
                    .anySatisfy(err -> assertThat(err).contains("line 1: the sequencer would refuse it: ZERO_QUANTITY"))
                    .anySatisfy(err -> assertThat(err).contains("there is no topic no.such.topic"));
        } finally {
            Files.delete(zeroQuantity);
        }
    }

    private CommandRun run(String... args) {
        return CommandRun.of(config, args);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
