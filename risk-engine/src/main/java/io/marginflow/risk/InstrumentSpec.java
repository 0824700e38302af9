package io.marginflow.risk;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.OptionalLong;

/** What the engine needs to know of an instrument. */
public record InstrumentSpec(
        String id,
        Kind kind,
        String underlying,
        OptionalLong expiryMillis,
        BigDecimal multiplier,
        String settlementAsset,
        boolean active) {

    public enum Kind { FUTURE, PERPETUAL, OPTION }

    public InstrumentSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(underlying, "underlying");
        Objects.requireNonNull(expiryMillis, "expiryMillis");
        Objects.requireNonNull(settlementAsset, "settlementAsset");
        if (multiplier.signum() <= 0) {
            throw new IllegalArgumentException("contract multiplier of " + id + " must be positive: " + multiplier);
        }
    }

    /** Futures and perpetual swaps: P&L moves one for one with the price. */
    public boolean isLinear() {
        return kind != Kind.OPTION;
    }
}
