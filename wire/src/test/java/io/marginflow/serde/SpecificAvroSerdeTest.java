package io.marginflow.serde;

import static io.marginflow.serde.ContractSamples.amount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.registry.Compatibility;
import io.marginflow.registry.EditedSchemas;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.registry.SchemaWrites;
import io.marginflow.schema.Fill;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.serde.RecordDecodingException.Reason;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How Marginflow puts its contract records on Kafka: the Confluent wire format. */
class SpecificAvroSerdeTest {

    private final String scope = "serde-test-" + UUID.randomUUID();
    private final SchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    static Stream<ContractSamples.Sample> everyTopic() {
        return ContractSamples.everyTopic().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTopic")
    void everyTopicsRecordSurvivesTheRoundTrip(ContractSamples.Sample sample) {
        SpecificAvroSerde<SpecificRecord> serde = serdeFor(sample.record(), registry);

        byte[] bytes = serde.serializer().serialize(sample.topic(), sample.record());

        assertThat(serde.deserializer().deserialize(sample.topic(), bytes)).isEqualTo(sample.record());
    }

    @Test
    void bytesStartWithMagicByteZeroAndTheSchemaIdRegisteredUnderTopicValue() {
        byte[] bytes = SpecificAvroSerde.forValues(Fill.class, registry).serializer()
                .serialize("clearing.fills", ContractSamples.fill());

        int registeredId = registry.idOf("clearing.fills-value", Fill.getClassSchema());
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);
    }

    @Test
    void aKeySerdeRegistersUnderTopicKey() {
        new SpecificAvroSerde<>(PriceUpdate.class, registry, true).serializer()
                .serialize("market.prices", ContractSamples.price());

        assertThat(registry.idOf("market.prices-key", PriceUpdate.getClassSchema())).isPositive();
    }

    @Test
    void withoutAutoRegistrationTheSchemaMustAlreadyBeRegistered() {
        var serializer = new SpecificAvroSerde<>(Fill.class, new SchemaWrites(registry, false, false), false).serializer();

        assertThatThrownBy(() -> serializer.serialize("clearing.fills", ContractSamples.fill()))
                .isInstanceOf(RecordEncodingException.class)
                .hasMessageContaining("subject clearing.fills-value");

        registry.register("clearing.fills-value", Fill.getClassSchema());
        assertThat(serializer.serialize("clearing.fills", ContractSamples.fill())).isNotEmpty();
    }

