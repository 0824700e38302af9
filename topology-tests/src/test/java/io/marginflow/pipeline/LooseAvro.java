package io.marginflow.pipeline;

import io.marginflow.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes a record the way a careless producer with a generic Avro writer might: decimals are
 * written as their unscaled bytes with no precision check (so a quantity of 1e30 goes out as
 * 49 digits), everything else as the schema says; then framed in the Confluent wire format
 * with the schema's registry id. What the sequencer must survive.
 */
public final class LooseAvro {

    private LooseAvro() {}

    /** {@code record} in the wire format, its schema registered under {@code topic}'s value subject. */
    public static byte[] wireFormat(SchemaRegistry registry, String topic, SpecificRecord record) {
        Schema schema = record.getSchema();
        int id = registry.register(topic + "-value", schema);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<Object>(schema, new GenericData()).write(generic(schema, record), encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Object generic(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        switch (schema.getType()) {
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL && accepts(branch, value)) {
                        return generic(branch, value);
                    }
                }
                throw new IllegalArgumentException("no union branch for " + value.getClass());
            }
            case RECORD -> {
                SpecificRecord specific = (SpecificRecord) value;
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), generic(field.schema(), specific.get(field.pos())));
                }
                return record;
            }
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(generic(schema.getElementType(), item));
                }
                return items;
            }
            case ENUM -> {
                return new GenericData.EnumSymbol(schema, value.toString());
            }
            case BYTES -> {
                if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal && value instanceof BigDecimal amount) {
                    return ByteBuffer.wrap(amount.setScale(decimal.getScale()).unscaledValue().toByteArray());
                }
                return value;
            }
            case LONG -> {
                return value instanceof Instant instant ? instant.toEpochMilli() : value;
            }
            case STRING -> {
                return value.toString();
            }
            default -> {
                return value;
            }
        }
    }

    private static boolean accepts(Schema branch, Object value) {
        return switch (branch.getType()) {
            case RECORD -> value instanceof SpecificRecord record
                    && record.getSchema().getFullName().equals(branch.getFullName());
            case ENUM -> value instanceof Enum<?>;
            case STRING -> value instanceof CharSequence;
            case INT -> value instanceof Integer;
            case LONG -> value instanceof Long || value instanceof Instant;
            case DOUBLE -> value instanceof Double;
            case BOOLEAN -> value instanceof Boolean;
            case BYTES -> value instanceof ByteBuffer || value instanceof BigDecimal;
            case ARRAY -> value instanceof List<?>;
            default -> false;
        };
    }
}
