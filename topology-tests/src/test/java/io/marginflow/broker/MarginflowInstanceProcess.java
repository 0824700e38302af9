package io.marginflow.broker;

import io.marginflow.app.MarginflowApp;
import io.marginflow.app.SchemaSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistries;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One Marginflow instance as a process of its own, for the failover test: {@code marginflow run
 * --config CONFIG}. Its configuration names an in-memory registry, which this process first fills
 * with every topic's schema in {@link SchemaSetup}'s order, so that every process (and the test)
 * gives each schema the same id, as a shared registry server would.
 */
public final class MarginflowInstanceProcess {

    private MarginflowInstanceProcess() {}

    public static void main(String[] args) {
        MarginflowConfig config = MarginflowConfig.load(Optional.of(Path.of(args[0])), Map.of(), Map.of());
        SchemaSetup.registerAll(SchemaRegistries.fromConfig(config.registryConfig()), config.topics());
        MarginflowApp.main(new String[] {"run", "--config", args[0]});
    }
}
