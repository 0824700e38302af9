package io.marginflow.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro records as the JSON people read and write, for the console tools: a record is an object,
 * a nullable field its value or {@code null}, a union of several records {@code {"Fill": {...}}},
 * an enum its symbol, a decimal a string holding its exact value ({@code "0.25"}), a
 * timestamp-millis an ISO-8601 instant ({@code "2024-03-01T12:00:00Z"}), other bytes base64 text. Reading accepts the same,
 * and also a number for a decimal and epoch milliseconds for a timestamp; a missing field takes its
 * default. Every error names the field's path.
 */
public final class JsonRecords {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();
    /** Resolves union branches of values with logical types converted (BigDecimal, Instant) or raw. */
    private static final GenericData UNIONS = new GenericData();

    static {
        UNIONS.addLogicalTypeConversion(DECIMALS);
        UNIONS.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
    }

    private JsonRecords() {}

    /** {@code datum}, of {@code schema}: generic or specific, with logical types converted or raw. */
    public static JsonNode toJson(Object datum, Schema schema) {
        return switch (schema.getType()) {
            case RECORD -> {
                ObjectNode object = JSON.objectNode();
                IndexedRecord record = (IndexedRecord) datum;
                for (Schema.Field field : schema.getFields()) {
                    object.set(field.name(), toJson(record.get(field.pos()), field.schema()));
                }
                yield object;
            }
            case UNION -> {
                if (datum == null) {
                    yield JSON.nullNode();
                }
                Schema branch = schema.getTypes().get(UNIONS.resolveUnion(schema, datum));
                JsonNode value = toJson(datum, branch);
                yield nonNullBranches(schema) == 1 ? value : JSON.objectNode().set(branch.getName(), value);
            }
            case ARRAY -> {
                ArrayNode array = JSON.arrayNode();
                for (Object element : (Iterable<?>) datum) {
                    array.add(toJson(element, schema.getElementType()));
                }
                yield array;
            }
            case MAP -> {
                ObjectNode object = JSON.objectNode();
                ((Map<?, ?>) datum).forEach((key, value) -> object.set(key.toString(), toJson(value, schema.getValueType())));
                yield object;
            }
            case NULL -> JSON.nullNode();
            case BOOLEAN -> JSON.booleanNode((Boolean) datum);
            case INT -> JSON.numberNode((Integer) datum);
            case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                    ? JSON.textNode((datum instanceof Instant instant ? instant : Instant.ofEpochMilli((Long) datum)).toString())
                    : JSON.numberNode((Long) datum);
            case FLOAT -> number(((Float) datum).doubleValue());
            case DOUBLE -> number((Double) datum);
            case BYTES -> schema.getLogicalType() instanceof LogicalTypes.Decimal decimal
                    ? JSON.textNode(plain(datum instanceof BigDecimal value ? value
                            : DECIMALS.fromBytes(((ByteBuffer) datum).duplicate(), schema, decimal)))
                    : JSON.textNode(java.util.Base64.getEncoder().encodeToString(bytes((ByteBuffer) datum)));
            case FIXED -> JSON.textNode(java.util.Base64.getEncoder().encodeToString(((GenericData.Fixed) datum).bytes()));
            case STRING, ENUM -> JSON.textNode(datum.toString());
        };
    }

    /**
     * A record of {@code schema} built by {@code model} (a generated class where {@code model} is
     * the class's {@code SpecificData}), from {@code json}.
     *
     * @throws IllegalArgumentException naming the field, when the JSON does not fit the schema
     */
    public static Object fromJson(JsonNode json, Schema schema, GenericData model) {
        return read(json, schema, model, schema.getName());
    }

