package io.marginflow.engine;

import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.Position;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary layout of {@link AccountRecord} in the accounts store and its changelog: a format
 * version byte, then the fields in declaration order; exact amounts as unscaled bytes and scale.
 */
final class AccountRecordSerde implements Serde<AccountRecord> {

    private static final byte FORMAT_VERSION = 1;

    @Override
    public Serializer<AccountRecord> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    @Override
    public Deserializer<AccountRecord> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    @SuppressWarnings("EnumOrdinal") // the status byte of format 1: MarginStatus's declaration order is part of it
    static byte[] encode(AccountRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            Portfolio portfolio = record.portfolio();
            out.writeInt(portfolio.positions().size());
            for (Position position : portfolio.positions().values()) {
                out.writeUTF(position.instrument());
                writeDecimal(out, position.quantity());
                out.writeDouble(position.averagePrice());
            }
            out.writeInt(portfolio.balances().size());
            for (Map.Entry<String, BigDecimal> balance : portfolio.balances().entrySet()) {
                out.writeUTF(balance.getKey());
                writeDecimal(out, balance.getValue());
            }
            out.writeByte(record.status().ordinal());
            out.writeLong(record.sequence());
            out.writeUTF(record.hashHead());
            out.writeBoolean(record.published());
            out.writeDouble(record.publishedEquity());
            out.writeDouble(record.publishedInitialMargin());
            out.writeDouble(record.publishedMaintenanceMargin());
            out.writeUTF(record.openCallId());
            out.writeUTF(record.liquidationId());
            out.writeInt(record.callCount());
            out.writeInt(record.liquidationCount());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("EnumOrdinal") // see encode
    static AccountRecord decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new SerializationException("account record format " + version + " is not " + FORMAT_VERSION);
            }
            TreeMap<String, Position> positions = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                Position position = new Position(in.readUTF(), readDecimal(in), in.readDouble());
                positions.put(position.instrument(), position);
            }
            TreeMap<String, BigDecimal> balances = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                balances.put(in.readUTF(), readDecimal(in));
            }
            return new AccountRecord(new Portfolio(positions, balances), MarginStatus.values()[in.readByte()],
                    in.readLong(), in.readUTF(), in.readBoolean(), in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readUTF(), in.readUTF(), in.readInt(), in.readInt());
        } catch (IOException e) {
            throw new SerializationException("corrupt account record", e);
        }
    }

    private static void writeDecimal(DataOutputStream out, BigDecimal value) throws IOException {
        byte[] unscaled = value.unscaledValue().toByteArray();
        out.writeInt(value.scale());
        out.writeShort(unscaled.length);
        out.write(unscaled);
    }

    private static BigDecimal readDecimal(DataInputStream in) throws IOException {
        int scale = in.readInt();
        byte[] unscaled = new byte[in.readShort()];
        in.readFully(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
    }
}
