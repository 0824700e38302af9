package io.marginflow.registry;

/**
 * The registry could not be reached or did not answer in time (connection refused, timeout,
 * HTTP 5xx or 429). Nothing is wrong with the record being processed: callers must not
 * dead-letter it but fail and retry, so that no valid data is lost.
 */
public final class SchemaRegistryUnavailableException extends SchemaRegistryException {

    public SchemaRegistryUnavailableException(String message) {
        super(message);
    }

    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