    @Test
    void withTheLatestVersionRecordsAreTranslatedToItAndWrittenUnderItsId() throws Exception {
        registry.register("clearing.fills-value", Fill.getClassSchema());
        Schema latest = EditedSchemas.withVenue(Fill.getClassSchema(), Schema.Type.STRING, "XCME");
        int latestId = registry.register("clearing.fills-value", latest);
        var serde = new SpecificAvroSerde<>(Fill.class, new SchemaWrites(registry, false, true), false);

        byte[] bytes = serde.serializer().serialize("clearing.fills", ContractSamples.fill());

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latestId);
        GenericRecord asLatest = new GenericDatumReader<GenericRecord>(latest)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(asLatest.get("venue")).hasToString("XCME");
        assertThat(asLatest.get("fillId")).hasToString(ContractSamples.fill().getFillId());
        assertThat(serde.deserializer().deserialize("clearing.fills", bytes)).isEqualTo(ContractSamples.fill());
    }

    @Test
    void aLatestVersionThatCannotReadTheRecordIsRefusedNamingTheSubject() {
        registry.setCompatibility("clearing.fills-value", Compatibility.NONE);
        registry.register("clearing.fills-value", EditedSchemas.withVenue(Fill.getClassSchema(), Schema.Type.STRING, null));
        var serializer = new SpecificAvroSerde<>(Fill.class, new SchemaWrites(registry, false, true), false).serializer();

        assertThatThrownBy(() -> serializer.serialize("clearing.fills", ContractSamples.fill()))
                .isInstanceOf(RecordEncodingException.class)
                .hasMessageContaining("latest version under subject clearing.fills-value")
                .hasMessageContaining("venue");
    }

    @Test
    void quantitiesAndMoneyAreExactToEighteenDecimalPlaces() {
        Fill fill = Fill.newBuilder(ContractSamples.fill())
                .setQuantity(amount("12345678901234567890.123456789012345678"))
                .setFee(new BigDecimal("0.1")) // fewer places than the schema's scale are padded, never rounded
                .build();
        var serde = SpecificAvroSerde.forValues(Fill.class, registry);

        Fill read = serde.deserializer().deserialize("clearing.fills", serde.serializer().serialize("clearing.fills", fill));

        assertThat(read.getQuantity()).isEqualTo(new BigDecimal("12345678901234567890.123456789012345678"));
        assertThat(read.getFee()).isEqualByComparingTo("0.1");
    }

    @Test
    void anAmountWithMorePlacesThanTheSchemaIsRefusedRatherThanRounded() {
        Fill fill = Fill.newBuilder(ContractSamples.fill()).setQuantity(new BigDecimal("1.0000000000000000001")).build();

        assertThatThrownBy(() -> SpecificAvroSerde.forValues(Fill.class, registry).serializer()
                .serialize("clearing.fills", fill))
                .isInstanceOf(RecordEncodingException.class)
                .hasMessageContaining("Fill")
                .hasMessageContaining("clearing.fills")
                .hasMessageContaining("scale");
    }

    @Test
    void aRecordMissingARequiredFieldIsRefused() {
        Fill fill = ContractSamples.fill();
        fill.put("account", null);

        assertThatThrownBy(() -> SpecificAvroSerde.forValues(Fill.class, registry).serializer()
                .serialize("clearing.fills", fill))
                .isInstanceOf(RecordEncodingException.class)
                .hasMessageContaining("account");
    }

    @Test
    void aFillWrittenWithSchemaVersion1DecodesIntoTodaysClass() {
        int version1 = registry.register("clearing.fills-value", ContractSamples.releasedSchema("Fill", 1));
        byte[] written = ContractSamples.fillWrittenWithVersion1(version1);

        Fill read = SpecificAvroSerde.forValues(Fill.class, registry).deserializer().deserialize("clearing.fills", written);

        Fill expected = Fill.newBuilder(ContractSamples.fill()).setOrderId(null).build();
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void aTombstoneStaysNullBothWays() {
        var serde = SpecificAvroSerde.forValues(Fill.class, registry);

        assertThat(serde.serializer().serialize("clearing.fills", null)).isNull();
        assertThat(serde.deserializer().deserialize("clearing.fills", null)).isNull();
    }

    /** Every kind of bad input fails with its own reason and the record's coordinates; never a bare NPE or null. */
    @Nested
    class BadInput {

        private final RecordCoordinates at = RecordCoordinates.of("clearing.fills", 2, 17L);
        private final SpecificAvroDeserializer<Fill> fills = SpecificAvroSerde.forValues(Fill.class, registry).deserializer();

        @Test
        void bytesThatAreNotTheWireFormat() {
            byte[] json = "{\"fillId\":\"F-1\"}".getBytes(StandardCharsets.UTF_8);

            assertThatThrownBy(() -> fills.decode(at, json))
                    .isInstanceOfSatisfying(RecordDecodingException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.NOT_WIRE_FORMAT);
                        assertThat(e.coordinates()).isEqualTo(at);
                    })
                    .hasMessageContaining("topic clearing.fills partition 2 offset 17")
                    .hasMessageContaining("first byte is 0x7b");
        }

        @Test
        void bytesShorterThanTheHeader() {
            assertThatThrownBy(() -> fills.decode(at, new byte[] {0, 0, 1}))
                    .isInstanceOfSatisfying(RecordDecodingException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_WIRE_FORMAT))
                    .hasMessageContaining("3 bytes is shorter than the 5-byte header");
        }

        @Test
        void aMissingValueWhereARecordIsRequired() {
            assertThatThrownBy(() -> fills.decode(at, null))
                    .isInstanceOfSatisfying(RecordDecodingException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_WIRE_FORMAT))
                    .hasMessageContaining("no value");
        }

        @Test
        void anUnknownSchemaId() {
            byte[] bytes = {0, 0, 0, 0x27, 0x0f, 2, 'x'};

            assertThatThrownBy(() -> fills.decode(at, bytes))
                    .isInstanceOfSatisfying(RecordDecodingException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
                        assertThat(e.schemaId()).hasValue(9_999);
                    })
                    .hasMessageContaining("schema id 9999");
        }

        @Test
        void aDifferentRecordTypeOnTheTopic() {
            byte[] price = SpecificAvroSerde.forValues(PriceUpdate.class, registry).serializer()
                    .serialize("clearing.fills", ContractSamples.price());

            assertThatThrownBy(() -> fills.decode(at, price))
                    .isInstanceOfSatisfying(RecordDecodingException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_WRITER_SCHEMA))
                    .hasMessageContaining("io.marginflow.schema.PriceUpdate cannot be read as io.marginflow.schema.Fill");
        }

        @Test
        void aTruncatedBody() {
            byte[] whole = SpecificAvroSerde.forValues(Fill.class, registry).serializer()
                    .serialize("clearing.fills", ContractSamples.fill());
            byte[] truncated = Arrays.copyOf(whole, whole.length - 10);

            assertThatThrownBy(() -> fills.decode(at, truncated))
                    .isInstanceOfSatisfying(RecordDecodingException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_AVRO))
                    .hasMessageContaining("does not decode as io.marginflow.schema.Fill");
        }

        @Test
        void bytesLeftOverAfterTheRecord() {
            byte[] whole = SpecificAvroSerde.forValues(Fill.class, registry).serializer()
                    .serialize("clearing.fills", ContractSamples.fill());
            byte[] padded = Arrays.copyOf(whole, whole.length + 3);

            assertThatThrownBy(() -> fills.decode(at, padded))
                    .isInstanceOfSatisfying(RecordDecodingException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_AVRO))
                    .hasMessageContaining("bytes are left over");
        }

        @Test
        void theKafkaDeserializerNamesTheTopic() {
            assertThatThrownBy(() -> fills.deserialize("clearing.fills", new byte[] {1, 2, 3, 4, 5, 6}))
                    .isInstanceOf(RecordDecodingException.class)
                    .hasMessageContaining("topic clearing.fills:");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static SpecificAvroSerde<SpecificRecord> serdeFor(SpecificRecord record, SchemaRegistry registry) {
        return SpecificAvroSerde.forValues((Class) record.getClass(), registry);
    }
}
