package io.marginflow;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The application reads top-down, and its packages point one way: configuration, then
 * translation between the contract and the engine, then failure handling, then the sequencer and
 * the margin engine (which know nothing of each other), then the application that wires them.
 */
class ArchitectureTest {

    private static final JavaClasses APPLICATION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.marginflow.config", "io.marginflow.translation", "io.marginflow.errors",
                    "io.marginflow.sequencer", "io.marginflow.engine", "io.marginflow.metrics", "io.marginflow.api",
                    "io.marginflow.stress", "io.marginflow.audit", "io.marginflow.app");

    @Test
    void packagesPointOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("config").definedBy("io.marginflow.config..")
                .layer("translation").definedBy("io.marginflow.translation..")
                .layer("errors").definedBy("io.marginflow.errors..")
                .layer("sequencer").definedBy("io.marginflow.sequencer..")
                .layer("engine").definedBy("io.marginflow.engine..")
                .layer("metrics").definedBy("io.marginflow.metrics..")
                .layer("api").definedBy("io.marginflow.api..")
                .layer("stress").definedBy("io.marginflow.stress..")
                .layer("audit").definedBy("io.marginflow.audit..")
                .layer("app").definedBy("io.marginflow.app..")
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("api").mayOnlyBeAccessedByLayers("app")
                .whereLayer("audit").mayOnlyBeAccessedByLayers("app")
                .whereLayer("sequencer").mayOnlyBeAccessedByLayers("api", "app")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("api", "audit", "app")
                .whereLayer("stress").mayOnlyBeAccessedByLayers("audit", "app")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("errors", "sequencer", "engine", "stress", "app")
                .whereLayer("errors").mayOnlyBeAccessedByLayers("sequencer", "engine", "audit", "app")
                .whereLayer("translation").mayOnlyBeAccessedByLayers("errors", "sequencer", "engine", "stress", "api", "audit", "app")
                .whereLayer("config").mayOnlyBeAccessedByLayers("translation", "errors", "sequencer", "engine", "stress",
                        "api", "audit", "app")
                .check(APPLICATION);
    }

    @Test
    void noPackageLoops() {
        slices().matching("io.marginflow.(*)..").should().beFreeOfCycles().check(APPLICATION);
    }
}
