package io.marginflow.engine;

import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.serde.PlainAvroSerde;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.avro.specific.SpecificRecord;

/**
 * The hash chain over an account's outputs. Each output carries {@code sequence}, the previous
 * output's hash and its own: the lowercase hex SHA-256 of its Avro binary encoding with
 * {@code hash} set to the empty string. Anyone with the schemas can recompute and verify it.
 */
public final class OutputChain {

    private static final PlainAvroSerde<MarginResult> RESULTS = new PlainAvroSerde<>(MarginResult.class);
    private static final PlainAvroSerde<MarginCallEvent> CALLS = new PlainAvroSerde<>(MarginCallEvent.class);
    private static final PlainAvroSerde<LiquidationSignal> LIQUIDATIONS = new PlainAvroSerde<>(LiquidationSignal.class);

    private OutputChain() {}

    /**
     * An output sealed into its account's chain: the output, its hash, and its Avro encoding's size.
     *
     * @param encodedBytes size of the Avro binary encoding with {@code hash} empty
     */
    public record Sealed(SpecificRecord output, String hash, int encodedBytes) {

        /**
         * The bytes the output's Kafka record carries: the key, the wire-format header (5 bytes)
         * and the encoding with the hash filled in (64 hex characters and their length byte).
         */
        public long recordBytes(String key) {
            return key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 5L + encodedBytes + 65L;
        }
    }

    /** Computes {@code output}'s hash (its {@code hash} field must be empty) and sets it. */
    public static Sealed seal(SpecificRecord output) {
        byte[] encoded = encode(output);
        String hash = sha256(encoded);
        output.put(output.getSchema().getField("hash").pos(), hash);
        return new Sealed(output, hash, encoded.length);
    }

    /** The hash of an output whose {@code hash} field is the empty string. */
    public static String hashOf(SpecificRecord output) {
        return sha256(encode(output));
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

    private static String sha256(byte[] encoded) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
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
