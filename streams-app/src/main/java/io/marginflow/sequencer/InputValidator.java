package io.marginflow.sequencer;

import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.VolSurface;
import io.marginflow.translation.EngineTypes;
import java.math.BigDecimal;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The checks a record must pass to enter the journal, each decidable from the record alone (the
 * sequencer is stateless). Checks that need state (does the instrument exist, is it active, was
 * this fill id seen before) are the engine's, made in journal order so that replay decides them
 * the same way.
 */
public final class InputValidator {

    private InputValidator() {}

    /** The reason {@code record}, read with key {@code key}, must not enter the journal; empty if it may. */
    public static Optional<Rejection> check(String key, SpecificRecord record) {
        if (record instanceof Fill fill) {
            return fill(key, fill);
        }
        if (record instanceof CollateralMovement movement) {
            return collateral(key, movement);
        }
        if (record instanceof PriceUpdate price) {
            return first(keyMatches(key, price.getInstrument(), "instrument"),
                    positivePrice("price of " + price.getInstrument(), price.getPrice()));
        }
        if (record instanceof VolSurface surface) {
            return surface(key, surface);
        }
        if (record instanceof Instrument instrument) {
            return instrument(key, instrument);
        }
        if (record instanceof RiskParameters parameters) {
            return parameters(key, parameters);
        }
        return Optional.of(new Rejection("UNSUPPORTED_RECORD", "no validation for " + record.getSchema().getFullName()));
    }

    private static Optional<Rejection> fill(String key, Fill fill) {
        return first(
                keyMatches(key, fill.getAccount(), "account"),
                notBlank("fillId", fill.getFillId()),
                notBlank("instrument", fill.getInstrument()),
                notBlank("feeAsset", fill.getFeeAsset()),
                fill.getQuantity().signum() == 0
                        ? reject("ZERO_QUANTITY", "fill " + fill.getFillId() + " has quantity 0")
                        : Optional.empty(),
                positivePrice("price of fill " + fill.getFillId(), fill.getPrice()));
    }

    private static Optional<Rejection> collateral(String key, CollateralMovement movement) {
        return first(
                keyMatches(key, movement.getAccount(), "account"),
                notBlank("movementId", movement.getMovementId()),
                notBlank("asset", movement.getAsset()),
                movement.getAmount().signum() == 0
                        ? reject("ZERO_AMOUNT", "collateral movement " + movement.getMovementId() + " has amount 0")
                        : Optional.empty());
    }

    /**
     * The surface is built as the engine will use it, at its own event time: malformed smiles,
     * a surface whose every smile has expired, and arbitrage are refused with the reason.
     */
    private static Optional<Rejection> surface(String key, VolSurface surface) {
        Optional<Rejection> header = keyMatches(key, surface.getUnderlying(), "underlying");
        if (header.isPresent()) {
            return header;
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

    private static Optional<Rejection> instrument(String key, Instrument instrument) {
        Optional<Rejection> basics = first(
                keyMatches(key, instrument.getInstrumentId(), "instrumentId"),
                notBlank("underlying", instrument.getUnderlying()),
                notBlank("settlementAsset", instrument.getSettlementAsset()),
                instrument.getContractMultiplier().compareTo(BigDecimal.ZERO) <= 0
                        ? reject("INVALID_INSTRUMENT", "contract multiplier of " + instrument.getInstrumentId()
                                + " must be positive: " + instrument.getContractMultiplier())
                        : Optional.empty(),
                positivePrice("tick size of " + instrument.getInstrumentId(), instrument.getTickSize()));
        if (basics.isPresent()) {
            return basics;
        }
        boolean option = instrument.getKind() == InstrumentKind.OPTION;
        boolean perpetual = instrument.getKind() == InstrumentKind.PERPETUAL;
        if (perpetual != (instrument.getExpiry() == null)) {
            return reject("INVALID_INSTRUMENT", instrument.getInstrumentId() + ": a " + instrument.getKind()
                    + (perpetual ? " has no expiry" : " needs an expiry"));
        }
        if (option != (instrument.getStrike() != null) || option != (instrument.getOptionType() != null)) {
            return reject("INVALID_INSTRUMENT", instrument.getInstrumentId()
                    + ": options, and only options, have a strike and an option type");
        }
        if (option) {
            return positivePrice("strike of " + instrument.getInstrumentId(), instrument.getStrike());
        }
        return Optional.empty();
    }

    /**
     * Parameters are built as the engine will use them; the engine's types ({@code MarginParameters},
     * {@code VolatilityScan}, {@code RiskModel}) refuse what the model cannot use, with the reason.
     */
    private static Optional<Rejection> parameters(String key, RiskParameters parameters) {
        Optional<Rejection> header = keyMatches(key, parameters.getUnderlying(), "underlying");
        if (header.isPresent()) {
            return header;
        }
        try {
            EngineTypes.marginParameters(parameters);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return reject("INVALID_PARAMETERS", e.getMessage());
        }
    }

    @SafeVarargs
    private static Optional<Rejection> first(Optional<Rejection>... checks) {
        for (Optional<Rejection> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }

    private static Optional<Rejection> keyMatches(String key, String value, String field) {
        return key.equals(value) ? Optional.empty()
                : reject("KEY_MISMATCH", "record key '" + key + "' differs from " + field + " '" + value + "'");
    }

    private static Optional<Rejection> notBlank(String field, String value) {
        return value.isBlank() ? reject("MISSING_FIELD", field + " is blank") : Optional.empty();
    }

    private static Optional<Rejection> positivePrice(String what, double value) {
        return Double.isFinite(value) && value > 0.0 ? Optional.empty()
                : reject("INVALID_PRICE", what + " must be finite and positive: " + value);
    }

    private static Optional<Rejection> reject(String errorClass, String reason) {
        return Optional.of(new Rejection(errorClass, reason));
    }
}
