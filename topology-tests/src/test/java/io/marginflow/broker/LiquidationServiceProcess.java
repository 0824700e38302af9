package io.marginflow.broker;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.liquidation.LiquidationService;
import io.marginflow.registry.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The example liquidation service as a process of its own, for the crash test: {@code CONFIG
 * SCHEMAS GROUP TRANSACTIONAL_ID}. SCHEMAS holds the test's registry (one schema per line, id 1
 * first), loaded into this process's in-memory registry in that order so that ids agree across
 * the two processes, as a shared registry server would make them.
 */
public final class LiquidationServiceProcess {

    private LiquidationServiceProcess() {}

    public static void main(String[] args) throws Exception {
        MarginflowConfig config = MarginflowConfig.load(Optional.of(Path.of(args[0])), Map.of(), Map.of());
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope("liquidation-service-process");
        int i = 0;
        for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
            registry.register("preloaded-" + i++, new Schema.Parser().parse(line));
        }
        try (LiquidationService service = new LiquidationService(config, registry, args[2], args[3])) {
            System.out.println("liquidation service running");
            service.run();
        }
    }
}
