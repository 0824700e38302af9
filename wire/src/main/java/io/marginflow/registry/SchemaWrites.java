package io.marginflow.registry;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * Confluent's serializer settings, applied by every serializer that writes through this registry
 * client, with Confluent's precedence:
 *
 * <ul>
 * <li>{@code auto.register.schemas=true} (the default): the record's schema is registered under the
 *     subject on first use;
 * <li>otherwise {@code use.latest.version=true}: records are written with the subject's latest version
 *     (looked up once), which must be able to read the record's schema, as Confluent's
 *     {@code latest.compatibility.strict=true} requires; the serializer translates the record to it;
 * <li>otherwise the record's schema must already be registered under the subject, and its id is used.
 * </ul>
 *
 * <p>With registration off, a registry that a deployment locks down (only {@code marginflow
 * create-topics} may register) works: an unregistered schema fails with
 * {@link SchemaNotFoundException}, which the serializers report.
 */
public final class SchemaWrites implements SchemaRegistry {

    /** Confluent's key: register a record's schema on first use (default true). */
    public static final String AUTO_REGISTER = "auto.register.schemas";
    /** Confluent's key: write with the subject's latest version when not registering (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";

    private final SchemaRegistry registry;
    private final boolean autoRegister;
    private final boolean useLatestVersion;
    private final ConcurrentMap<String, Registered> latestBySubject = new ConcurrentHashMap<>();

    public SchemaWrites(SchemaRegistry registry, boolean autoRegister, boolean useLatestVersion) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.autoRegister = autoRegister;
        this.useLatestVersion = useLatestVersion;
    }

    @Override
    public Registered forWriting(String subject, Schema schema) {
        if (autoRegister) {
            return new Registered(registry.register(subject, schema), schema);
        }
        if (useLatestVersion) {
            Registered latest = latestBySubject.get(subject);
            if (latest == null) {
                latest = registry.latest(subject);
                latestBySubject.putIfAbsent(subject, latest);
            }
            return latest;
        }
        return new Registered(registry.idOf(subject, schema), schema);
    }

    @Override
    public int register(String subject, Schema schema) {
        return registry.register(subject, schema);
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return registry.idOf(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        return registry.schemaById(id);
    }

    @Override
    public void setCompatibility(String subject, Compatibility level) {
        registry.setCompatibility(subject, level);
    }

    @Override
    public Registered latest(String subject) {
        return registry.latest(subject);
    }

    @Override
    public String toString() {
        return registry + " (" + AUTO_REGISTER + "=" + autoRegister + ", " + USE_LATEST_VERSION + "=" + useLatestVersion + ")";
    }
}
