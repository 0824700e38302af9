package io.marginflow.risk.stats;

import java.util.Arrays;

/**
 * Value at Risk and Expected Shortfall of a set of equally likely scenario losses (positive
 * numbers are losses), the historical-simulation way: with n scenarios and confidence c, the
 * tail is the k = ⌈n (1 − c)⌉ largest losses (at least one); VaR is the smallest of them (the
 * k-th largest loss) and ES their mean. So ES ≥ VaR always, and both are 0 when no scenario
 * loses (margin is never negative).
 */
public final class RiskMeasures {

    private RiskMeasures() {}

    /** VaR and ES of {@code losses} at {@code varConfidence} and {@code esConfidence}. */
    public record Result(double valueAtRisk, double expectedShortfall) {}

    public static Result of(double[] losses, double varConfidence, double esConfidence) {
        double[] sorted = losses.clone();
        Arrays.sort(sorted);
        return new Result(valueAtRisk(sorted, varConfidence), expectedShortfall(sorted, esConfidence));
    }

    /** VaR of losses already sorted ascending. */
    public static double valueAtRisk(double[] sortedLosses, double confidence) {
        int k = tailSize(sortedLosses.length, confidence);
        return Math.max(0.0, sortedLosses[sortedLosses.length - k]);
    }

    /** ES of losses already sorted ascending. */
    public static double expectedShortfall(double[] sortedLosses, double confidence) {
        int k = tailSize(sortedLosses.length, confidence);
        double sum = 0.0;
        for (int i = sortedLosses.length - k; i < sortedLosses.length; i++) {
            sum += sortedLosses[i];
        }
        return Math.max(0.0, sum / k);
    }

    static int tailSize(int scenarios, double confidence) {
        if (scenarios == 0) {
            throw new IllegalArgumentException("VaR and ES need at least one scenario");
        }
        if (!(confidence > 0.0 && confidence < 1.0)) {
            throw new IllegalArgumentException("a confidence level is in (0, 1): " + confidence);
        }
        // The small epsilon keeps 500 × (1 − 0.99) = 5.000000000000004 at 5 scenarios.
        return Math.max(1, (int) Math.ceil(scenarios * (1.0 - confidence) - 1e-9));
    }
}
