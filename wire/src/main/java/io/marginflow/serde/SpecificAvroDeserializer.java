package io.marginflow.serde;

import io.marginflow.registry.SchemaNotFoundException;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.registry.SchemaRegistryException;
import io.marginflow.registry.SchemaRegistryUnavailableException;
import io.marginflow.serde.RecordDecodingException.Reason;
import java.io.IOException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads generated Avro records from the Confluent wire format. The writer's schema is fetched
 * by the id in the header, so records written with any earlier compatible version of the
 * schema decode into today's class (fields added since take their defaults). Thread-safe.
 *
 * <p>Failures are specific: {@link RecordDecodingException} for bytes that are bad in themselves
 * (its {@link RecordDecodingException.Reason reason} says how), and
 * {@link SchemaRegistryUnavailableException} when the registry cannot be asked, which says
 * nothing about the record and must not get it dead-lettered.
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    /** How records written with one schema id are read: a resolving reader, or why they cannot be. */
    private sealed interface WriterResolution<T> {
        record Decodable<T>(SpecificDatumReader<T> reader) implements WriterResolution<T> {}

        record Unreadable<T>(String why) implements WriterResolution<T> {}
    }

    private final Schema readerSchema;
    private final SpecificData model;
    private final SchemaRegistry registry;
    private final ConcurrentMap<Integer, WriterResolution<T>> resolutions = new ConcurrentHashMap<>();

    public SpecificAvroDeserializer(Class<T> type, SchemaRegistry registry) {
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : decode(RecordCoordinates.ofTopic(topic), data);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    /**
     * Decodes {@code bytes}, read at {@code coordinates}, which appear in every error.
     *
     * @throws RecordDecodingException if the bytes cannot be decoded into the record
     * @throws SchemaRegistryUnavailableException if the writer's schema cannot be fetched now
     */
    public T decode(RecordCoordinates coordinates, byte[] bytes) {
        if (bytes == null) {
            throw WireFormat.notWireFormat(coordinates, "the record has no value (null) where "
                    + readerSchema.getName() + " was expected");
        }
        int schemaId = WireFormat.schemaId(bytes, coordinates);
        WriterResolution<T> resolution = resolutions.get(schemaId);
        if (resolution == null) {
            resolution = resolve(schemaId, coordinates);
            resolutions.putIfAbsent(schemaId, resolution);
        }
        if (resolution instanceof WriterResolution.Unreadable<T> unreadable) {
            throw new RecordDecodingException(Reason.INCOMPATIBLE_WRITER_SCHEMA, coordinates,
                    OptionalInt.of(schemaId), unreadable.why(), null);
        }
        SpecificDatumReader<T> reader = ((WriterResolution.Decodable<T>) resolution).reader();
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new RecordDecodingException(Reason.UNREADABLE_AVRO, coordinates, OptionalInt.of(schemaId),
                    "the Avro body does not decode as " + reader.getSchema().getFullName() + ": "
                            + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new RecordDecodingException(Reason.UNREADABLE_AVRO, coordinates, OptionalInt.of(schemaId),
                        "bytes are left over after a complete " + reader.getSchema().getFullName()
                                + ": the body was not written with this schema", null);
            }
        } catch (IOException e) {
            throw new RecordDecodingException(Reason.UNREADABLE_AVRO, coordinates, OptionalInt.of(schemaId),
                    "cannot check for left-over bytes: " + e.getMessage(), e);
        }
        return record;
    }

    private WriterResolution<T> resolve(int schemaId, RecordCoordinates coordinates) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(schemaId);
        } catch (SchemaNotFoundException e) {
            throw new RecordDecodingException(Reason.UNKNOWN_SCHEMA_ID, coordinates, OptionalInt.of(schemaId),
                    "the schema registry has no schema with this id: " + e.getMessage(), e);
        } catch (SchemaRegistryUnavailableException e) {
            throw new SchemaRegistryUnavailableException("Cannot decode record from " + coordinates
                    + " (schema id " + schemaId + "): " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new RecordDecodingException(Reason.UNKNOWN_SCHEMA_ID, coordinates, OptionalInt.of(schemaId),
                    "the writer's schema cannot be fetched: " + e.getMessage(), e);
        }
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return new WriterResolution.Unreadable<>("data written with " + writerSchema.getFullName()
                    + " cannot be read as " + readerSchema.getFullName() + ": "
                    + compatibility.getResult().getIncompatibilities());
        }
        return new WriterResolution.Decodable<>(new SpecificDatumReader<>(writerSchema, readerSchema, model));
    }
}
