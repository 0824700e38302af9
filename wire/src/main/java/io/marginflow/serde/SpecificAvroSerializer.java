package io.marginflow.serde;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.registry.SchemaRegistryException;
import io.marginflow.registry.SchemaRegistryUnavailableException;
import io.marginflow.registry.SchemaWrites;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in the Confluent wire format under subject
 * {@code <topic>-value} (or {@code <topic>-key}). The registry client decides which schema they
 * are written with ({@link SchemaRegistry#forWriting}): by default the record's own, registered on
 * first use; with {@code auto.register.schemas=false} it must be registered already; with
 * {@code use.latest.version=true} the subject's latest version, to which each record is translated
 * (the latest version must be able to read the record's schema). Thread-safe.
 */
public final class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    /** How records are written under one subject: from the record, or from its encoding with its own schema. */
    private interface Writing<T> {
        byte[] encode(T record);

        byte[] fromOwnEncoding(byte[] encoding);
    }

    private final Schema schema;
    private final SchemaRegistry registry;
    private final boolean isKey;
    private final SpecificDatumWriter<T> writer;
    private final ConcurrentMap<String, Writing<T>> writingBySubject = new ConcurrentHashMap<>();

    /**
     * A serializer through {@code registry}; wrap the registry in {@link SchemaWrites} for the
     * settings other than registration on first use.
     */
    public SpecificAvroSerializer(Class<T> type, SchemaRegistry registry, boolean isKey) {
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.isKey = isKey;
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Writing<T> writing = writing(topic);
        try {
            return writing.encode(record);
        } catch (RuntimeException e) {
            throw new RecordEncodingException("Cannot encode " + schema.getName() + " for topic " + topic
                    + ": the record does not fit its schema: " + e.getMessage(), e);
        }
    }

    /**
     * What {@link #serialize} writes for a record whose Avro binary encoding with the record's own
     * schema (no header) is {@code encoding}, without encoding it again: the header and those bytes,
     * or, when the subject is written with another version, the record translated to it.
     */
    public byte[] serializeEncoded(String topic, byte[] encoding) {
        Writing<T> writing = writing(topic);
        try {
            return writing.fromOwnEncoding(encoding);
        } catch (RuntimeException e) {
            throw new RecordEncodingException("Cannot encode " + schema.getName() + " for topic " + topic
                    + ": the encoding does not fit the subject's schema: " + e.getMessage(), e);
        }
    }

    private Writing<T> writing(String topic) {
        String subject = Subjects.of(topic, isKey);
        Writing<T> writing = writingBySubject.get(subject);
        if (writing == null) {
            writing = writing(topic, subject);
            writingBySubject.putIfAbsent(subject, writing);
        }
        return writing;
    }

    private Writing<T> writing(String topic, String subject) {
        SchemaRegistry.Registered target;
        try {
            target = registry.forWriting(subject, schema);
        } catch (SchemaRegistryUnavailableException e) {
            throw new SchemaRegistryUnavailableException("Cannot encode " + schema.getName()
                    + " for topic " + topic + ": " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new RecordEncodingException("Cannot encode " + schema.getName() + " for topic " + topic
                    + ": the registry does not accept its schema under subject " + subject + ": " + e.getMessage(), e);
        }
        int id = target.id();
        if (target.schema().equals(schema)) {
            return new Writing<>() {
                @Override
                public byte[] encode(T record) {
                    return WireFormat.encode(id, writer, record);
                }

                @Override
                public byte[] fromOwnEncoding(byte[] encoding) {
                    return WireFormat.withHeader(id, encoding);
                }
            };
        }
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(target.schema(), schema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new RecordEncodingException("Cannot encode " + schema.getName() + " for topic " + topic
                    + ": the latest version under subject " + subject + " (schema id " + id + ") cannot read it: "
                    + compatibility.getResult().getIncompatibilities(), null);
        }
        GenericDatumReader<GenericRecord> translate = new GenericDatumReader<>(schema, target.schema(), GenericData.get());
        GenericDatumWriter<GenericRecord> latestWriter = new GenericDatumWriter<>(target.schema(), GenericData.get());
        return new Writing<>() {
            @Override
            public byte[] encode(T record) {
                byte[] own = WireFormat.encode(id, writer, record);
                return translated(own, WireFormat.HEADER_LENGTH);
            }

            @Override
            public byte[] fromOwnEncoding(byte[] encoding) {
                return translated(encoding, 0);
            }

            private byte[] translated(byte[] own, int offset) {
                try {
                    GenericRecord translated = translate.read(null,
                            DecoderFactory.get().binaryDecoder(own, offset, own.length - offset, null));
                    return WireFormat.encode(id, latestWriter, translated);
                } catch (IOException e) {
                    throw new IllegalStateException("translating to schema id " + id + " failed: " + e.getMessage(), e);
                }
            }
        };
    }
}
