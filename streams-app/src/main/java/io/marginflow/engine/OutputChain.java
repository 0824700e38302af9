package io.marginflow.engine;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.serde.PlainAvroSerde;
import io.marginflow.serde.SpecificAvroSerializer;
import io.marginflow.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The hash chain over an account's outputs. Each output carries {@code sequence}, the previous
 * output's hash and its own: the lowercase hex SHA-256 of its Avro binary encoding with
 * {@code hash} set to the empty string. Anyone with the schemas can recompute and verify it.
 *
 * <p>An output is encoded once: {@code hash} is the last field of every chained schema, so the
 * encoding with the hash filled in is the hashed encoding with its final byte (the empty string's
 * length, 0) replaced by the hash's length and its 64 characters. That encoding is what the
 * output's Kafka record carries after the wire-format header ({@link #serializer}).
 */
public final class OutputChain {

    private static final int HASH_CHARACTERS = 64;
    /** The Avro encoding of a hash's length: the string's length prefix (a zig-zag varint). */
    private static final byte[] HASH_LENGTH = avroLong(HASH_CHARACTERS);

    private static final PlainAvroSerde<MarginResult> RESULTS = new PlainAvroSerde<>(MarginResult.class);
    private static final PlainAvroSerde<MarginCallEvent> CALLS = new PlainAvroSerde<>(MarginCallEvent.class);
    private static final PlainAvroSerde<LiquidationSignal> LIQUIDATIONS = new PlainAvroSerde<>(LiquidationSignal.class);

    static {
        for (Schema schema : List.of(MarginResult.getClassSchema(), MarginCallEvent.getClassSchema(),
                LiquidationSignal.getClassSchema())) {
            List<Schema.Field> fields = schema.getFields();
            if (!fields.get(fields.size() - 1).name().equals("hash")) {
                throw new IllegalStateException(schema.getName() + "'s last field must be its hash: outputs are"
                        + " encoded once, with the hash appended to the encoding it is computed over");
            }
        }
    }

    private OutputChain() {}

    /**
     * An output sealed into its account's chain: the output with its hash set, the hash, and the
     * output's Avro binary encoding (own schema, hash included).
     */
    public record Sealed(SpecificRecord output, String hash, byte[] encoding) {

        /** The bytes the output's Kafka record carries: the key, the wire-format header and the encoding. */
        public long recordBytes(String key) {
            return key.getBytes(StandardCharsets.UTF_8).length + (long) WireFormat.HEADER_LENGTH + encoding.length;
        }
    }

    /** Computes {@code output}'s hash (its {@code hash} field must be empty), sets it, and keeps the encoding. */
    public static Sealed seal(SpecificRecord output) {
        byte[] hashed = encode(output);
        if (hashed[hashed.length - 1] != 0) {
            throw new IllegalArgumentException("the hash of a " + output.getSchema().getName() + " to seal must be empty");
        }
        String hash = Sha256.hex(hashed);
        output.put(output.getSchema().getField("hash").pos(), hash);
        int prefix = hashed.length - 1;
        byte[] encoding = Arrays.copyOf(hashed, prefix + HASH_LENGTH.length + HASH_CHARACTERS);
        System.arraycopy(HASH_LENGTH, 0, encoding, prefix, HASH_LENGTH.length);
        System.arraycopy(hash.getBytes(StandardCharsets.US_ASCII), 0, encoding, prefix + HASH_LENGTH.length, HASH_CHARACTERS);
        return new Sealed(output, hash, encoding);
    }

    /** The output a sink's value (a {@link Sealed}) carries. */
    public static SpecificRecord outputOf(Object value) {
        return ((Sealed) value).output();
    }

    /**
     * A sink's value serializer for sealed outputs of {@code type}: the wire-format header and the
     * encoding kept at sealing (translated if the registry has the subject written with another
     * version); nothing is encoded again.
     */
    public static <T extends SpecificRecord> Serializer<Object> serializer(Class<T> type, SchemaRegistry registry) {
        SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>(type, registry, false);
        return (topic, value) -> {
            Sealed sealed = (Sealed) value;
            if (!type.isInstance(sealed.output())) {
                throw new ClassCastException("a " + sealed.output().getSchema().getName() + " was forwarded to the sink of "
                        + type.getSimpleName() + " records on " + topic);
            }
            return serializer.serializeEncoded(topic, sealed.encoding());
        };
    }

    private static byte[] avroLong(long value) {
        byte[] buffer = new byte[10];
        return Arrays.copyOf(buffer, BinaryData.encodeLong(value, buffer, 0));
    }

    /** The hash of an output whose {@code hash} field is the empty string. */
    public static String hashOf(SpecificRecord output) {
        return Sha256.hex(encode(output));
    }

    private static byte[] encode(SpecificRecord output) {
        byte[] encoded;
        if (output instanceof MarginResult result) {
            encoded = RESULTS.encode(result);
        } else if (output instanceof MarginCallEvent call) {
            encoded = CALLS.encode(call);
        } else if (output instanceof LiquidationSignal signal) {
            encoded = LIQUIDATIONS.encode(signal);
        } else {
            throw new IllegalArgumentException("not a chained output: " + output.getSchema().getFullName());
        }
        return encoded;
    }

    /**
     * Whether an output's Avro encoding (as its record carries it after the wire-format header,
     * written with any version of its schema) holds the hash of its content: its last field, a
     * 64-character hash, equals the hash of the encoding with that field the empty string.
     */
    public static boolean verifiesEncoding(byte[] encoding, int offset, int length) {
        int prefix = length - HASH_LENGTH.length - HASH_CHARACTERS;
        if (prefix < 0 || !Arrays.equals(encoding, offset + prefix, offset + prefix + HASH_LENGTH.length, HASH_LENGTH, 0,
                HASH_LENGTH.length)) {
            return false;
        }
        byte[] hashed = Arrays.copyOfRange(encoding, offset, offset + prefix + 1);
        hashed[prefix] = 0;
        String claimed = new String(encoding, offset + prefix + HASH_LENGTH.length, HASH_CHARACTERS, StandardCharsets.US_ASCII);
        return Sha256.hex(hashed).equals(claimed);
    }

    /** Whether {@code output}'s hash is the hash of its content: what an auditor checks. */
    public static boolean verifies(SpecificRecord output) {
        int hashField = output.getSchema().getField("hash").pos();
        Object claimed = output.get(hashField);
        output.put(hashField, "");
        try {
            return hashOf(output).equals(claimed);
        } finally {
            output.put(hashField, claimed);
        }
    }
}
