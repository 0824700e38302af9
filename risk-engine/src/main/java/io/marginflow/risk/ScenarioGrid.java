package io.marginflow.risk;

import java.util.Arrays;
import java.util.List;

/**
 * The price scenarios an underlying is margined under: the core range from −range to +range in
 * evenly spaced steps (weight 1), then the extreme moves with their weights. A scenario's loss
 * counts towards the requirement multiplied by its weight.
 */
public final class ScenarioGrid {

    private final double[] moves;
    private final double[] weights;

    private ScenarioGrid(double[] moves, double[] weights) {
        this.moves = moves;
        this.weights = weights;
    }

    public static ScenarioGrid of(double range, int steps, List<ExtremeMove> extremes) {
        double[] moves = new double[steps + extremes.size()];
        double[] weights = new double[moves.length];
        for (int k = 0; k < steps; k++) {
            // k / (steps-1) exactly, so that the edges are exactly ±range and the middle of an odd grid is 0
            moves[k] = -range + 2.0 * range * k / (steps - 1);
            weights[k] = 1.0;
        }
        for (int e = 0; e < extremes.size(); e++) {
            moves[steps + e] = extremes.get(e).priceMove();
            weights[steps + e] = extremes.get(e).weight();
        }
        return new ScenarioGrid(moves, weights);
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

    @Override
    public String toString() {
        return "ScenarioGrid" + Arrays.toString(moves) + " weights " + Arrays.toString(weights);
    }
}
