package io.marginflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistries;
import io.marginflow.registry.SchemaRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code marginflow tail TOPIC}: a topic's records as JSON lines, decoded with each record's writer
 * schema from the registry, committed records only. It joins no consumer group and commits nothing.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Prints a topic's records as JSON lines (partition, offset, timestamp, key, value), decoded"
                + " through the schema registry; only committed records (read_committed). Stops with Ctrl-C.",
                "Decimals are exact text, timestamps ISO-8601 (README, \"Console tools\")."})
final class TailCommand implements Runnable {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Mixin
    MarginflowApp.ConfigFile config;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic, e.g. risk.margin-calls")
    String topic;

    @Option(names = "--from-beginning", description = "start at the oldest record (default: only new records)")
    boolean fromBeginning;

    @Option(names = "--account", paramLabel = "ID", description = "only records of this account (by key or account field)")
    String account;

    @Option(names = "--max-records", paramLabel = "N", defaultValue = "0", description = "stop after N records; 0 (default): never")
    long maxRecords;

    @Option(names = "--idle-exit", paramLabel = "SECONDS", defaultValue = "0",
            description = "stop when no record has arrived for this long; 0 (default): never")
    long idleExit;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private RegistryJson json;

    @Override
    public void run() {
        if (maxRecords < 0 || idleExit < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-records and --idle-exit cannot be negative");
        }
        MarginflowConfig loaded = config.load();
        SchemaRegistry registry = SchemaRegistries.fromConfig(loaded.registryConfig());
        json = new RegistryJson(registry);
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaConsumer<byte[], byte[]> consumer = readOnlyConsumer(loaded)) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                consumer.wakeup();
                try {
                    main.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "marginflow-tail-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            if (partitions.isEmpty()) {
                throw new MarginflowApp.UserMistake("there is no topic " + topic + " on " + loaded.get("bootstrap.servers"));
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long printed = 0;
            long idleSince = System.nanoTime();
            try {
                while (maxRecords == 0 || printed < maxRecords) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    if (!records.isEmpty()) {
                        idleSince = System.nanoTime();
                    } else if (idleExit > 0 && System.nanoTime() - idleSince > Duration.ofSeconds(idleExit).toNanos()) {
                        break;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        JsonNode line = line(record);
                        if (line != null && (maxRecords == 0 || printed < maxRecords)) {
                            out.println(line);
                            printed++;
                        }
                    }
                    out.flush();
                }
            } catch (WakeupException e) {
                // Ctrl-C
            } finally {
                out.flush();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
    }

    /**
     * A consumer of committed records only, in no consumer group, committing nothing and creating
     * no topic: it reads without leaving a trace.
     */
    static KafkaConsumer<byte[], byte[]> readOnlyConsumer(MarginflowConfig config) {
        Map<String, Object> properties = config.consumerProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The record as one JSON object, or null when --account filters it out. */
    private JsonNode line(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        ObjectNode line = JSON.objectNode()
                .put("partition", record.partition())
                .put("offset", record.offset())
                .put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString())
                .put("key", key);
        if (record.value() == null) {
            line.putNull("value");
        } else {
            try {
                line.set("value", json.decode(record));
            } catch (RuntimeException | IOException e) {
                line.put("error", "cannot decode the value: " + e.getMessage());
            }
        }
        if (account != null && !account.equals(key) && !ofAccount(line.get("value"))) {
            return null;
        }
        return line;
    }

    /** The value names the account, itself or in the record it carries (a journal entry's payload). */
    private boolean ofAccount(JsonNode value) {
        if (value == null || !value.isObject()) {
            return false;
        }
        if (account.equals(value.path("account").textValue())) {
            return true;
        }
        for (JsonNode child : value) {
            if (child.isObject() && child.size() == 1 && account.equals(child.elements().next().path("account").textValue())) {
                return true;
            }
        }
        return false;
    }
}
