package io.marginflow.serde;

import java.util.Objects;
import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that cannot be decoded into the expected record. This is a property of the record, not
 * of the system: the sequencer dead-letters such a record with {@link #reason()} as the error
 * class, and processing continues.
 */
public final class RecordDecodingException extends SerializationException {

    /** Why the bytes cannot be decoded. */
    public enum Reason {
        /** Null, shorter than the 5-byte header, or not starting with magic byte 0. */
        NOT_WIRE_FORMAT,
        /** The registry has no schema with the id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The writer's schema cannot be read as the expected record (a different record, or an incompatible version). */
        INCOMPATIBLE_WRITER_SCHEMA,
        /** The Avro body does not decode with the writer's schema, or leaves bytes over. */
        UNREADABLE_AVRO
    }

    private final Reason reason;
    private final RecordCoordinates coordinates;
    private final OptionalInt schemaId;

    public RecordDecodingException(Reason reason, RecordCoordinates coordinates, OptionalInt schemaId,
                                   String detail, Throwable cause) {
        super("Cannot decode record from " + coordinates + ": " + reason
                + schemaId.stream().mapToObj(id -> " (schema id " + id + ")").findFirst().orElse("")
                + ": " + detail, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.coordinates = coordinates;
        this.schemaId = schemaId;
    }

    public Reason reason() {
        return reason;
    }

    public RecordCoordinates coordinates() {
        return coordinates;
    }

    /** The schema id in the record's header, if the header was readable. */
    public OptionalInt schemaId() {
        return schemaId;
    }
}
