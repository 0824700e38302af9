package io.marginflow.engine;

import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.Position;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.risk.lifecycle.LifecycleState.OpenCall;
import io.marginflow.risk.lifecycle.LifecycleState.OpenLiquidation;
import io.marginflow.risk.lifecycle.LiquidationReason;
import io.marginflow.risk.stats.RobustBaseline;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary layout of {@link AccountRecord} in the accounts store and its changelog: a format
 * version byte, then the fields; exact amounts as unscaled bytes and scale. Format 5 adds the
 * margin-usage baseline to format 4, which added the account's member to format 3, which added the
 * growth baseline to format 2's margin lifecycle; formats 4, 3, 2 and 1 (status and the open
 * call's and liquidation's ids) are still read, with an empty usage baseline, no member before 4
 * and no growth baseline before 3.
 */
final class AccountRecordSerde implements Serde<AccountRecord> {

    private static final byte FORMAT_VERSION = 5;

    @Override
    public Serializer<AccountRecord> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    @Override
    public Deserializer<AccountRecord> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    @SuppressWarnings("EnumOrdinal") // status and reason bytes: the enums' declaration order is part of the format
    static byte[] encode(AccountRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            writePortfolio(out, record.portfolio());
            LifecycleState lifecycle = record.lifecycle();
            out.writeByte(lifecycle.status().ordinal());
            out.writeLong(record.sequence());
            out.writeUTF(record.hashHead());
            out.writeBoolean(record.published());
            out.writeDouble(record.publishedEquity());
            out.writeDouble(record.publishedInitialMargin());
            out.writeDouble(record.publishedMaintenanceMargin());
            out.writeInt(lifecycle.callCount());
            out.writeInt(lifecycle.liquidationCount());
            out.writeBoolean(lifecycle.call().isPresent());
            if (lifecycle.call().isPresent()) {
                OpenCall call = lifecycle.call().get();
                out.writeUTF(call.id());
                out.writeDouble(call.amountToMeet());
                out.writeLong(call.deadlineMillis());
            }
            out.writeBoolean(lifecycle.liquidation().isPresent());
            if (lifecycle.liquidation().isPresent()) {
                OpenLiquidation open = lifecycle.liquidation().get();
                out.writeUTF(open.id());
                out.writeByte(open.reason().ordinal());
                out.writeInt(open.revision());
                out.writeBoolean(open.backstop());
                out.writeInt(open.planSteps());
                out.writeInt(open.executedSteps());
                out.writeBoolean(open.bookChanged());
            }
            out.writeDouble(record.growth().median());
            out.writeDouble(record.growth().mad());
            out.writeLong(record.growth().count());
            out.writeUTF(record.member());
            out.writeDouble(record.usage().median());
            out.writeDouble(record.usage().mad());
            out.writeLong(record.usage().count());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("EnumOrdinal") // see encode
    static AccountRecord decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version < 1 || version > FORMAT_VERSION) {
                throw new SerializationException("account record format " + version + " is not 1 to " + FORMAT_VERSION);
            }
            Portfolio portfolio = readPortfolio(in);
            MarginStatus status = MarginStatus.values()[in.readByte()];
            long sequence = in.readLong();
            String head = in.readUTF();
            boolean published = in.readBoolean();
            double equity = in.readDouble();
            double initial = in.readDouble();
            double maintenance = in.readDouble();
            if (version == 1) {
                return new AccountRecord(portfolio, formatOneLifecycle(status, in.readUTF(), in.readUTF(), in.readInt(),
                        in.readInt()), sequence, head, published, equity, initial, maintenance, RobustBaseline.EMPTY,
                        RobustBaseline.EMPTY, "");
            }
            int calls = in.readInt();
            int liquidations = in.readInt();
            Optional<OpenCall> call = in.readBoolean()
                    ? Optional.of(new OpenCall(in.readUTF(), in.readDouble(), in.readLong())) : Optional.empty();
            Optional<OpenLiquidation> liquidation = in.readBoolean()
                    ? Optional.of(new OpenLiquidation(in.readUTF(), LiquidationReason.values()[in.readByte()], in.readInt(),
                            in.readBoolean(), in.readInt(), in.readInt(), in.readBoolean()))
                    : Optional.empty();
            RobustBaseline growth = version >= 3 ? new RobustBaseline(in.readDouble(), in.readDouble(), in.readLong())
                    : RobustBaseline.EMPTY;
            String member = version >= 4 ? in.readUTF() : "";
            RobustBaseline usage = version >= 5 ? new RobustBaseline(in.readDouble(), in.readDouble(), in.readLong())
                    : RobustBaseline.EMPTY;
            return new AccountRecord(portfolio, new LifecycleState(status, call, liquidation, calls, liquidations),
                    sequence, head, published, equity, initial, maintenance, growth, usage, member);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("corrupt account record", e);
        }
    }

    /**
     * The lifecycle of an account stored before calls had deadlines and liquidations plans (format
     * 1): an open call keeps its id, does not expire and is announced again (INCREASED, its amount
     * unknown) on its next recompute; an open liquidation is revised (UPDATED, with a plan).
     */
    private static LifecycleState formatOneLifecycle(MarginStatus status, String callId, String liquidationId, int calls,
                                                     int liquidations) {
        return switch (status) {
            case NORMAL -> new LifecycleState(status, Optional.empty(), Optional.empty(), calls, liquidations);
            case MARGIN_CALL -> new LifecycleState(status, Optional.of(new OpenCall(callId, 0.0, Long.MAX_VALUE)),
                    Optional.empty(), calls, liquidations);
            case LIQUIDATION -> new LifecycleState(status, Optional.empty(), Optional.of(new OpenLiquidation(liquidationId,
                    LiquidationReason.MAINTENANCE_BREACH, 1, false, 0, 0, true)), calls, liquidations);
        };
    }

    private static void writePortfolio(DataOutputStream out, Portfolio portfolio) throws IOException {
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
    }

    private static Portfolio readPortfolio(DataInputStream in) throws IOException {
        TreeMap<String, Position> positions = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            Position position = new Position(in.readUTF(), readDecimal(in), in.readDouble());
            positions.put(position.instrument(), position);
        }
        TreeMap<String, BigDecimal> balances = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            balances.put(in.readUTF(), readDecimal(in));
        }
        return new Portfolio(positions, balances);
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
