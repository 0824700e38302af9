package io.marginflow.risk;

/**
 * A price scenario outside the core scan range whose loss counts with {@code weight}: a relative
 * move above −100% and at most {@link #MAX_RISE} (+1,000%).
 */
public record ExtremeMove(double priceMove, double weight) {

    /** The largest extreme rise: +1,000%, twice the +500% crypto venues scan. */
    public static final double MAX_RISE = 10.0;

    public ExtremeMove {
        if (!(priceMove > -1.0 && priceMove <= MAX_RISE)) {
            throw new IllegalArgumentException("an extreme move is a relative price move above -100% and at most +"
                    + (int) (MAX_RISE * 100) + "%: " + priceMove);
        }
        if (!(weight > 0.0 && weight <= 1.0)) {
            throw new IllegalArgumentException("an extreme move's weight is in (0, 1]: " + weight);
        }
    }
}
