package io.marginflow.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that Marginflow needs. Schema ids are global
 * and immutable: an id, once assigned, always names the same schema.
 *
 * <p>Implementations: {@link HttpSchemaRegistry} (any Confluent-compatible server),
 * {@link InMemorySchemaRegistry} (embedded demo and TopologyTestDriver tests), and
 * {@link CachingSchemaRegistry} in front of either. {@link SchemaRegistries} builds the right
 * one from configuration.
 *
 * <p>Every method throws a {@link SchemaRegistryException}: {@link SchemaNotFoundException},
 * {@link IncompatibleSchemaException}, {@link InvalidSchemaException}, or
 * {@link SchemaRegistryUnavailableException} when the registry cannot be reached in time.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject}, or finds it there if it is already
     * registered, and returns its id.
     *
     * @throws IncompatibleSchemaException if the subject's compatibility level refuses it
     */
    int register(String subject, Schema schema);

    /**
     * The id of {@code schema} as registered under {@code subject}.
     *
     * @throws SchemaNotFoundException if the subject does not exist or does not hold the schema
     */
    int idOf(String subject, Schema schema);

    /**
     * The schema with the given id.
     *
     * @throws SchemaNotFoundException if no schema has that id
     */
    Schema schemaById(int id);

    /** Sets the compatibility level that checks every later registration under {@code subject}. */
    void setCompatibility(String subject, Compatibility level);

    /**
     * The latest version registered under {@code subject}.
     *
     * @throws SchemaNotFoundException if the subject does not exist
     */
    Registered latest(String subject);

    /**
     * The schema, and its id, that a serializer writes records of {@code schema} with under
     * {@code subject}. By default it registers {@code schema} (Confluent's
     * {@code auto.register.schemas=true}); {@link SchemaWrites} applies the other settings.
     */
    default Registered forWriting(String subject, Schema schema) {
        return new Registered(register(subject, schema), schema);
    }

    /** A schema as the registry holds it. */
    record Registered(int id, Schema schema) {}
}
