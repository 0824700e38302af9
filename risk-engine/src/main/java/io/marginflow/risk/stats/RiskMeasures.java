package io.marginflow.risk.stats;

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
        int k = Math.max(tailSize(losses.length, varConfidence), tailSize(losses.length, esConfidence));
        return ofFirst(losses, losses.length, varConfidence, esConfidence, new double[k]);
    }

    /**
     * VaR and ES of {@code losses[0 .. n)} without sorting them: only the largest k losses are
     * kept, in {@code tail} (at least as long as the larger tail), so the cost is about one
     * comparison per scenario. The engine calls this on every account recompute.
     */
    public static Result ofFirst(double[] losses, int n, double varConfidence, double esConfidence, double[] tail) {
        int kVar = tailSize(n, varConfidence);
        int kEs = tailSize(n, esConfidence);
        int k = Math.max(kVar, kEs);
        if (tail.length < k) {
            throw new IllegalArgumentException("the tail buffer holds " + tail.length + " losses, " + k + " are needed");
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            double loss = losses[i];
            if (kept == k && !(loss > tail[k - 1])) {
                continue;
            }
            // Insert into tail[0 .. kept), largest first.
            int at = kept == k ? k - 1 : kept++;
            while (at > 0 && tail[at - 1] < loss) {
                tail[at] = tail[at - 1];
                at--;
            }
            tail[at] = loss;
        }
        double sum = 0.0;
        for (int i = kEs - 1; i >= 0; i--) {
            sum += tail[i];
        }
        return new Result(Math.max(0.0, tail[kVar - 1]), Math.max(0.0, sum / kEs));
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