    private static Object read(JsonNode json, Schema schema, GenericData model, String path) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!json.isObject()) {
                    throw mismatch(path, "an object", json);
                }
                TreeSet<String> unknown = new TreeSet<>();
                json.fieldNames().forEachRemaining(unknown::add);
                Object record = model.newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    unknown.remove(field.name());
                    JsonNode value = json.get(field.name());
                    Object datum;
                    if (value == null) {
                        if (!field.hasDefaultValue()) {
                            throw new IllegalArgumentException(path + "." + field.name() + " is missing");
                        }
                        datum = model.deepCopy(field.schema(), model.getDefaultValue(field));
                    } else {
                        datum = read(value, field.schema(), model, path + "." + field.name());
                    }
                    model.setField(record, field.name(), field.pos(), datum);
                }
                if (!unknown.isEmpty()) {
                    throw new IllegalArgumentException(path + " has no field " + unknown.first() + " (its fields: "
                            + schema.getFields().stream().map(Schema.Field::name).toList() + ")");
                }
                return record;
            }
            case UNION -> {
                if (json.isNull() && schema.getTypes().stream().anyMatch(type -> type.getType() == Schema.Type.NULL)) {
                    return null;
                }
                if (nonNullBranches(schema) == 1) {
                    Schema only = schema.getTypes().stream().filter(type -> type.getType() != Schema.Type.NULL)
                            .findFirst().orElseThrow();
                    return read(json, only, model, path);
                }
                List<String> names = schema.getTypes().stream().map(Schema::getName).toList();
                if (!json.isObject() || json.size() != 1) {
                    throw mismatch(path, "one of " + names + " as {\"" + names.get(names.size() - 1) + "\": ...}", json);
                }
                String name = json.fieldNames().next();
                Schema branch = schema.getTypes().stream().filter(type -> type.getName().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(path + ": " + name + " is not one of " + names));
                return read(json.get(name), branch, model, path + "." + name);
            }
            case ARRAY -> {
                if (!json.isArray()) {
                    throw mismatch(path, "an array", json);
                }
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < json.size(); i++) {
                    list.add(read(json.get(i), schema.getElementType(), model, path + "[" + i + "]"));
                }
                return list;
            }
            case MAP -> {
                if (!json.isObject()) {
                    throw mismatch(path, "an object", json);
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    map.put(entry.getKey(), read(entry.getValue(), schema.getValueType(), model, path + "." + entry.getKey()));
                }
                return map;
            }
            case NULL -> {
                if (!json.isNull()) {
                    throw mismatch(path, "null", json);
                }
                return null;
            }
            case BOOLEAN -> {
                if (!json.isBoolean()) {
                    throw mismatch(path, "true or false", json);
                }
                return json.booleanValue();
            }
            case INT -> {
                if (!json.canConvertToInt() || !json.isIntegralNumber()) {
                    throw mismatch(path, "a whole number", json);
                }
                return json.intValue();
            }
            case LONG -> {
                return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis ? instant(json, path)
                        : wholeNumber(json, path);
            }
            case FLOAT, DOUBLE -> {
                double value = json.isNumber() ? json.doubleValue() : special(json, path);
                return schema.getType() == Schema.Type.FLOAT ? (Object) (float) value : (Object) value;
            }
            case BYTES -> {
                LogicalType logical = schema.getLogicalType();
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return decimal(json, decimal, path);
                }
                try {
                    return ByteBuffer.wrap(java.util.Base64.getDecoder().decode(json.isTextual() ? json.textValue() : ""));
                } catch (IllegalArgumentException e) {
                    throw mismatch(path, "bytes in base64", json);
                }
            }
            case ENUM -> {
                if (!json.isTextual() || !schema.hasEnumSymbol(json.textValue())) {
                    throw mismatch(path, "one of " + schema.getEnumSymbols(), json);
                }
                return model.createEnum(json.textValue(), schema);
            }
            case STRING -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "text", json);
                }
                return json.textValue();
            }
            default -> throw new IllegalArgumentException(path + ": " + schema.getType() + " cannot be written from JSON");
        }
    }

    private static Instant instant(JsonNode json, String path) {
        if (json.isIntegralNumber() && json.canConvertToLong()) {
            return Instant.ofEpochMilli(json.longValue());
        }
        if (json.isTextual()) {
            try {
                return Instant.parse(json.textValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw mismatch(path, "an ISO-8601 instant such as \"2024-03-01T12:00:00Z\" or epoch milliseconds", json);
    }

    private static long wholeNumber(JsonNode json, String path) {
        if (!json.isIntegralNumber() || !json.canConvertToLong()) {
            throw mismatch(path, "a whole number", json);
        }
        return json.longValue();
    }

    private static double special(JsonNode json, String path) {
        if (json.isTextual()) {
            switch (json.textValue()) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                    // reported below
                }
            }
        }
        throw mismatch(path, "a number", json);
    }

    private static BigDecimal decimal(JsonNode json, LogicalTypes.Decimal decimal, String path) {
        BigDecimal value;
        try {
            value = json.isTextual() ? new BigDecimal(json.textValue().trim()) : json.isNumber() ? json.decimalValue() : null;
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null) {
            throw mismatch(path, "a decimal number such as \"0.25\"", json);
        }
        if (value.stripTrailingZeros().scale() > decimal.getScale()) {
            throw new IllegalArgumentException(path + ": " + value.toPlainString() + " has more than " + decimal.getScale()
                    + " decimal places");
        }
        BigDecimal scaled = value.setScale(decimal.getScale());
        if (scaled.precision() > decimal.getPrecision()) {
            throw new IllegalArgumentException(path + ": " + value.toPlainString() + " has more than "
                    + (decimal.getPrecision() - decimal.getScale()) + " digits before the decimal point");
        }
        return scaled;
    }

    private static IllegalArgumentException mismatch(String path, String expected, JsonNode json) {
        String shown = json.toString();
        return new IllegalArgumentException(path + ": expected " + expected + ", not "
                + (shown.length() > 60 ? shown.substring(0, 57) + "..." : shown));
    }

    private static long nonNullBranches(Schema union) {
        return union.getTypes().stream().filter(type -> type.getType() != Schema.Type.NULL).count();
    }

    private static JsonNode number(double value) {
        return Double.isFinite(value) ? JSON.numberNode(value) : JSON.textNode(Double.toString(value));
    }

    /** A decimal as the JSON here writes it: its exact value, no exponent, no trailing zeros ("0.25", "9600"). */
    public static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
