package io.marginflow.pipeline;

import io.marginflow.schema.ClockTick;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.CollateralMovementKind;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SmilePoint;
import io.marginflow.schema.SnapshotMark;
import io.marginflow.schema.VolSmile;
import io.marginflow.schema.VolSurface;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Input records as a clearinghouse publishes them, for the pipeline specifications. */
public final class Inputs {

    public static final Instant T0 = Instant.parse("2020-03-12T00:00:00Z");

    private Inputs() {}

    public static BigDecimal decimal(String value) {
        return new BigDecimal(value).setScale(18);
    }

    public static Instrument perpetual(String id, String underlying) {
        return Instrument.newBuilder()
                .setInstrumentId(id).setKind(InstrumentKind.PERPETUAL).setUnderlying(underlying)
                .setContractMultiplier(decimal("1")).setSettlementAsset("USD").setTickSize(0.5)
                .setState(InstrumentState.ACTIVE).setEventTime(T0).build();
    }

    public static Instrument expired(Instrument instrument) {
        return Instrument.newBuilder(instrument).setState(InstrumentState.EXPIRED).build();
    }

    public static Fill fill(String fillId, String account, String instrument, String quantity, double price) {
        return Fill.newBuilder()
                .setFillId(fillId).setAccount(account).setInstrument(instrument)
                .setQuantity(decimal(quantity)).setPrice(price).setFee(decimal("0")).setFeeAsset("USD")
                .setEventTime(T0.plusSeconds(60)).setSequence(1).build();
    }

    public static CollateralMovement deposit(String movementId, String account, String asset, String amount) {
        return CollateralMovement.newBuilder()
                .setMovementId(movementId).setAccount(account).setAsset(asset).setAmount(decimal(amount))
                .setKind(CollateralMovementKind.DEPOSIT).setEventTime(T0.plusSeconds(30)).build();
    }

    public static PriceUpdate mark(String instrument, double price, int minute) {
        return PriceUpdate.newBuilder()
                .setInstrument(instrument).setPrice(price).setKind(PriceKind.MARK)
                .setEventTime(T0.plusSeconds(60L * minute)).build();
    }

    /** A snapshot of {@code underlying}'s marks (instrument, price pairs) at {@code minute}, without an index. */
    public static MarketSnapshot snapshot(String underlying, int minute, Object... marks) {
        List<SnapshotMark> list = new ArrayList<>();
        for (int i = 0; i < marks.length; i += 2) {
            list.add(new SnapshotMark((String) marks[i], ((Number) marks[i + 1]).doubleValue()));
        }
        return MarketSnapshot.newBuilder().setUnderlying(underlying).setMarks(list)
                .setEventTime(T0.plusSeconds(60L * minute)).build();
    }

    /** The clearinghouse's clock at {@code minute}. */
    public static ClockTick clock(int minute) {
        return new ClockTick(T0.plusSeconds(60L * minute));
    }

    /** ±range in `steps` steps, no extreme moves, maintenance at `ratio` of initial margin. */
    public static RiskParameters parameters(String underlying, long version, double range, int steps, double ratio) {
        return RiskParameters.newBuilder()
                .setUnderlying(underlying).setVersion(version).setEffectiveTime(T0)
                .setPriceScanRange(range).setPriceScanSteps(steps)
                .setVolShockUp(0.3).setVolShockDown(0.3).setVolShockExpiryExponent(0.0)
                .setExtremeMoves(List.of())
                .setVarConfidence(0.99).setEsConfidence(0.975).setMarginPeriodOfRiskDays(2).setEwmaLambda(0.94)
                .setMaintenanceToInitialRatio(ratio).setCollateralHaircuts(List.of())
                .setCallGracePeriodMillis(3_600_000L).build();
    }

    /** A European option on {@code underlying}, multiplier 1, settled in USD. */
    public static Instrument option(String id, String underlying, OptionType type, double strike, Instant expiry) {
        return Instrument.newBuilder()
                .setInstrumentId(id).setKind(InstrumentKind.OPTION).setUnderlying(underlying)
                .setExpiry(expiry).setStrike(strike).setOptionType(type)
                .setContractMultiplier(decimal("1")).setSettlementAsset("USD").setTickSize(0.5)
                .setState(InstrumentState.ACTIVE).setEventTime(T0).build();
    }

    public static PriceUpdate index(String underlying, double price, int minute) {
        return PriceUpdate.newBuilder(mark(underlying, price, minute)).setKind(PriceKind.INDEX).build();
    }

    public static PriceUpdate settlement(String id, double price, Instant at) {
        return PriceUpdate.newBuilder().setInstrument(id).setPrice(price).setKind(PriceKind.SETTLEMENT)
                .setEventTime(at).build();
    }

    /** A surface of one expiry with the same forward at every strike's vol. */
    public static VolSurface surface(String underlying, int minute, Instant expiry, double forward,
                                     double[] strikes, double[] vols) {
        List<SmilePoint> points = new ArrayList<>();
        for (int j = 0; j < strikes.length; j++) {
            points.add(new SmilePoint(strikes[j], vols[j]));
        }
        return VolSurface.newBuilder().setUnderlying(underlying).setEventTime(T0.plusSeconds(60L * minute))
                .setSmiles(List.of(VolSmile.newBuilder().setExpiry(expiry).setForward(forward).setPoints(points).build()))
                .build();
    }

    /**
     * Option parameters: ±range in `steps` steps, vol up `volUp` and down `volDown` (no expiry
     * scaling), no extreme moves, maintenance at half of initial margin.
     */
    public static RiskParameters optionParameters(String underlying, double range, int steps, double volUp, double volDown,
                                                  double shortOptionMinimum) {
        return RiskParameters.newBuilder(parameters(underlying, 1, range, steps, 0.5))
                .setVolShockUp(volUp).setVolShockDown(volDown).setShortOptionMinimum(shortOptionMinimum).build();
    }
}
