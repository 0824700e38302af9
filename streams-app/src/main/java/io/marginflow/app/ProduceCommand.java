package io.marginflow.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistries;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.sequencer.InputValidator;
import io.marginflow.serde.JsonRecords;
import io.marginflow.serde.SpecificAvroSerde;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code marginflow produce TOPIC --json FILE}: JSON lines published as Avro in the wire format,
 * through the schema registry, keyed and stamped as the contract asks (key: the record's account,
 * instrument or underlying; timestamp: its event time). Every line is read and checked with the
 * sequencer's own rules before any is sent, so a mistake publishes nothing.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Publishes JSON lines, one record each, to an input topic as Avro through the schema registry;"
                + " each is keyed and stamped as the sequencer expects, and checked with its rules first: a bad line"
                + " publishes nothing.",
                "Decimals as \"0.25\" or numbers, timestamps as ISO-8601 or epoch milliseconds; missing optional fields"
                        + " take their defaults (README, \"Console tools\")."})
final class ProduceCommand implements Runnable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    MarginflowApp.ConfigFile config;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "an input topic, e.g. clearing.fills")
    String topic;

    @Option(names = "--json", required = true, paramLabel = "FILE|-", description = "JSON lines; - reads standard input")
    String json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        MarginflowConfig loaded = config.load();
        Schema schema = SchemaSetup.valueSchemas(loaded.topics()).get(topic);
        if (schema == null || !loaded.topics().inputs().contains(topic)) {
            throw new MarginflowApp.UserMistake("produce publishes to an input topic (" + String.join(", ",
                    loaded.topics().inputs()) + "), not " + topic);
        }
        List<SpecificRecord> records = read(schema, new InputValidator(loaded.inputBounds()));
        waitOn(loaded, records);
    }

    private List<SpecificRecord> read(Schema schema, InputValidator validator) {
        SpecificData model = SpecificData.getForSchema(schema);
        List<SpecificRecord> records = new ArrayList<>();
        try (BufferedReader in = json.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(json), StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                SpecificRecord record = parse(line, number, schema, model);
                var rejection = validator.check(InputRecords.key(record), record, InputRecords.eventTime(record));
                if (rejection.isPresent()) {
                    throw new MarginflowApp.UserMistake("line " + number + ": the sequencer would refuse it: "
                            + rejection.get().errorClass() + ": " + rejection.get().reason());
                }
                records.add(record);
            }
        } catch (IOException e) {
            Path path = Path.of(json).toAbsolutePath();
            throw new MarginflowApp.UserMistake("cannot read " + (json.equals("-") ? "standard input" : path) + ": "
                    + (Files.exists(path) || json.equals("-") ? e.getMessage() : "no such file"));
        }
        return records;
    }

    private static SpecificRecord parse(String line, int number, Schema schema, SpecificData model) {
        try {
            JsonNode node = MAPPER.readTree(line);
            return (SpecificRecord) JsonRecords.fromJson(node, schema, model);
        } catch (JsonProcessingException e) {
            throw new MarginflowApp.UserMistake("line " + number + ": not JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new MarginflowApp.UserMistake("line " + number + ": " + e.getMessage());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void waitOn(MarginflowConfig loaded, List<SpecificRecord> records) {
        if (records.isEmpty()) {
            spec.commandLine().getOut().println("nothing to publish");
            spec.commandLine().getOut().flush();
            return;
        }
        Serializer<SpecificRecord> values = SpecificAvroSerde.forSink((Class) records.get(0).getClass(),
                SchemaRegistries.fromConfig(loaded.registryConfig()));
        MarginflowApp.waitOn(() -> {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(loaded.producerProperties(),
                    new StringSerializer(), (t, bytes) -> bytes)) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (SpecificRecord record : records) {
                    sent.add(producer.send(new ProducerRecord<>(topic, null, InputRecords.eventTime(record).toEpochMilli(),
                            InputRecords.key(record), values.serialize(topic, record))));
                }
                for (Future<RecordMetadata> future : sent) {
                    future.get();
                }
            }
            spec.commandLine().getOut().println("published " + records.size() + " records to " + topic);
            spec.commandLine().getOut().flush();
        });
    }
}
