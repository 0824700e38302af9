package io.marginflow.registry;

/** The registry holds no such subject, schema id, or schema under the subject. */
public final class SchemaNotFoundException extends SchemaRegistryException {

    public SchemaNotFoundException(String message) {
        super(message);
    }
}
