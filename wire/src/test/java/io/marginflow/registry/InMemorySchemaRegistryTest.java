package io.marginflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.schema.Fill;
import io.marginflow.schema.PriceUpdate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory registry behaves like a registry server, so that tests on it mean something. */
class InMemorySchemaRegistryTest {

    private final String scope = "in-memory-test-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

    @AfterEach
    void drop() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void everythingConfiguredWithTheSameMockUrlSharesOneRegistry() {
        SchemaRegistry configured = SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, "mock://" + scope));
        int id = configured.register("clearing.fills-value", Fill.getClassSchema());

        assertThat(configured).isSameAs(registry);
        assertThat(registry.schemaById(id)).isEqualTo(Fill.getClassSchema());
    }

    @Test
    void idsAreGlobalAndSharedByIdenticalSchemasAcrossSubjects() {
        int fills = registry.register("clearing.fills-value", Fill.getClassSchema());
        int again = registry.register("clearing.fills-value", Fill.getClassSchema());
        int elsewhere = registry.register("archive.fills-value", Fill.getClassSchema());
        int prices = registry.register("market.prices-value", PriceUpdate.getClassSchema());

        assertThat(again).isEqualTo(fills);
        assertThat(elsewhere).isEqualTo(fills);
        assertThat(prices).isNotEqualTo(fills);
    }

    @Test
    void subjectsAreBackwardByDefaultAsConfluentsAre() {
        registry.register("clearing.fills-value", Fill.getClassSchema());

        assertThatThrownBy(() -> registry.register("clearing.fills-value", withRequiredField(Fill.getClassSchema())))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("BACKWARD")
                .hasMessageContaining("venue");
    }

    @Test
    void levelNoneAcceptsAnyChange() {
        registry.register("clearing.fills-value", Fill.getClassSchema());
        registry.setCompatibility("clearing.fills-value", Compatibility.NONE);

        assertThat(registry.register("clearing.fills-value", PriceUpdate.getClassSchema())).isPositive();
    }

    @Test
    void forwardChecksThatOldReadersReadNewData() {
        registry.register("clearing.fills-value", withRequiredField(Fill.getClassSchema()));
        registry.setCompatibility("clearing.fills-value", Compatibility.FORWARD);

        // Dropping a field that old readers need without a default breaks them.
        assertThatThrownBy(() -> registry.register("clearing.fills-value", Fill.getClassSchema()))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("FORWARD");
    }

    @Test
    void transitiveLevelsCheckEveryVersionNotJustTheLatest() {
        // v1 has venue as a string, v2 drops it, v3 brings it back as an int with a default:
        // v3 reads v2's data (no venue: default) but not v1's (a string is no int).
        Schema version1 = withField(Fill.getClassSchema(), Schema.Type.STRING, null);
        Schema version2 = Fill.getClassSchema();
        Schema version3 = withField(Fill.getClassSchema(), Schema.Type.INT, 0);
        for (String subject : List.of("latest-value", "transitive-value")) {
            registry.register(subject, version1);
            registry.register(subject, version2);
        }
        registry.setCompatibility("transitive-value", Compatibility.BACKWARD_TRANSITIVE);

        assertThat(registry.register("latest-value", version3)).as("BACKWARD checks v2 only").isPositive();
        assertThatThrownBy(() -> registry.register("transitive-value", version3))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("BACKWARD_TRANSITIVE");
    }

    @Test
    void lookUpsOfUnknownThingsSayWhatIsMissing() {
        registry.register("clearing.fills-value", Fill.getClassSchema());

        assertThatThrownBy(() -> registry.idOf("nope-value", Fill.getClassSchema()))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("subject not found");
        assertThatThrownBy(() -> registry.idOf("clearing.fills-value", PriceUpdate.getClassSchema()))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("not registered under the subject");
        assertThatThrownBy(() -> registry.schemaById(4_711))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("4711");
    }

    private static Schema withRequiredField(Schema record) {
        return withField(record, Schema.Type.STRING, null);
    }

    private static Schema withField(Schema record, Schema.Type type, Object defaultValue) {
        return EditedSchemas.withVenue(record, type, defaultValue);
    }
}
