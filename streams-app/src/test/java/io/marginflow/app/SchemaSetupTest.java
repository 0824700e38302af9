package io.marginflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.IncompatibleSchemaException;
import io.marginflow.schema.Fill;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** create-topics' schema step: every topic's value schema registered, its subject BACKWARD, twice harmless. */
class SchemaSetupTest {

    private static final String SCOPE = "schema-setup-test";
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(SCOPE);
    private final Topics topics = MarginflowConfig.of(Map.of()).topics();

    @AfterEach
    void drop() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void everyTopicOfTheApplicationHasItsValueSchemaRegisteredAndASecondRunAddsNothing() {
        assertThat(SchemaSetup.valueSchemas(topics).keySet()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(java.util.stream.Stream.concat(topics.inputs().stream(),
                        java.util.stream.Stream.of(topics.journal(), topics.marginLatest(), topics.checkpoints(), topics.stressPartials(),
                                topics.stress())), topics.outputs().stream()).toList());

        assertThat(SchemaSetup.registerAll(registry, topics)).hasSize(19).contains("clearing.fills-value (id 1)");
        assertThat(SchemaSetup.registerAll(registry, topics)).as("found, not added again").contains("clearing.fills-value (id 1)");
        assertThat(registry.idOf("risk.liquidations-value", io.marginflow.schema.LiquidationSignal.getClassSchema())).isPositive();
    }

    @Test
    void aSubjectIsBackwardSoASchemaThatCannotReadItsDataIsRefused() {
        SchemaSetup.registerAll(registry, topics);
        Schema incompatible = SchemaBuilder.record("Fill").namespace("io.marginflow.schema").fields()
                .requiredString("fillId").requiredLong("somethingNew").endRecord();

        assertThatThrownBy(() -> registry.register(topics.fills() + "-value", incompatible))
                .isInstanceOf(IncompatibleSchemaException.class);
        assertThat(registry.register(topics.fills() + "-value", Fill.getClassSchema())).isEqualTo(1);
    }
}
