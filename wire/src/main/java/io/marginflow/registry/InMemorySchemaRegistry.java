package io.marginflow.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * A registry held in memory, for the embedded demo and TopologyTestDriver tests. It behaves
 * like a registry server: global ids shared by identical schemas across subjects, versions per
 * subject, and compatibility checks (BACKWARD unless set otherwise, as Confluent's default).
 *
 * <p>Registries are shared per scope, as Confluent's {@code mock://scope} URLs are: every
 * serde configured with {@code schema.registry.url=mock://demo} sees the same registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    /** The URL scheme that selects an in-memory registry, as in {@code mock://demo}. */
    public static final String URL_SCHEME = "mock";

    private static final ConcurrentMap<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private final Map<String, Compatibility> compatibilityBySubject = new HashMap<>();

    private InMemorySchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry of {@code scope}, created empty on first use. */
    public static InMemorySchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, InMemorySchemaRegistry::new);
    }

    /** Forgets the registry of {@code scope}; the next {@link #scope} call starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        Integer existing = idsBySchema.get(schema);
        if (existing != null && versions.contains(existing)) {
            return existing;
        }
        checkCompatibility(subject, schema, versions);
        int id = existing != null ? existing : assignId(schema);
        versions.add(id);
        return id;
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaNotFoundException("look up schema under subject " + subject
                    + ": subject not found in in-memory registry '" + scope + "'");
        }
        Integer id = idsBySchema.get(schema);
        if (id == null || !versions.contains(id)) {
            throw new SchemaNotFoundException("look up schema under subject " + subject
                    + ": the schema is not registered under the subject in in-memory registry '" + scope + "'");
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new SchemaNotFoundException("fetch schema id " + id + ": no such id in in-memory registry '"
                    + scope + "'");
        }
        return schemasById.get(id - 1);
    }

    @Override
    public synchronized void setCompatibility(String subject, Compatibility level) {
        compatibilityBySubject.put(subject, level);
    }

    @Override
    public synchronized Registered latest(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaNotFoundException("fetch the latest version of subject " + subject
                    + ": subject not found in in-memory registry '" + scope + "'");
        }
        int id = versions.get(versions.size() - 1);
        return new Registered(id, schemasById.get(id - 1));
    }

    /** Every schema, id 1 first: registering them in this order in an empty registry gives them the same ids. */
    public synchronized List<Schema> schemasInIdOrder() {
        return List.copyOf(schemasById);
    }

    @Override
    public String toString() {
        return "InMemorySchemaRegistry[" + URL_SCHEME + "://" + scope + "]";
    }

    private int assignId(Schema schema) {
        schemasById.add(schema);
        int id = schemasById.size();
        idsBySchema.put(schema, id);
        return id;
    }

    private void checkCompatibility(String subject, Schema candidate, List<Integer> versions) {
        Compatibility level = compatibilityBySubject.getOrDefault(subject, Compatibility.BACKWARD);
        if (level == Compatibility.NONE || versions.isEmpty()) {
            return;
        }
        List<Integer> checked = level.isTransitive() ? versions : versions.subList(versions.size() - 1, versions.size());
        for (int id : checked) {
            Schema registered = schemasById.get(id - 1);
            if (level.checksBackward()) {
                refuseIfIncompatible(subject, level, SchemaCompatibility.checkReaderWriterCompatibility(candidate, registered));
            }
            if (level.checksForward()) {
                refuseIfIncompatible(subject, level, SchemaCompatibility.checkReaderWriterCompatibility(registered, candidate));
            }
        }
    }

    private static void refuseIfIncompatible(String subject, Compatibility level, SchemaPairCompatibility result) {
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new IncompatibleSchemaException("register schema under subject " + subject
                    + ": refused by compatibility level " + level + ": "
                    + result.getResult().getIncompatibilities());
        }
    }
}
