package io.marginflow.registry;

/**
 * A schema-registry call failed. The message names the operation, the subject or id, and what
 * the registry said. Subclasses tell the cases apart so that callers can react: a record with
 * an unknown schema id is bad input, while an unavailable registry is an outage to wait out.
 */
public class SchemaRegistryException extends RuntimeException {

    public SchemaRegistryException(String message) {
        super(message);
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
