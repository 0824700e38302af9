package io.marginflow.registry;

/** The subject's compatibility level refused a schema (HTTP 409 from a registry server). */
public final class IncompatibleSchemaException extends SchemaRegistryException {

    public IncompatibleSchemaException(String message) {
        super(message);
    }
}
