package io.marginflow.registry;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.ToIntBiFunction;
import org.apache.avro.Schema;

/**
 * Remembers what a registry answered, so that a stream serialises and deserialises millions of
 * records with one registry call per schema. Ids are immutable, so nothing ever expires.
 * Failures are not cached: the next call asks again.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {

    private record Registration(String subject, Schema schema) {}

    private final SchemaRegistry registry;
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentMap<Registration, Integer> idsByRegistration = new ConcurrentHashMap<>();

    public CachingSchemaRegistry(SchemaRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public int register(String subject, Schema schema) {
        return cachedId(subject, schema, registry::register);
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return cachedId(subject, schema, registry::idOf);
    }

    @Override
    public Schema schemaById(int id) {
        Schema known = schemasById.get(id);
        if (known != null) {
            return known;
        }
        Schema schema = registry.schemaById(id);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public void setCompatibility(String subject, Compatibility level) {
        registry.setCompatibility(subject, level);
    }

    /** Not cached: the latest version changes when a new one is registered ({@link SchemaWrites} remembers it). */
    @Override
    public Registered latest(String subject) {
        Registered latest = registry.latest(subject);
        schemasById.putIfAbsent(latest.id(), latest.schema());
        return latest;
    }

    @Override
    public String toString() {
        return "CachingSchemaRegistry[" + registry + "]";
    }

    /** The id of {@code schema} under {@code subject}: remembered, or asked for once. */
    private int cachedId(String subject, Schema schema, ToIntBiFunction<String, Schema> ask) {
        Registration registration = new Registration(subject, schema);
        Integer known = idsByRegistration.get(registration);
        if (known != null) {
            return known;
        }
        int id = ask.applyAsInt(subject, schema);
        idsByRegistration.putIfAbsent(registration, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }
}
