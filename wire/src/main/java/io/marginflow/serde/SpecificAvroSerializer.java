package io.marginflow.serde;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.registry.SchemaRegistryException;
import io.marginflow.registry.SchemaRegistryUnavailableException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in the Confluent wire format under subject
 * {@code <topic>-value} (or {@code <topic>-key}). With auto-registration on, the record's schema
 * is registered on first use; otherwise it must already be registered under the subject.
 * Thread-safe.
 */
public final class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final Schema schema;
    private final SchemaRegistry registry;
    private final boolean isKey;
    private final boolean autoRegister;
    private final SpecificDatumWriter<T> writer;

    public SpecificAvroSerializer(Class<T> type, SchemaRegistry registry, boolean isKey, boolean autoRegister) {
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.isKey = isKey;
        this.autoRegister = autoRegister;
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        String subject = Subjects.of(topic, isKey);
        int schemaId;
        try {
            schemaId = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
        } catch (SchemaRegistryUnavailableException e) {
            throw new SchemaRegistryUnavailableException("Cannot encode " + schema.getName()
                    + " for topic " + topic + ": " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new RecordEncodingException("Cannot encode " + schema.getName() + " for topic " + topic
                    + ": the registry does not accept its schema under subject " + subject + ": " + e.getMessage(), e);
        }
        try {
            return WireFormat.encode(schemaId, writer, record);
        } catch (RuntimeException e) {
            throw new RecordEncodingException("Cannot encode " + schema.getName() + " for topic " + topic
                    + ": the record does not fit its schema: " + e.getMessage(), e);
        }
    }
}
