package io.marginflow.app;

import io.marginflow.config.Topics;
import io.marginflow.registry.Compatibility;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Alert;
import io.marginflow.schema.Checkpoint;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressResult;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.VolSurface;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Registers the value schema of every Marginflow topic under {@code <topic>-value}, with the
 * subject's compatibility set to BACKWARD first, so that producers and consumers find the
 * contract before the first record, and a later schema is checked against it.
 */
public final class SchemaSetup {

    private SchemaSetup() {}

    /** Topic → the schema of its values. */
    public static Map<String, Schema> valueSchemas(Topics topics) {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(topics.fills(), Fill.getClassSchema());
        schemas.put(topics.collateral(), CollateralMovement.getClassSchema());
        schemas.put(topics.prices(), PriceUpdate.getClassSchema());
        schemas.put(topics.snapshots(), MarketSnapshot.getClassSchema());
        schemas.put(topics.clock(), ClockTick.getClassSchema());
        schemas.put(topics.volSurfaces(), VolSurface.getClassSchema());
        schemas.put(topics.instruments(), Instrument.getClassSchema());
        schemas.put(topics.parameters(), RiskParameters.getClassSchema());
        schemas.put(topics.stressScenarios(), StressScenario.getClassSchema());
        schemas.put(topics.journal(), JournalEntry.getClassSchema());
        schemas.put(topics.margin(), MarginResult.getClassSchema());
        schemas.put(topics.marginLatest(), MarginResult.getClassSchema());
        schemas.put(topics.marginCalls(), MarginCallEvent.getClassSchema());
        schemas.put(topics.liquidations(), LiquidationSignal.getClassSchema());
        schemas.put(topics.deadLetters(), DeadLetter.getClassSchema());
        schemas.put(topics.checkpoints(), Checkpoint.getClassSchema());
        schemas.put(topics.alerts(), Alert.getClassSchema());
        schemas.put(topics.stressPartials(), StressPartial.getClassSchema());
        schemas.put(topics.stress(), StressResult.getClassSchema());
        return schemas;
    }

    /**
     * Sets each subject to BACKWARD and registers its schema (a schema already there is found, not
     * added again).
     *
     * @return the subjects, each with the schema id it has
     * @throws io.marginflow.registry.IncompatibleSchemaException if a subject holds a schema this
     *         version cannot read data of
     */
    public static List<String> registerAll(SchemaRegistry registry, Topics topics) {
        List<String> registered = new ArrayList<>();
        valueSchemas(topics).forEach((topic, schema) -> {
            String subject = topic + "-value";
            registry.setCompatibility(subject, Compatibility.BACKWARD);
            registered.add(subject + " (id " + registry.register(subject, schema) + ")");
        });
        return registered;
    }
}
