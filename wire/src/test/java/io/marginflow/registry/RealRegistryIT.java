package io.marginflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.marginflow.schema.Fill;
import io.marginflow.serde.ContractSamples;
import io.marginflow.serde.RecordCoordinates;
import io.marginflow.serde.RecordDecodingException;
import io.marginflow.serde.RecordEncodingException;
import io.marginflow.serde.SpecificAvroSerde;
import io.marginflow.serde.WireFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The registry client and the serde against a real Confluent-compatible registry server
 * (Apicurio Registry, see {@link ApicurioRegistryServer}), over TLS with basic authentication.
 * Skipped with a message where the machine has no Java 21+ runtime, except under {@code CI=true},
 * where that is a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealRegistryIT {

    private static final AtomicInteger TOPICS = new AtomicInteger();

    private ApicurioRegistryServer server;

    @BeforeAll
    void startRegistry() throws Exception {
        Optional<Path> home = ApicurioRegistryServer.home();
        requireOrSkip(home.isPresent(), "Apicurio Registry is not unpacked; run the tests through Maven"
                + " (mvn verify unpacks it into streams-app/target/apicurio-registry)");
        Optional<Path> java = ApicurioRegistryServer.java21Home();
        requireOrSkip(java.isPresent(), "Apicurio Registry needs a Java 21+ runtime and none was found;"
                + " set APICURIO_JAVA_HOME or install one under /usr/lib/jvm");
        server = ApicurioRegistryServer.start(home.get(), java.get());
    }

    @AfterAll
    void stopRegistry() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void registersEveryProjectSchemaAndServesItBackById() {
        String prefix = freshPrefix();
        SchemaRegistry writer = client();
        Map<Integer, Schema> registered = new HashMap<>();
        for (ContractSamples.Sample sample : ContractSamples.everyTopic()) {
            Schema schema = sample.record().getSchema();
            int id = writer.register(prefix + sample.topic() + "-value", schema);
            assertThat(writer.idOf(prefix + sample.topic() + "-value", schema)).isEqualTo(id);
            registered.put(id, schema);
        }

        assertThat(registered).hasSize(ContractSamples.everyTopic().size());
        SchemaRegistry reader = client(); // a fresh cache: every answer comes from the server
        registered.forEach((id, schema) -> assertThat(reader.schemaById(id)).isEqualTo(schema));
    }

    @Test
    void everyTopicsRecordRoundTripsThroughTheSerdeAndTheServer() {
        String prefix = freshPrefix();
        List<SpecificRecord> read = new ArrayList<>();
        for (ContractSamples.Sample sample : ContractSamples.everyTopic()) {
            String topic = prefix + sample.topic();
            byte[] bytes = serdeFor(sample.record(), client()).serializer().serialize(topic, sample.record());
            read.add(serdeFor(sample.record(), client()).deserializer().deserialize(topic, bytes));
        }

        assertThat(read).containsExactlyElementsOf(
                ContractSamples.everyTopic().stream().map(ContractSamples.Sample::record).toList());
    }

    @Test
    void bytesWrittenWithAnOlderSchemaVersionDecodeIntoTodaysClass() {
        String topic = freshPrefix() + "clearing.fills";
        SchemaRegistry registry = client();
        int version1 = registry.register(topic + "-value", ContractSamples.releasedSchema("Fill", 1));
        registry.setCompatibility(topic + "-value", Compatibility.BACKWARD);
        byte[] writtenWithVersion1 = ContractSamples.fillWrittenWithVersion1(version1);

        SpecificAvroSerde<Fill> serde = SpecificAvroSerde.forValues(Fill.class, client());
        byte[] writtenToday = serde.serializer().serialize(topic, ContractSamples.fill());

        assertThat(WireFormat.schemaId(writtenToday, RecordCoordinates.ofTopic(topic)))
                .as("today's Fill is registered as a new version of the subject")
                .isNotEqualTo(version1);
        assertThat(serde.deserializer().deserialize(topic, writtenWithVersion1))
                .isEqualTo(Fill.newBuilder(ContractSamples.fill()).setOrderId(null).build());
        assertThat(serde.deserializer().deserialize(topic, writtenToday)).isEqualTo(ContractSamples.fill());
    }

    @Test
    void serializersFollowConfluentsRegistrationSettingsAgainstTheServer() {
        String topic = freshPrefix() + "clearing.fills";
        SchemaRegistry noRegistration = client(Map.of(SchemaWrites.AUTO_REGISTER, "false"));
        var strict = SpecificAvroSerde.forValues(Fill.class, noRegistration).serializer();
        assertThatThrownBy(() -> strict.serialize(topic, ContractSamples.fill()))
                .isInstanceOf(RecordEncodingException.class)
                .hasMessageContaining(topic + "-value");

        int own = client().register(topic + "-value", Fill.getClassSchema());
        assertThat(WireFormat.schemaId(strict.serialize(topic, ContractSamples.fill()), RecordCoordinates.ofTopic(topic)))
                .isEqualTo(own);

        Schema later = EditedSchemas.withVenue(Fill.getClassSchema(), Schema.Type.STRING, "XBTS");
        int latest = client().register(topic + "-value", later);
        SchemaRegistry latestVersion = client(Map.of(SchemaWrites.AUTO_REGISTER, "false",
                SchemaWrites.USE_LATEST_VERSION, "true"));
        assertThat(latestVersion.latest(topic + "-value")).isEqualTo(new SchemaRegistry.Registered(latest, later));
        byte[] bytes = SpecificAvroSerde.forValues(Fill.class, latestVersion).serializer().serialize(topic, ContractSamples.fill());
        assertThat(WireFormat.schemaId(bytes, RecordCoordinates.ofTopic(topic))).isEqualTo(latest);
        assertThat(SpecificAvroSerde.forValues(Fill.class, client()).deserializer().deserialize(topic, bytes))
                .isEqualTo(ContractSamples.fill());
    }

    @Test
    void anIncompatibleSchemaIsRefusedOnceTheSubjectIsBackward() {
        String subject = freshPrefix() + "clearing.fills-value";
        SchemaRegistry registry = client();
        registry.register(subject, Fill.getClassSchema());
        registry.setCompatibility(subject, Compatibility.BACKWARD);

        assertThatThrownBy(() -> registry.register(subject, EditedSchemas.withVenue(Fill.getClassSchema(), Schema.Type.STRING, null)))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(subject)
                .hasMessageContaining("409");
        assertThat(registry.register(subject, EditedSchemas.withVenue(Fill.getClassSchema(), Schema.Type.STRING, "XBTS")))
                .as("a field with a default is a compatible change")
                .isPositive();
    }

    @Test
    void anUnknownSchemaIdIsReportedAsSuch() {
        byte[] bytes = {0, 0x0f, 0x42, 0x40, 0x00, 2, 'x'};
        RecordCoordinates at = RecordCoordinates.of("clearing.fills", 1, 99L);

        assertThatThrownBy(() -> SpecificAvroSerde.forValues(Fill.class, client()).deserializer().decode(at, bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e ->
                        assertThat(e.reason()).isEqualTo(RecordDecodingException.Reason.UNKNOWN_SCHEMA_ID))
                .hasMessageContaining("topic clearing.fills partition 1 offset 99")
                .hasMessageContaining("schema id 256000000");
    }

    @Test
    void wrongCredentialsAreAClearErrorNotAnOutage() {
        Map<String, Object> config = new HashMap<>(server.clientConfig());
        config.put(SchemaRegistries.BASIC_AUTH_USER_INFO, ApicurioRegistryServer.USER + ":wrong");

        assertThatThrownBy(() -> SchemaRegistries.fromConfig(config).schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .isNotInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("credentials");
    }

    @Test
    void anUntrustedCertificateIsAClearErrorNotAnOutage() {
        Map<String, Object> config = new HashMap<>(server.clientConfig());
        config.remove(SchemaRegistries.TRUSTSTORE_LOCATION);

        assertThatThrownBy(() -> SchemaRegistries.fromConfig(config).schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .isNotInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("TLS")
                .hasMessageContaining("schema.registry.ssl");
    }

    private SchemaRegistry client() {
        return client(Map.of());
    }

    private SchemaRegistry client(Map<String, String> settings) {
        Map<String, Object> config = new HashMap<>(server.clientConfig());
        config.putAll(settings);
        return SchemaRegistries.fromConfig(config);
    }

    private static String freshPrefix() {
        return "t" + TOPICS.incrementAndGet() + ".";
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static SpecificAvroSerde<SpecificRecord> serdeFor(SpecificRecord record, SchemaRegistry registry) {
        return SpecificAvroSerde.forValues((Class) record.getClass(), registry);
    }

    private static void requireOrSkip(boolean available, String why) {
        if (available) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true, so the real-registry test must run: " + why);
        }
        Assumptions.abort(why);
    }
}
