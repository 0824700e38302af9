package io.marginflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.schema.Fill;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache asks the registry once per schema and never remembers a failure. */
class CachingSchemaRegistryTest {

    private final String scope = "caching-test-" + UUID.randomUUID();
    private final CountingRegistry behind = new CountingRegistry(InMemorySchemaRegistry.scope(scope));
    private final CachingSchemaRegistry cache = new CachingSchemaRegistry(behind);

    @AfterEach
    void drop() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void registeringTheSameSchemaAgainAsksTheRegistryOnce() {
        int first = cache.register("clearing.fills-value", Fill.getClassSchema());
        int second = cache.register("clearing.fills-value", Fill.getClassSchema());
        int lookedUp = cache.idOf("clearing.fills-value", Fill.getClassSchema());

        assertThat(second).isEqualTo(first);
        assertThat(lookedUp).isEqualTo(first);
        assertThat(behind.calls).hasValue(1);
    }

    @Test
    void aRegisteredSchemaIsKnownByIdWithoutAsking() {
        int id = cache.register("clearing.fills-value", Fill.getClassSchema());

        assertThat(cache.schemaById(id)).isEqualTo(Fill.getClassSchema());
        assertThat(behind.calls).hasValue(1);
    }

    @Test
    void schemasByIdAreFetchedOnce() {
        int id = InMemorySchemaRegistry.scope(scope).register("clearing.fills-value", Fill.getClassSchema());

        cache.schemaById(id);
        cache.schemaById(id);

        assertThat(behind.calls).hasValue(1);
    }

    @Test
    void aFailureIsNotRemembered() {
        assertThatThrownBy(() -> cache.schemaById(1)).isInstanceOf(SchemaNotFoundException.class);
        InMemorySchemaRegistry.scope(scope).register("clearing.fills-value", Fill.getClassSchema());

        assertThat(cache.schemaById(1)).isEqualTo(Fill.getClassSchema());
        assertThat(behind.calls).hasValue(2);
    }

    /** Passes every call to a real registry, counting them. */
    private static final class CountingRegistry implements SchemaRegistry {
        final AtomicInteger calls = new AtomicInteger();
        private final SchemaRegistry registry;

        CountingRegistry(SchemaRegistry registry) {
            this.registry = registry;
        }

        @Override
        public int register(String subject, Schema schema) {
            calls.incrementAndGet();
            return registry.register(subject, schema);
        }

        @Override
        public int idOf(String subject, Schema schema) {
            calls.incrementAndGet();
            return registry.idOf(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            calls.incrementAndGet();
            return registry.schemaById(id);
        }

        @Override
        public void setCompatibility(String subject, Compatibility level) {
            calls.incrementAndGet();
            registry.setCompatibility(subject, level);
        }

        @Override
        public Registered latest(String subject) {
            calls.incrementAndGet();
            return registry.latest(subject);
        }
    }
}
