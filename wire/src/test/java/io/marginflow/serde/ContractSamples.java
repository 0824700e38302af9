package io.marginflow.serde;

import io.marginflow.schema.Cause;
import io.marginflow.schema.Checkpoint;
import io.marginflow.schema.CollateralHaircut;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.CollateralMovementKind;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.ExtremeMove;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SmilePoint;
import io.marginflow.schema.SourceCoordinates;
import io.marginflow.schema.UnderlyingMargin;
import io.marginflow.schema.VolSmile;
import io.marginflow.schema.VolSurface;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.specific.SpecificRecord;

/** One valid record of every topic's value schema, with the topic it belongs on. */
public final class ContractSamples {

    public record Sample(String topic, SpecificRecord record) {
        @Override
        public String toString() {
            return topic + ": " + record.getSchema().getName();
        }
    }

    static final Instant T0 = Instant.parse("2020-03-12T10:00:00Z");

    private ContractSamples() {}

    public static BigDecimal amount(String value) {
        return new BigDecimal(value).setScale(18);
    }

    public static Fill fill() {
        return Fill.newBuilder()
                .setFillId("F-20200312-000001")
                .setAccount("ACC-0042")
                .setInstrument("BTC-PERPETUAL")
                .setQuantity(amount("-2.5"))
                .setPrice(5_678.5)
                .setFee(amount("0.000000000000000001"))
                .setFeeAsset("USD")
                .setEventTime(T0)
                .setSequence(1_001L)
                .setOrderId("O-77")
                .build();
    }

    public static PriceUpdate price() {
        return PriceUpdate.newBuilder()
                .setInstrument("BTC-PERPETUAL").setPrice(5_050.25).setKind(PriceKind.MARK).setEventTime(T0).build();
    }

