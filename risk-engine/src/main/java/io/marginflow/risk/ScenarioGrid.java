package io.marginflow.risk;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The scenarios an underlying is margined under. The core range runs from −range to +range in
 * evenly spaced price points; each point is scanned with every vol direction of the
 * {@link VolatilityScan} (up, unchanged, down), weight 1. Then come the extreme moves with vol
 * unchanged, each counted with its weight. A scenario's loss counts towards the requirement
 * multiplied by its weight.
 *
 * <p>CME SPAN's 16 scenarios are 7 price points (0, ±1/3, ±2/3, ±3/3 of the range) with vol up
 * and down but not unchanged, plus two extreme moves of ±2 ranges at weight 0.35.
 */
public final class ScenarioGrid {

    private final double[] moves;
    private final int[] volDirections;
    private final double[] weights;
    private final VolatilityScan volatility;
    private final double range;

    private ScenarioGrid(double range, double[] moves, int[] volDirections, double[] weights, VolatilityScan volatility) {
        this.range = range;
        this.moves = moves;
        this.volDirections = volDirections;
        this.weights = weights;
        this.volatility = volatility;
    }

    /** Price scenarios only, vol unchanged. */
    public static ScenarioGrid of(double range, int steps, List<ExtremeMove> extremes) {
        return of(range, steps, extremes, VolatilityScan.NONE);
    }

    public static ScenarioGrid of(double range, int steps, List<ExtremeMove> extremes, VolatilityScan volatility) {
        Objects.requireNonNull(volatility, "volatility");
        int[] directions = volatility.directions();
        int core = steps * directions.length;
        double[] moves = new double[core + extremes.size()];
        int[] volDirections = new int[moves.length];
        double[] weights = new double[moves.length];
        int k = 0;
        for (int step = 0; step < steps; step++) {
            // step / (steps-1) exactly, so that the edges are exactly ±range and the middle of an odd grid is 0
            double move = -range + 2.0 * range * step / (steps - 1);
            for (int direction : directions) {
                moves[k] = move;
                volDirections[k] = direction;
                weights[k++] = 1.0;
            }
        }
        for (ExtremeMove extreme : extremes) {
            moves[k] = extreme.priceMove();
            weights[k++] = extreme.weight();
        }
        return new ScenarioGrid(range, moves, volDirections, weights, volatility);
    }

    /** The core scan range: price moves run from −range to +range. */
    public double range() {
        return range;
    }

    public int size() {
        return moves.length;
    }

    public double move(int scenario) {
        return moves[scenario];
    }

    public double weight(int scenario) {
        return weights[scenario];
    }

    /** The vol direction of a scenario: +1 up, 0 unchanged, -1 down. */
    public int volDirection(int scenario) {
        return volDirections[scenario];
    }

    /** The nominal relative vol shock of a scenario (before expiry scaling), e.g. +0.3. */
    public double nominalVolShock(int scenario) {
        return volatility.nominalShock(volDirections[scenario]);
    }

    /** The relative vol shock of a scenario for an option {@code years} from expiry. */
    public double volShock(int scenario, double years) {
        return volatility.shock(volDirections[scenario], years);
    }

    @Override
    public String toString() {
        return "ScenarioGrid" + Arrays.toString(moves) + " vol " + Arrays.toString(volDirections)
                + " weights " + Arrays.toString(weights);
    }
}
