package io.marginflow.sequencer;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** Facts about input records that the sequencer and publishers agree on. */
public final class InputRecords {

    private InputRecords() {}

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
