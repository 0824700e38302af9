package io.marginflow.risk;

import io.marginflow.risk.options.OptionType;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the engine needs to know of an instrument.
 *
 * @param option the option's type and strike; present exactly for options
 * @param lotSize the smallest quantity step a trade in the instrument takes ({@link #ANY_LOT} where
 *        the clearinghouse does not say)
 */
public record InstrumentSpec(
        String id,
        Kind kind,
        String underlying,
        OptionalLong expiryMillis,
        BigDecimal multiplier,
        String settlementAsset,
        boolean active,
        Optional<OptionTerms> option,
        BigDecimal lotSize) {

    /** The lot of an instrument whose lot is not published: 10⁻⁸ contracts, the scale money is kept at. */
    public static final BigDecimal ANY_LOT = BigDecimal.ONE.movePointLeft(8);

    public enum Kind { FUTURE, PERPETUAL, OPTION }

    /** A European option's terms; the strike in USD. */
    public record OptionTerms(OptionType type, double strike) {
        public OptionTerms {
            Objects.requireNonNull(type, "type");
            if (!(strike > 0.0) || !Double.isFinite(strike)) {
                throw new IllegalArgumentException("an option's strike must be finite and positive: " + strike);
            }
        }
    }

    public InstrumentSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(underlying, "underlying");
        Objects.requireNonNull(expiryMillis, "expiryMillis");
        Objects.requireNonNull(settlementAsset, "settlementAsset");
        Objects.requireNonNull(option, "option");
        if (multiplier.signum() <= 0) {
            throw new IllegalArgumentException("contract multiplier of " + id + " must be positive: " + multiplier);
        }
        if ((kind == Kind.OPTION) != option.isPresent()) {
            throw new IllegalArgumentException(id + ": options, and only options, have option terms");
        }
        if (kind == Kind.OPTION && expiryMillis.isEmpty()) {
            throw new IllegalArgumentException("option " + id + " needs an expiry");
        }
        if (lotSize.signum() <= 0) {
            throw new IllegalArgumentException("lot size of " + id + " must be positive: " + lotSize);
        }
    }

    /** An instrument whose lot is not published. */
    public InstrumentSpec(String id, Kind kind, String underlying, OptionalLong expiryMillis, BigDecimal multiplier,
                          String settlementAsset, boolean active, Optional<OptionTerms> option) {
        this(id, kind, underlying, expiryMillis, multiplier, settlementAsset, active, option, ANY_LOT);
    }

    /** A future or perpetual swap. */
    public InstrumentSpec(String id, Kind kind, String underlying, OptionalLong expiryMillis, BigDecimal multiplier,
                          String settlementAsset, boolean active) {
        this(id, kind, underlying, expiryMillis, multiplier, settlementAsset, active, Optional.empty(), ANY_LOT);
    }

    /** Futures and perpetual swaps: P&amp;L moves one for one with the price. */
    public boolean isLinear() {
        return kind != Kind.OPTION;
    }

    /**
     * Whether {@code other} has the same terms: kind, underlying, expiry, multiplier, settlement
     * asset and option terms. Only an instrument's state and lot size may change once it is listed:
     * positions and margin are built on its terms.
     */
    public boolean sameTerms(InstrumentSpec other) {
        return id.equals(other.id) && kind == other.kind && underlying.equals(other.underlying)
                && expiryMillis.equals(other.expiryMillis) && multiplier.compareTo(other.multiplier) == 0
                && settlementAsset.equals(other.settlementAsset) && option.equals(other.option);
    }

    /** The same instrument, no longer tradeable (after its final settlement). */
    public InstrumentSpec expired() {
        return new InstrumentSpec(id, kind, underlying, expiryMillis, multiplier, settlementAsset, false, option, lotSize);
    }

    /** Whether the instrument has an expiry at or before {@code millis}. */
    public boolean expiredAt(long millis) {
        return expiryMillis.isPresent() && expiryMillis.getAsLong() <= millis;
    }

    /**
     * The value per unit of the underlying at expiry when the underlying settles at
     * {@code underlyingPrice}: that price for a future, the intrinsic value for an option.
     */
    public double finalValue(double underlyingPrice) {
        if (option.isEmpty()) {
            return underlyingPrice;
        }
        OptionTerms terms = option.get();
        return terms.type() == OptionType.CALL ? Math.max(underlyingPrice - terms.strike(), 0.0)
                : Math.max(terms.strike() - underlyingPrice, 0.0);
    }
}
