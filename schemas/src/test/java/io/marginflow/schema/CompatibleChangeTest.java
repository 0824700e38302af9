package io.marginflow.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * The compatible change on record: {@code Fill} version 2 added the optional {@code orderId}
 * (default null). A fill written by a publisher still on version 1 decodes with today's class.
 */
class CompatibleChangeTest {

    @Test
    void aFillWrittenWithVersion1DecodesWithTheCurrentSchema() throws IOException {
        Schema version1 = SchemaHistory.of(Fill.getClassSchema()).releases().get(0).schema();
        assertThat(version1.getField("orderId")).as("version 1 has no orderId").isNull();

        GenericRecord written = new GenericData.Record(version1);
        written.put("fillId", "F-1");
        written.put("account", "ACC-7");
        written.put("instrument", "BTC-PERPETUAL");
        written.put("quantity", decimalBytes(version1, "quantity", new BigDecimal("-2.5")));
        written.put("price", 64_250.5);
        written.put("fee", decimalBytes(version1, "fee", new BigDecimal("1.25")));
        written.put("feeAsset", "USD");
        written.put("eventTime", 1_584_000_000_000L);
        written.put("sequence", 42L);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(version1).write(written, encoder);
        encoder.flush();

        SpecificDatumReader<Fill> reader = new SpecificDatumReader<>(version1, Fill.getClassSchema());
        Fill read = reader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.getFillId()).isEqualTo("F-1");
        assertThat(read.getQuantity()).isEqualByComparingTo("-2.5");
        assertThat(read.getFee()).isEqualByComparingTo("1.25");
        assertThat(read.getPrice()).isEqualTo(64_250.5);
        assertThat(read.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_584_000_000_000L));
        assertThat(read.getSequence()).isEqualTo(42L);
        assertThat(read.getOrderId()).as("the field added in version 2 takes its default").isNull();
    }

    private static ByteBuffer decimalBytes(Schema record, String field, BigDecimal value) {
        Schema schema = record.getField(field).schema();
        LogicalTypes.Decimal decimal = (LogicalTypes.Decimal) schema.getLogicalType();
        return new Conversions.DecimalConversion()
                .toBytes(value.setScale(decimal.getScale()), schema, decimal);
    }
}
