package io.marginflow.risk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An account's position in one instrument: a signed number of contracts and the average price
 * at which the open contracts were entered. Quantities are exact; prices are doubles.
 */
public record Position(String instrument, BigDecimal quantity, double averagePrice) {

    /** Money is kept to this many decimal places (1e-8 USD), rounded half-even. */
    public static final int MONEY_SCALE = 8;

    public Position {
        Objects.requireNonNull(instrument, "instrument");
        Objects.requireNonNull(quantity, "quantity");
        if (!Double.isFinite(averagePrice) || averagePrice < 0) {
            throw new IllegalArgumentException("average price must be finite and not negative: " + averagePrice);
        }
        quantity = quantity.stripTrailingZeros();
    }

    public static Position flat(String instrument) {
        return new Position(instrument, BigDecimal.ZERO, 0.0);
    }

    public boolean isFlat() {
        return quantity.signum() == 0;
    }

    /** The position after a fill, and the profit or loss the fill realised. */
    public record AfterFill(Position position, BigDecimal realizedPnl) {}

    /**
     * Applies a fill of {@code fillQuantity} contracts (positive buys) at {@code price}.
     * Adding to a position moves the average price; reducing it realises
     * {@code closed × (price − average) × multiplier} (sign by side) at the unchanged average;
     * a fill through zero closes the old side and opens the rest at the fill price.
     */
    public AfterFill apply(BigDecimal fillQuantity, double price, BigDecimal multiplier) {
        if (fillQuantity.signum() == 0) {
            throw new IllegalArgumentException("a fill has a non-zero quantity");
        }
        if (!Double.isFinite(price) || price <= 0) {
            throw new IllegalArgumentException("a fill price is finite and positive: " + price);
        }
        BigDecimal after = quantity.add(fillQuantity);
        if (isFlat() || quantity.signum() == fillQuantity.signum()) {
            double average = (quantity.doubleValue() * averagePrice + fillQuantity.doubleValue() * price)
                    / after.doubleValue();
            return new AfterFill(new Position(instrument, after, average), BigDecimal.ZERO);
        }
        BigDecimal closed = fillQuantity.abs().min(quantity.abs());
        BigDecimal realized = realizedOn(closed.multiply(BigDecimal.valueOf(quantity.signum())), price, multiplier);
        if (after.signum() == 0) {
            return new AfterFill(flat(instrument), realized);
        }
        double average = after.signum() == quantity.signum() ? averagePrice : price;
        return new AfterFill(new Position(instrument, after, average), realized);
    }

    /**
     * The profit or loss of closing the whole position at its final settlement value
     * {@code finalPrice} (an expired option's intrinsic value may be 0).
     */
    public BigDecimal settle(double finalPrice, BigDecimal multiplier) {
        if (!Double.isFinite(finalPrice) || finalPrice < 0) {
            throw new IllegalArgumentException("a final settlement price is finite and not negative: " + finalPrice);
        }
        return realizedOn(quantity, finalPrice, multiplier);
    }

    /** The P&amp;L of closing {@code signedClosed} contracts (positive: long ones) at {@code exitPrice}. */
    private BigDecimal realizedOn(BigDecimal signedClosed, double exitPrice, BigDecimal multiplier) {
        // A long position gains when the exit price is above the entry; a short one when below.
        BigDecimal perUnit = BigDecimal.valueOf(exitPrice).subtract(BigDecimal.valueOf(averagePrice));
        return signedClosed.multiply(perUnit).multiply(multiplier).setScale(MONEY_SCALE, RoundingMode.HALF_EVEN);
    }
}
