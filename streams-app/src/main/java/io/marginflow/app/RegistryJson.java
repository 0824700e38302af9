package io.marginflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.serde.JsonRecords;
import io.marginflow.serde.RecordCoordinates;
import io.marginflow.serde.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Record values in the wire format decoded with their writer schema from the registry, as JSON ({@link JsonRecords}). */
final class RegistryJson {

    private final SchemaRegistry registry;
    private final Map<Integer, GenericDatumReader<Object>> readers = new HashMap<>();

    RegistryJson(SchemaRegistry registry) {
        this.registry = registry;
    }

    /** {@code record}'s value as JSON. */
    JsonNode decode(ConsumerRecord<byte[], byte[]> record) throws IOException {
        byte[] bytes = record.value();
        int id = WireFormat.schemaId(bytes, RecordCoordinates.of(record.topic(), record.partition(), record.offset()));
        GenericDatumReader<Object> reader = readers.computeIfAbsent(id,
                schemaId -> new GenericDatumReader<>(registry.schemaById(schemaId), registry.schemaById(schemaId), new GenericData()));
        Object value = reader.read(null, DecoderFactory.get()
                .binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, null));
        return JsonRecords.toJson(value, reader.getSchema());
    }
}
