package io.marginflow.errors;

import io.marginflow.registry.SchemaRegistryUnavailableException;
import io.marginflow.translation.OutOfRangeException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Which failures are a record's fault and which are outages, in one place for the sequencer, the
 * engine and Kafka Streams' exception handlers. A record's fault is dead-lettered with an error
 * class, deterministically, and processing goes on; an outage (schema registry, broker, state
 * store, an interrupted thread, the JVM itself) fails the task so that the record is retried,
 * never lost.
 */
public final class Failures {

    /** An exception no rule foresaw: a bug, or a value nothing bounded. */
    public static final String PROCESSING_FAILURE = "PROCESSING_FAILURE";
    /** An amount beyond what the contract's decimals carry. */
    public static final String OUT_OF_RANGE = "OUT_OF_RANGE";
    /** An output larger than the configured limit. */
    public static final String OUTPUT_TOO_LARGE = "OUTPUT_TOO_LARGE";

    private Failures() {}

    /** Whether {@code failure} (or anything it was caused by) is an outage rather than the record's fault. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException || t instanceof StreamsException
                    || t instanceof RetriableException || t instanceof InterruptException || t instanceof Error) {
                return true;
            }
        }
        return false;
    }

    /** The dead letter's error class for a record's fault. */
    public static String errorClass(Throwable failure) {
        if (failure instanceof OutOfRangeException) {
            return OUT_OF_RANGE;
        }
        if (failure instanceof OutputTooLargeException) {
            return OUTPUT_TOO_LARGE;
        }
        return PROCESSING_FAILURE;
    }

    /** The exception's class and message, and its causes', as a dead letter's reason gives them. */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append(", caused by ");
            }
            text.append(t.getClass().getName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }
}
