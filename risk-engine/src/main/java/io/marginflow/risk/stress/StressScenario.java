package io.marginflow.risk.stress;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An extreme but plausible market: each named underlying's prices move by a relative amount and
 * its options' implied vols are scaled, all at once; an underlying it does not name stays where it
 * is. Historical scenarios take the joint moves of a real period, hypothetical ones are chosen.
 */
public record StressScenario(String id, Kind kind, String description, SortedMap<String, Shock> shocks) {

    /** The largest rise a scenario may give a price (+1,000%) and the largest vol factor. */
    public static final double MAX_MOVE = 10.0;

    public enum Kind { HISTORICAL, HYPOTHETICAL }

    /**
     * One underlying's move: prices × (1 + priceMove), implied vols × volFactor. The move is above
     * -100% and at most +1,000%, the factor in (0, 10]; anything else (NaN included) is refused with
     * an {@link IllegalArgumentException}.
     */
    public record Shock(double priceMove, double volFactor) {

        public static final Shock NONE = new Shock(0.0, 1.0);

        public Shock {
            if (!(priceMove > -1.0 && priceMove <= MAX_MOVE)) {
                throw new IllegalArgumentException("a stress price move is above -100% and at most +"
                        + (int) (MAX_MOVE * 100) + "%: " + priceMove);
            }
            if (!(volFactor > 0.0 && volFactor <= MAX_MOVE)) {
                throw new IllegalArgumentException("a stress vol factor is in (0, " + (int) MAX_MOVE + "]: " + volFactor);
            }
        }
    }

    /** A scenario that moves nothing is refused with an {@link IllegalArgumentException}. */
    public StressScenario {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        if (shocks.isEmpty()) {
            throw new IllegalArgumentException("stress scenario " + id + " moves no underlying");
        }
        shocks = Collections.unmodifiableSortedMap(new TreeMap<>(shocks));
    }

    /** The move of {@code underlying}: its own, or none. */
    public Shock shock(String underlying) {
        return shocks.getOrDefault(underlying, Shock.NONE);
    }
}
