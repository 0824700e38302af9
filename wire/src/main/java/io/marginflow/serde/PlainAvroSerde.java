package io.marginflow.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro binary without the wire-format header or a registry: for the engine's own state stores
 * and changelogs, which only the engine reads, always with the schema it wrote them with.
 * Also the encoding the output hash chain is computed over.
 */
public final class PlainAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    public PlainAvroSerde(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        this.writer = new SpecificDatumWriter<>(model.getSchema(type), model);
        this.reader = new SpecificDatumReader<>(model.getSchema(type), model.getSchema(type), model);
    }

    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + record.getSchema().getName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    public T decode(byte[] bytes) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + reader.getSchema().getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
