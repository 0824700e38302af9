package io.marginflow.sequencer;

import io.marginflow.config.InputBounds;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.CollateralHaircut;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SmilePoint;
import io.marginflow.schema.SnapshotMark;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.VolSmile;
import io.marginflow.schema.VolSurface;
import io.marginflow.translation.DeadLetters;
import io.marginflow.translation.EngineTypes;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * The checks a record must pass to enter the journal, each decidable from the record alone (its
 * key, value and Kafka timestamp; the sequencer is stateless): the contract's rules, and the
 * {@link InputBounds} that keep every record and every output derived from it representable.
 * Checks that need state (does the instrument exist, is it active, was this fill id seen before)
 * are the engine's, made in journal order so that replay decides them the same way.
 *
 * <p>Error classes: {@code TOO_LONG} (text or a list over its limit), {@code KEY_MISMATCH},
 * {@code MISSING_FIELD}, {@code ZERO_QUANTITY}, {@code ZERO_AMOUNT}, {@code INVALID_PRICE} (not
 * finite and positive), {@code OUT_OF_RANGE} (a number or time outside its bounds),
 * {@code INVALID_SURFACE}, {@code SURFACE_ARBITRAGE}, {@code INVALID_INSTRUMENT},
 * {@code INVALID_PARAMETERS}, {@code DUPLICATE_INSTRUMENT} (an instrument twice in one snapshot),
 * {@code INVALID_SCENARIO} (a stress scenario's moves: NaN, at or below -100%, an underlying twice).
 */
public final class InputValidator {

    private final InputBounds bounds;

    public InputValidator(InputBounds bounds) {
        this.bounds = bounds;
    }

    /**
     * The reason {@code record}, read with key {@code key} from a Kafka record stamped
     * {@code recordTimestamp}, must not enter the journal; empty if it may.
     */
    public Optional<Rejection> check(String key, SpecificRecord record, Instant recordTimestamp) {
        if (key.length() > bounds.maxIdLength()) {
            return tooLong("the record key", key);
        }
        if (record instanceof Fill fill) {
            return fill(key, fill, recordTimestamp);
        }
        if (record instanceof CollateralMovement movement) {
            return collateral(key, movement, recordTimestamp);
        }
        if (record instanceof PriceUpdate price) {
            return first(
                    () -> id("instrument", price.getInstrument()),
                    () -> keyMatches(key, price.getInstrument(), "instrument"),
                    () -> price("price of " + price.getInstrument(), price.getPrice()),
                    () -> eventTime(price.getEventTime(), recordTimestamp));
        }
        if (record instanceof VolSurface surface) {
            return surface(key, surface, recordTimestamp);
        }
        if (record instanceof Instrument instrument) {
            return instrument(key, instrument, recordTimestamp);
        }
        if (record instanceof RiskParameters parameters) {
            return parameters(key, parameters);
        }
        if (record instanceof MarketSnapshot snapshot) {
            return snapshot(key, snapshot, recordTimestamp);
        }
        if (record instanceof StressScenario scenario) {
            return scenario(key, scenario, recordTimestamp);
        }
        if (record instanceof ClockTick tick) {
            return eventTime(tick.getEventTime(), recordTimestamp);
        }
        return reject("UNSUPPORTED_RECORD", "no validation for " + record.getSchema().getFullName());
    }

    private Optional<Rejection> fill(String key, Fill fill, Instant recordTimestamp) {
        return first(
                () -> id("fillId", fill.getFillId()),
                () -> id("account", fill.getAccount()),
                () -> id("instrument", fill.getInstrument()),
                () -> id("feeAsset", fill.getFeeAsset()),
                () -> fill.getOrderId() == null ? Optional.empty() : length("orderId", fill.getOrderId()),
                () -> fill.getMember() == null ? Optional.empty() : id("member", fill.getMember()),
                () -> keyMatches(key, fill.getAccount(), "account"),
                () -> fill.getQuantity().signum() == 0
                        ? reject("ZERO_QUANTITY", "fill " + fill.getFillId() + " has quantity 0")
                        : Optional.empty(),
                () -> atMost("quantity of fill " + fill.getFillId(), fill.getQuantity(), bounds.maxQuantity()),
                () -> price("price of fill " + fill.getFillId(), fill.getPrice()),
                () -> atMost("fee of fill " + fill.getFillId(), fill.getFee(), bounds.maxAmount()),
                () -> Math.abs(fill.getQuantity().doubleValue()) * fill.getPrice() > bounds.maxFillNotional()
                        ? reject("OUT_OF_RANGE", "fill " + fill.getFillId() + " is worth |quantity| × price = "
                                + Math.abs(fill.getQuantity().doubleValue()) * fill.getPrice()
                                + " USD per unit of multiplier, more than " + bounds.maxFillNotional())
                        : Optional.empty(),
                () -> eventTime(fill.getEventTime(), recordTimestamp));
    }

    private Optional<Rejection> collateral(String key, CollateralMovement movement, Instant recordTimestamp) {
        return first(
                () -> id("movementId", movement.getMovementId()),
                () -> id("account", movement.getAccount()),
                () -> id("asset", movement.getAsset()),
                () -> movement.getMember() == null ? Optional.empty() : id("member", movement.getMember()),
                () -> keyMatches(key, movement.getAccount(), "account"),
                () -> movement.getAmount().signum() == 0
                        ? reject("ZERO_AMOUNT", "collateral movement " + movement.getMovementId() + " has amount 0")
                        : Optional.empty(),
                () -> atMost("amount of collateral movement " + movement.getMovementId(), movement.getAmount(),
                        bounds.maxAmount()),
                () -> eventTime(movement.getEventTime(), recordTimestamp));
    }

    /**
     * A snapshot's own rules: one underlying (its key), each instrument at most once, every price
     * a price. Whether its instruments exist and belong to the underlying is the engine's check.
     */
    private Optional<Rejection> snapshot(String key, MarketSnapshot snapshot, Instant recordTimestamp) {
        String underlying = snapshot.getUnderlying();
        Optional<Rejection> header = first(
                () -> id("underlying", underlying),
                () -> keyMatches(key, underlying, "underlying"),
                () -> snapshot.getMarks().size() > bounds.maxSnapshotMarks()
                        ? reject("TOO_LONG", "snapshot of " + underlying + " has " + snapshot.getMarks().size()
                                + " marks, more than " + bounds.maxSnapshotMarks())
                        : Optional.empty(),
                () -> snapshot.getIndex() == null ? Optional.empty() : price("index of " + underlying, snapshot.getIndex()),
                () -> eventTime(snapshot.getEventTime(), recordTimestamp));
        if (header.isPresent()) {
            return header;
        }
        Set<String> seen = new HashSet<>();
        for (SnapshotMark mark : snapshot.getMarks()) {
            Optional<Rejection> problem = first(
                    () -> id("instrument", mark.getInstrument()),
                    () -> seen.add(mark.getInstrument()) ? Optional.empty()
                            : reject("DUPLICATE_INSTRUMENT", "snapshot of " + underlying + " marks "
                                    + DeadLetters.quote(mark.getInstrument()) + " more than once"),
                    () -> price("mark of " + mark.getInstrument(), mark.getPrice()));
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /**
     * The surface is bounded, then built as the engine will use it, at its own event time:
     * malformed smiles, a surface whose every smile has expired, and arbitrage are refused with
     * the reason.
     */
    private Optional<Rejection> surface(String key, VolSurface surface, Instant recordTimestamp) {
        Optional<Rejection> header = first(
                () -> id("underlying", surface.getUnderlying()),
                () -> keyMatches(key, surface.getUnderlying(), "underlying"),
                () -> surface.getSmiles().size() > bounds.maxSmiles()
                        ? reject("TOO_LONG", "surface of " + surface.getUnderlying() + " has " + surface.getSmiles().size()
                                + " smiles, more than " + bounds.maxSmiles())
                        : Optional.empty(),
                () -> eventTime(surface.getEventTime(), recordTimestamp));
        if (header.isPresent()) {
            return header;
        }
        for (VolSmile smile : surface.getSmiles()) {
            String expiry = "smile of " + surface.getUnderlying() + " for " + smile.getExpiry();
            Optional<Rejection> problem = first(
                    () -> smile.getPoints().size() > bounds.maxSmilePoints()
                            ? reject("TOO_LONG", expiry + " has " + smile.getPoints().size() + " points, more than "
                                    + bounds.maxSmilePoints())
                            : Optional.empty(),
                    () -> time("expiry of " + expiry, smile.getExpiry()),
                    () -> price("forward of " + expiry, smile.getForward()));
            if (problem.isPresent()) {
                return problem;
            }
            for (SmilePoint point : smile.getPoints()) {
                problem = first(
                        () -> price("strike in " + expiry, point.getStrike()),
                        () -> point.getImpliedVol() > bounds.maxImpliedVol()
                                ? reject("OUT_OF_RANGE", "implied vol " + point.getImpliedVol() + " at strike "
                                        + point.getStrike() + " in " + expiry + " is above " + bounds.maxImpliedVol())
                                : Optional.empty());
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        try {
            EngineTypes.volSurface(surface);
            return Optional.empty();
        } catch (io.marginflow.risk.options.VolSurface.ArbitrageException e) {
            return reject("SURFACE_ARBITRAGE", e.getMessage());
        } catch (IllegalArgumentException e) {
            return reject("INVALID_SURFACE", e.getMessage());
        }
    }

    private Optional<Rejection> instrument(String key, Instrument instrument, Instant recordTimestamp) {
        String id = instrument.getInstrumentId();
        Optional<Rejection> basics = first(
                () -> id("instrumentId", id),
                () -> id("underlying", instrument.getUnderlying()),
                () -> id("settlementAsset", instrument.getSettlementAsset()),
                () -> keyMatches(key, id, "instrumentId"),
                () -> instrument.getContractMultiplier().signum() <= 0
                        ? reject("INVALID_INSTRUMENT", "contract multiplier of " + id + " must be positive: "
                                + instrument.getContractMultiplier())
                        : atMost("contract multiplier of " + id, instrument.getContractMultiplier(),
                                bounds.maxContractMultiplier()),
                () -> price("tick size of " + id, instrument.getTickSize()),
                () -> instrument.getLotSize() == null || instrument.getLotSize().signum() > 0 ? Optional.empty()
                        : reject("INVALID_INSTRUMENT", "lot size of " + id + " must be positive: "
                                + instrument.getLotSize()),
                () -> instrument.getExpiry() == null ? Optional.empty() : time("expiry of " + id, instrument.getExpiry()),
                () -> eventTime(instrument.getEventTime(), recordTimestamp));
        if (basics.isPresent()) {
            return basics;
        }
        boolean option = instrument.getKind() == InstrumentKind.OPTION;
        boolean perpetual = instrument.getKind() == InstrumentKind.PERPETUAL;
        if (perpetual != (instrument.getExpiry() == null)) {
            return reject("INVALID_INSTRUMENT", id + ": a " + instrument.getKind()
                    + (perpetual ? " has no expiry" : " needs an expiry"));
        }
        if (option != (instrument.getStrike() != null) || option != (instrument.getOptionType() != null)) {
            return reject("INVALID_INSTRUMENT", id + ": options, and only options, have a strike and an option type");
        }
        if (option) {
            return price("strike of " + id, instrument.getStrike());
        }
        return Optional.empty();
    }

    /**
     * Parameters are bounded, then built as the engine will use them; the engine's types
     * ({@code MarginParameters}, {@code VolatilityScan}, {@code RiskModel}) refuse what the model
     * cannot use, with the reason. Their effective time may lie ahead of the record's timestamp.
     */
    private Optional<Rejection> parameters(String key, RiskParameters parameters) {
        Optional<Rejection> header = first(
                () -> id("underlying", parameters.getUnderlying()),
                () -> keyMatches(key, parameters.getUnderlying(), "underlying"),
                () -> parameters.getExtremeMoves().size() > bounds.maxListLength()
                        ? reject("TOO_LONG", "parameters of " + parameters.getUnderlying() + " have "
                                + parameters.getExtremeMoves().size() + " extreme moves, more than " + bounds.maxListLength())
                        : Optional.empty(),
                () -> parameters.getCollateralHaircuts().size() > bounds.maxListLength()
                        ? reject("TOO_LONG", "parameters of " + parameters.getUnderlying() + " have "
                                + parameters.getCollateralHaircuts().size() + " haircuts, more than " + bounds.maxListLength())
                        : Optional.empty(),
                () -> time("effective time of the parameters of " + parameters.getUnderlying(),
                        parameters.getEffectiveTime()));
        if (header.isPresent()) {
            return header;
        }
        for (CollateralHaircut haircut : parameters.getCollateralHaircuts()) {
            Optional<Rejection> asset = id("haircut asset", haircut.getAsset());
            if (asset.isPresent()) {
                return asset;
            }
        }
        try {
            EngineTypes.marginParameters(parameters);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return reject("INVALID_PARAMETERS", e.getMessage());
        }
    }

    /**
     * A stress scenario is bounded, then built as the engine will use it ({@code StressScenario}
     * refuses NaN and impossible moves, with the reason); whether the underlyings it names exist is
     * the engine's check, in journal order. A retired scenario need move nothing.
     */
    private Optional<Rejection> scenario(String key, StressScenario scenario, Instant recordTimestamp) {
        String id = scenario.getScenarioId();
        Optional<Rejection> header = first(
                () -> id("scenarioId", id),
                () -> keyMatches(key, id, "scenarioId"),
                () -> length("description", scenario.getDescription()),
                () -> scenario.getShocks().size() > bounds.maxListLength()
                        ? reject("TOO_LONG", "stress scenario " + id + " has " + scenario.getShocks().size()
                                + " shocks, more than " + bounds.maxListLength())
                        : Optional.empty(),
                () -> scenario.getShocks().stream().map(shock -> id("underlying of a shock", shock.getUnderlying()))
                        .flatMap(Optional::stream).findFirst(),
                () -> eventTime(scenario.getEventTime(), recordTimestamp));
        if (header.isPresent() || scenario.getRetired()) {
            return header;
        }
        try {
            EngineTypes.stressScenario(scenario);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return reject("INVALID_SCENARIO", "stress scenario " + id + ": " + e.getMessage());
        }
    }

    @SafeVarargs
    private static Optional<Rejection> first(Supplier<Optional<Rejection>>... checks) {
        for (Supplier<Optional<Rejection>> check : checks) {
            Optional<Rejection> rejection = check.get();
            if (rejection.isPresent()) {
                return rejection;
            }
        }
        return Optional.empty();
    }

    /** An id or asset name: not blank, not longer than the limit. */
    private Optional<Rejection> id(String field, String value) {
        return value.isBlank() ? reject("MISSING_FIELD", field + " is blank") : length(field, value);
    }

    private Optional<Rejection> length(String field, String value) {
        return value.length() > bounds.maxIdLength() ? tooLong(field, value) : Optional.empty();
    }

    private Optional<Rejection> tooLong(String field, String value) {
        return reject("TOO_LONG", field + " " + DeadLetters.quote(value) + " is longer than "
                + bounds.maxIdLength() + " characters");
    }

    private static Optional<Rejection> keyMatches(String key, String value, String field) {
        return key.equals(value) ? Optional.empty()
                : reject("KEY_MISMATCH", "record key " + DeadLetters.quote(key) + " differs from " + field + " "
                        + DeadLetters.quote(value));
    }

    /** A price, strike, forward or tick size: finite and positive, and within the bounds. */
    private Optional<Rejection> price(String what, double value) {
        if (!(Double.isFinite(value) && value > 0.0)) {
            return reject("INVALID_PRICE", what + " must be finite and positive: " + value);
        }
        if (value < bounds.minPrice() || value > bounds.maxPrice()) {
            return reject("OUT_OF_RANGE", what + " " + value + " is outside [" + bounds.minPrice() + ", "
                    + bounds.maxPrice() + "]");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> atMost(String what, BigDecimal value, BigDecimal limit) {
        return value.abs().compareTo(limit) > 0
                ? reject("OUT_OF_RANGE", what + " " + abbreviated(value) + " is beyond ±" + limit.toPlainString())
                : Optional.empty();
    }

    private Optional<Rejection> time(String what, Instant time) {
        return time.isBefore(bounds.earliestTime()) || !time.isBefore(bounds.latestTime())
                ? reject("OUT_OF_RANGE", what + " " + time + " is outside [" + bounds.earliestTime() + ", "
                        + bounds.latestTime() + ")")
                : Optional.empty();
    }

    private Optional<Rejection> eventTime(Instant eventTime, Instant recordTimestamp) {
        Optional<Rejection> window = time("event time", eventTime);
        if (window.isPresent()) {
            return window;
        }
        return eventTime.isAfter(recordTimestamp.plusMillis(bounds.maxFutureMillis()))
                ? reject("OUT_OF_RANGE", "event time " + eventTime + " is after the record's timestamp "
                        + recordTimestamp + " (allowing " + bounds.maxFutureMillis() + " ms of clock skew):"
                        + " a record cannot describe an event after it was published")
                : Optional.empty();
    }

    /** A decimal in a reason: scientific notation when it is huge, so that the reason stays short. */
    private static String abbreviated(BigDecimal value) {
        String plain = value.stripTrailingZeros().toPlainString();
        return plain.length() <= 40 ? plain : value.round(new java.math.MathContext(6)).toString();
    }

    private static Optional<Rejection> reject(String errorClass, String reason) {
        return Optional.of(new Rejection(errorClass, reason));
    }
}
