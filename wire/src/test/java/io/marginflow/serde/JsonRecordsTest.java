package io.marginflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marginflow.schema.Fill;
import io.marginflow.schema.JournalEntry;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class JsonRecordsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void everyTopicsRecordRoundTripsThroughJson() {
        for (ContractSamples.Sample sample : ContractSamples.everyTopic()) {
            SpecificRecord record = sample.record();
            JsonNode json = JsonRecords.toJson(record, record.getSchema());

            assertThat(JsonRecords.fromJson(json, record.getSchema(), SpecificData.getForClass(record.getClass())))
                    .as(sample.topic())
                    .isEqualTo(record);
        }
    }

    @Test
    void decimalsAreExactTextTimestampsAreInstantsAndAbsentOptionalsAreNull() {
        Fill fill = Fill.newBuilder(ContractSamples.fill()).setQuantity(new BigDecimal("-2.500000000000000000")).build();

        JsonNode json = JsonRecords.toJson(fill, fill.getSchema());

        assertThat(json.get("quantity").textValue()).isEqualTo("-2.5");
        assertThat(json.get("eventTime").textValue()).isEqualTo(fill.getEventTime().toString());
        assertThat(json.get("orderId").isNull()).isEqualTo(fill.getOrderId() == null);
    }

    @Test
    void rawGenericRecordsReadWithTheWritersSchemaPrintTheSame() throws Exception {
        Fill fill = ContractSamples.fill();
        byte[] bytes = WireFormat.encode(1, new SpecificDatumWriter<>(Fill.getClassSchema()), fill);
        GenericRecord raw = new GenericDatumReader<GenericRecord>(Fill.getClassSchema(), Fill.getClassSchema(),
                new GenericData()).read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(raw.get("quantity")).isInstanceOf(ByteBuffer.class);

        assertThat(JsonRecords.toJson(raw, Fill.getClassSchema())).isEqualTo(JsonRecords.toJson(fill, fill.getSchema()));
    }

    @Test
    void aUnionOfRecordsIsWrittenAndReadUnderTheBranchName() throws Exception {
        JournalEntry entry = (JournalEntry) ContractSamples.everyTopic().stream()
                .filter(sample -> sample.record() instanceof JournalEntry).findFirst().orElseThrow().record();

        JsonNode json = JsonRecords.toJson(entry, entry.getSchema());

        assertThat(json.get("payload").fieldNames().next()).isEqualTo(((SpecificRecord) entry.getPayload()).getSchema().getName());
    }

    @Test
    void aPublisherWritesAFillByHandWithDefaultsAndEpochMillis() throws Exception {
        JsonNode json = MAPPER.readTree("{\"fillId\":\"F1\",\"account\":\"A1\",\"instrument\":\"BTC-PERPETUAL\","
                + "\"quantity\":2,\"price\":60000,\"fee\":\"0.5\",\"feeAsset\":\"USD\",\"eventTime\":1709294400000,"
                + "\"sequence\":1}");

        Fill fill = (Fill) JsonRecords.fromJson(json, Fill.getClassSchema(), SpecificData.getForClass(Fill.class));

        assertThat(fill.getQuantity()).isEqualTo(new BigDecimal("2.000000000000000000"));
        assertThat(fill.getFee()).isEqualByComparingTo("0.5");
        assertThat(fill.getEventTime()).hasToString("2024-03-01T12:00:00Z");
        assertThat(fill.getOrderId()).isNull();
    }

    @Test
    void mistakesNameTheField() throws Exception {
        Schema schema = Fill.getClassSchema();
        SpecificData model = SpecificData.getForClass(Fill.class);
        JsonNode fill = JsonRecords.toJson(ContractSamples.fill(), schema);

        assertThatThrownBy(() -> JsonRecords.fromJson(((com.fasterxml.jackson.databind.node.ObjectNode) fill.deepCopy())
                .put("quantity", "1.0000000000000000001"), schema, model))
                .hasMessage("Fill.quantity: 1.0000000000000000001 has more than 18 decimal places");
        assertThatThrownBy(() -> JsonRecords.fromJson(((com.fasterxml.jackson.databind.node.ObjectNode) fill.deepCopy())
                .put("eventTime", "yesterday"), schema, model))
                .hasMessageStartingWith("Fill.eventTime: expected an ISO-8601 instant");
        assertThatThrownBy(() -> JsonRecords.fromJson(((com.fasterxml.jackson.databind.node.ObjectNode) fill.deepCopy())
                .put("venue", "X"), schema, model))
                .hasMessageStartingWith("Fill has no field venue");
        assertThatThrownBy(() -> JsonRecords.fromJson(((com.fasterxml.jackson.databind.node.ObjectNode) fill.deepCopy())
                .without("account"), schema, model))
                .hasMessage("Fill.account is missing");
    }
}
