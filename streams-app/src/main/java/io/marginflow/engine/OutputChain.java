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

    /** The hash of an output whose {@code hash} field is the empty string. */
    public static String hashOf(SpecificRecord output) {
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
