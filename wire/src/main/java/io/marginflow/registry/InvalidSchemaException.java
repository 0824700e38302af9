package io.marginflow.registry;

/** The registry refused a schema or a request as invalid (HTTP 422), or returned a schema that does not parse. */
public final class InvalidSchemaException extends SchemaRegistryException {

    public InvalidSchemaException(String message) {
        super(message);
    }

    public InvalidSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
