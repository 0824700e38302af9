package io.marginflow.serde;

import io.marginflow.registry.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for a generated Avro record class in the Confluent wire format, so that
 * any Confluent-compatible consumer reads what Marginflow writes and the other way round.
 *
 * <pre>{@code
 * SchemaRegistry registry = SchemaRegistries.fromConfig(Map.of("schema.registry.url", "http://registry:8081"));
 * Serde<Fill> fills = SpecificAvroSerde.forValues(Fill.class, registry);
 * }</pre>
 */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    public SpecificAvroSerde(Class<T> type, SchemaRegistry registry, boolean isKey) {
        this.serializer = new SpecificAvroSerializer<>(type, registry, isKey);
        this.deserializer = new SpecificAvroDeserializer<>(type, registry);
    }

    /**
     * A value serde under {@code <topic>-value}: it registers the record's schema on first use,
     * unless the registry client says otherwise ({@link io.marginflow.registry.SchemaWrites}).
     */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> forValues(Class<T> type, SchemaRegistry registry) {
        return new SpecificAvroSerde<>(type, registry, false);
    }

    /**
     * A value serializer for a topology sink that receives {@code type} records typed as a
     * supertype ({@link SpecificRecord}, {@link Object}); anything else forwarded to it fails with a
     * ClassCastException naming both types.
     */
    public static <T extends SpecificRecord, V> Serializer<V> forSink(Class<T> type, SchemaRegistry registry) {
        SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>(type, registry, false);
        return (topic, record) -> serializer.serialize(topic, type.cast(record));
    }

    @Override
    public SpecificAvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public SpecificAvroDeserializer<T> deserializer() {
        return deserializer;
    }
}