    public static List<Sample> everyTopic() {
        SourceCoordinates source = SourceCoordinates.newBuilder()
                .setTopic("clearing.fills").setPartition(2).setOffset(17L).setTimestamp(T0).build();
        Cause cause = Cause.newBuilder()
                .setJournalPartition(2).setJournalOffset(40L).setSource(source).setEventTime(T0).build();
        CollateralMovement collateral = CollateralMovement.newBuilder()
                .setMovementId("M-1").setAccount("ACC-0042").setAsset("USDC").setAmount(amount("25000"))
                .setKind(CollateralMovementKind.DEPOSIT).setEventTime(T0).build();
        VolSurface surface = VolSurface.newBuilder()
                .setUnderlying("BTC").setEventTime(T0)
                .setSmiles(List.of(VolSmile.newBuilder()
                        .setExpiry(Instant.parse("2020-03-27T08:00:00Z")).setForward(5_100.0)
                        .setPoints(List.of(new SmilePoint(4_000.0, 1.35), new SmilePoint(5_000.0, 1.1),
                                new SmilePoint(6_000.0, 1.2)))
                        .build()))
                .build();
        Instrument option = Instrument.newBuilder()
                .setInstrumentId("BTC-27MAR20-5000-C").setKind(InstrumentKind.OPTION).setUnderlying("BTC")
                .setExpiry(Instant.parse("2020-03-27T08:00:00Z")).setStrike(5_000.0).setOptionType(OptionType.CALL)
                .setContractMultiplier(amount("1")).setSettlementAsset("USD").setTickSize(0.5)
                .setState(InstrumentState.ACTIVE).setEventTime(T0).build();
        RiskParameters parameters = RiskParameters.newBuilder()
                .setUnderlying("BTC").setVersion(3L).setEffectiveTime(T0)
                .setPriceScanRange(0.16).setPriceScanSteps(9).setVolShockUp(0.3).setVolShockDown(0.3)
                .setVolShockExpiryExponent(0.3)
                .setExtremeMoves(List.of(new ExtremeMove(-0.66, 0.3), new ExtremeMove(5.0, 0.3)))
                .setVarConfidence(0.99).setEsConfidence(0.975).setMarginPeriodOfRiskDays(2).setEwmaLambda(0.94)
                .setMaintenanceToInitialRatio(0.6)
                .setCollateralHaircuts(List.of(new CollateralHaircut("BTC", 0.1), new CollateralHaircut("ETH", 0.15)))
                .setCallGracePeriodMillis(3_600_000L).build();
        JournalEntry journal = JournalEntry.newBuilder().setSource(source).setEventTime(T0).setPayload(fill()).build();
        MarginResult margin = MarginResult.newBuilder()
                .setAccount("ACC-0042").setSequence(7L).setCause(cause)
                .setEquity(amount("21000.5")).setInitialMargin(amount("2400")).setMaintenanceMargin(amount("1440"))
                .setExcess(amount("18600.5")).setStatus(MarginStatus.NORMAL)
                .setScenarioMargin(2_400.0).setValueAtRisk(1_900.0).setExpectedShortfall(2_150.0)
                .setUnderlyings(List.of(UnderlyingMargin.newBuilder().setUnderlying("BTC").setRequirement(2_400.0)
                        .setWorstPriceMove(0.16).setWorstVolShock(0.3).setWorstScenarioLoss(2_400.0).setNetDelta(-2.5)
                        .setGamma(-0.0004).setVega(-310.0).setTheta(-95.0).setForecastVol(0.041).setScanRange(0.16)
                        .setUnrealizedPnl(-1_000.0).build()))
                .setPreviousHash("").setHash("ab".repeat(32)).build();
        MarginCallEvent call = MarginCallEvent.newBuilder()
                .setCallId("CALL-ACC-0042-1").setAccount("ACC-0042").setSequence(8L).setCause(cause)
                .setTransition(MarginCallTransition.ISSUED).setShortfall(amount("150.25"))
                .setEquity(amount("2249.75")).setInitialMargin(amount("2400")).setMaintenanceMargin(amount("1440"))
                .setDeadline(T0.plusSeconds(3_600)).setPreviousHash("ab".repeat(32)).setHash("cd".repeat(32)).build();
        LiquidationSignal liquidation = LiquidationSignal.newBuilder()
                .setSignalId("LIQ-ACC-0042-1").setAccount("ACC-0042").setSequence(9L).setCause(cause)
                .setTransition(LiquidationTransition.STARTED).setEquity(amount("1000"))
                .setInitialMargin(amount("2400")).setMaintenanceMargin(amount("1440"))
                .setPreviousHash("cd".repeat(32)).setHash("ef".repeat(32)).build();
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setSource(source).setOriginalKey(ByteBuffer.wrap("ACC-0042".getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {'{', '}'})).setStage(RejectionStage.SEQUENCER)
                .setErrorClass("NOT_WIRE_FORMAT").setReason("first byte is 0x7b").build();
        Checkpoint checkpoint = Checkpoint.newBuilder()
                .setJournalPartition(2).setSequence(96).setCheckpointTime(T0.plusSeconds(3_600)).setFromOffset(2_644)
                .setUntilOffset(2_825).setOutputs(1_210).setAccounts(108).setMerkleRoot("71".repeat(32))
                .setPreviousHash("02".repeat(32)).setKeyId("e9".repeat(32)).setSignature("c2lnbmF0dXJl")
                .setHash("03".repeat(32)).build();
        return List.of(
                new Sample("clearing.fills", fill()),
                new Sample("clearing.collateral", collateral),
                new Sample("market.prices", price()),
                new Sample("market.vol-surfaces", surface),
                new Sample("refdata.instruments", option),
                new Sample("risk.parameters", parameters),
                new Sample("risk.journal", journal),
                new Sample("risk.margin", margin),
                new Sample("risk.margin-calls", call),
                new Sample("risk.liquidations", liquidation),
                new Sample("risk.dead-letters", deadLetter),
                new Sample("risk.checkpoints", checkpoint));
    }

    /** A released version of a topic schema, as shipped in the schemas jar. */
    public static Schema releasedSchema(String recordName, int version) {
        String resource = "/io/marginflow/schema/history/" + recordName + "/v" + version + ".avsc";
        try (InputStream in = ContractSamples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no released schema " + resource);
            }
            return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #fill()} as a publisher still on version 1 of the Fill schema writes it (no orderId),
     * in the wire format under {@code schemaId}, the id the registry gave version 1.
     */
    public static byte[] fillWrittenWithVersion1(int schemaId) {
        Schema version1 = releasedSchema("Fill", 1);
        Fill fill = fill();
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        GenericRecord record = new GenericRecordBuilder(version1)
                .set("fillId", fill.getFillId()).set("account", fill.getAccount())
                .set("instrument", fill.getInstrument()).set("quantity", fill.getQuantity())
                .set("price", fill.getPrice()).set("fee", fill.getFee()).set("feeAsset", fill.getFeeAsset())
                .set("eventTime", fill.getEventTime()).set("sequence", fill.getSequence())
                .build();
        return WireFormat.encode(schemaId, new GenericDatumWriter<>(version1, model), record);
    }
}
