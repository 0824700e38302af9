package io.marginflow.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.OptionalInt;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

/**
 * Confluent's wire format, which every Confluent-compatible consumer reads: magic byte 0, the
 * writer schema's registry id as a 4-byte big-endian int, then the Avro binary encoding.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 1 + Integer.BYTES;

    private WireFormat() {}

    /** {@code datum} in the wire format, written by {@code writer} under schema id {@code schemaId}. */
    public static <T> byte[] encode(int schemaId, DatumWriter<T> writer, T datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e); // a ByteArrayOutputStream never throws
        }
        return out.toByteArray();
    }

    /** An Avro binary {@code encoding} written under schema id {@code schemaId}: the header, then those bytes. */
    public static byte[] withHeader(int schemaId, byte[] encoding) {
        byte[] bytes = new byte[HEADER_LENGTH + encoding.length];
        ByteBuffer.wrap(bytes).put(MAGIC_BYTE).putInt(schemaId).put(encoding);
        return bytes;
    }

    /**
     * The schema id in the header of {@code bytes}.
     *
     * @throws RecordDecodingException with reason {@code NOT_WIRE_FORMAT} if there is no valid header
     */
    public static int schemaId(byte[] bytes, RecordCoordinates coordinates) {
        if (bytes.length < HEADER_LENGTH) {
            throw notWireFormat(coordinates, "record of " + bytes.length
                    + " bytes is shorter than the 5-byte header (magic byte 0 and schema id)");
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw notWireFormat(coordinates, String.format(
                    "first byte is 0x%02x, expected magic byte 0x00 (record of %d bytes)", bytes[0], bytes.length));
        }
        return ByteBuffer.wrap(bytes, 1, Integer.BYTES).getInt();
    }

    static RecordDecodingException notWireFormat(RecordCoordinates coordinates, String detail) {
        return new RecordDecodingException(RecordDecodingException.Reason.NOT_WIRE_FORMAT, coordinates,
                OptionalInt.empty(), detail, null);
    }
}
