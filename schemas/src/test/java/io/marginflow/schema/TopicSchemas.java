package io.marginflow.schema;

import java.util.List;
import org.apache.avro.Schema;

/** The value schema of every Marginflow topic: the schemas whose evolution is governed. */
final class TopicSchemas {

    static final List<Schema> ALL = List.of(
            Fill.getClassSchema(),
            CollateralMovement.getClassSchema(),
            PriceUpdate.getClassSchema(),
            VolSurface.getClassSchema(),
            Instrument.getClassSchema(),
            RiskParameters.getClassSchema(),
            MarketSnapshot.getClassSchema(),
            ClockTick.getClassSchema(),
            JournalEntry.getClassSchema(),
            MarginResult.getClassSchema(),
            MarginCallEvent.getClassSchema(),
            LiquidationSignal.getClassSchema(),
            DeadLetter.getClassSchema(),
            Checkpoint.getClassSchema(),
            Alert.getClassSchema(),
            StressScenario.getClassSchema(),
            StressPartial.getClassSchema(),
            StressResult.getClassSchema());

    private TopicSchemas() {}
}
