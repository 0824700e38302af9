package io.marginflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: defaults, then a file, then MARGINFLOW_* environment variables, then overrides. */
class MarginflowConfigTest {

    @TempDir
    Path directory;

    @Test
    void theDefaultsNameTheTopicsOfTheDesign() {
        Topics topics = MarginflowConfig.of(Map.of()).topics();

        assertThat(topics.inputs()).containsExactly("clearing.fills", "clearing.collateral", "market.prices",
                "market.vol-surfaces", "refdata.instruments", "risk.parameters", "market.snapshots", "market.clock",
                "risk.stress-scenarios");
        assertThat(topics.journal()).isEqualTo("risk.journal");
        assertThat(topics.outputs()).containsExactly("risk.margin", "risk.margin-calls", "risk.liquidations",
                "risk.dead-letters", "risk.alerts");
        assertThat(topics.checkpoints()).isEqualTo("risk.checkpoints");
        assertThat(topics.stressPartials()).isEqualTo("risk.stress-partials");
        assertThat(topics.stress()).isEqualTo("risk.stress");
    }

    @Test
    void aFileOverridesTheDefaultsAndTheEnvironmentOverridesTheFile() throws IOException {
        Path file = directory.resolve("marginflow.properties");
        Files.writeString(file, "topics.partitions=12\ntopic.fills=ch1.fills\nbootstrap.servers=file:9092\n");

        MarginflowConfig config = MarginflowConfig.load(Optional.of(file), Map.of(
                "MARGINFLOW_TOPICS_PARTITIONS", "24",
                "MARGINFLOW_TOPIC_VOL_SURFACES", "ch1.surfaces",
                "MARGINFLOW_NUM_STREAM_THREADS", "4",
                "PATH", "/usr/bin"), Map.of());

        assertThat(config.topics().partitions()).isEqualTo(24);
        assertThat(config.topics().fills()).isEqualTo("ch1.fills");
        assertThat(config.topics().volSurfaces()).as("'-' in a key is '_' in its variable").isEqualTo("ch1.surfaces");
        assertThat(config.streamsProperties())
                .containsEntry("bootstrap.servers", "file:9092")
                .containsEntry("num.stream.threads", "4")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .doesNotContainKeys("topics.partitions", "topic.fills", "engine.cash-assets", "path");
    }

    @Test
    void registrySettingsAreGatheredForTheRegistryClient() {
        MarginflowConfig config = MarginflowConfig.of(Map.of(
                "schema.registry.url", "https://registry:8081",
                "basic.auth.user.info", "marginflow:secret"));

        assertThat(config.registryConfig())
                .containsEntry("schema.registry.url", "https://registry:8081")
                .containsEntry("basic.auth.user.info", "marginflow:secret")
                .doesNotContainKey("bootstrap.servers");
    }

    @Test
    void badValuesAreRefusedAtStartNamingTheKey() {
        assertThatThrownBy(() -> MarginflowConfig.of(Map.of("topics.partitions", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("topics.partitions");
        assertThatThrownBy(() -> MarginflowConfig.of(Map.of("engine.result-tolerance.usd", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("engine.result-tolerance.usd");
        assertThatThrownBy(() -> MarginflowConfig.of(Map.of("topic.margin", " ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("topic.margin");
        assertThatThrownBy(() -> MarginflowConfig.load(Optional.of(directory.resolve("missing.properties")), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.properties");
    }

    @Test
    void theToleranceIsTheLargerOfItsAbsoluteAndRelativeParts() {
        EngineSettings engine = MarginflowConfig.of(Map.of(
                "engine.result-tolerance.usd", "1", "engine.result-tolerance.relative", "0.01")).engine();

        // from 50: max(1, 0.5) = 1; from 1000: max(1, 10) = 10
        assertThat(engine.movedBeyondTolerance(50, 50.9)).isFalse();
        assertThat(engine.movedBeyondTolerance(50, 51.1)).isTrue();
        assertThat(engine.movedBeyondTolerance(1_000, 1_009)).isFalse();
        assertThat(engine.movedBeyondTolerance(1_000, 989)).isTrue();
    }
}
