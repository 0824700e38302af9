package io.marginflow.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be encoded: it violates its own schema (a missing required field, a
 * decimal with more places than the schema's scale), or the registry refused its schema.
 */
public final class RecordEncodingException extends SerializationException {

    public RecordEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
