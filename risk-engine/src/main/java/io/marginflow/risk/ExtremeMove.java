package io.marginflow.risk;

/** A price scenario outside the core scan range whose loss counts with {@code weight}. */
public record ExtremeMove(double priceMove, double weight) {

    public ExtremeMove {
        if (!(priceMove > -1.0) || !Double.isFinite(priceMove)) {
            throw new IllegalArgumentException("an extreme move is a relative price move above -100%: " + priceMove);
        }
        if (!(weight > 0.0 && weight <= 1.0)) {
            throw new IllegalArgumentException("an extreme move's weight is in (0, 1]: " + weight);
        }
    }
}
