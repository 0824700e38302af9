package io.marginflow.sequencer;

import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** Facts about input records that the sequencer and publishers agree on. */
public final class InputRecords {

    /** The field each input record's key must equal (the sequencer's KEY_MISMATCH rule), by record name. */
    private static final Map<String, String> KEY_FIELDS = Map.of(
            "Fill", "account",
            "CollateralMovement", "account",
            "PriceUpdate", "instrument",
            "VolSurface", "underlying",
            "Instrument", "instrumentId",
            "RiskParameters", "underlying",
            "MarketSnapshot", "underlying",
            "StressScenario", "scenarioId");

    /** The key of clock ticks, which have no natural one. */
    public static final String CLOCK_KEY = "clock";

    private InputRecords() {}

    /**
     * The key an input record is published with: its account, instrument or underlying, as the
     * sequencer requires, or {@value #CLOCK_KEY} for a clock tick.
     */
    public static String key(SpecificRecord input) {
        Schema schema = input.getSchema();
        if (schema.getName().equals("ClockTick")) {
            return CLOCK_KEY;
        }
        String field = KEY_FIELDS.get(schema.getName());
        if (field == null) {
            throw new IllegalArgumentException("not an input record: " + schema.getFullName());
        }
        return input.get(schema.getField(field).pos()).toString();
    }

    /**
     * The event time of an input record: its {@code eventTime}, or for risk parameters their
     * {@code effectiveTime}. Journal entries and their Kafka timestamps carry it; publishers
     * should stamp their records with it too.
     */
    public static Instant eventTime(SpecificRecord input) {
        Schema schema = input.getSchema();
        Schema.Field field = schema.getField("eventTime");
        if (field == null) {
            field = schema.getField("effectiveTime");
        }
        if (field == null) {
            throw new IllegalArgumentException("not an input record: " + schema.getFullName());
        }
        return (Instant) input.get(field.pos());
    }
}
