package io.marginflow.risk.stats;

import java.util.Arrays;

/**
 * Value at Risk and Expected Shortfall of a set of equally likely scenario losses (positive
 * numbers are losses), the historical-simulation way. With n scenarios and confidence c, let
 * w = n (1 − c) be the tail's weight:
 *
 * <ul>
 *   <li>VaR is the ⌈w⌉-th largest loss (at least the largest): with 500 scenarios at 99%, the
 *       fifth worst (Hull's convention, <i>Risk Management and Financial Institutions</i>).
 *   <li>ES is the standard empirical estimator of Acerbi and Tasche (2002, "On the coherence of
 *       expected shortfall", eq. 3.1 for the sample): the ⌊w⌋ largest losses with weight one, the
 *       next with the fractional weight w − ⌊w⌋, divided by w. When w is whole this is the mean of
 *       the w largest; when it is not, it weighs the last loss of the tail by its fraction instead of
 *       counting it whole, so it is never below the mean of the ⌈w⌉ largest (which understates
 *       ES: by about 1.4% on 250 scenarios at 97.5%).
 * </ul>
 *
 * So ES ≥ VaR at the same confidence, and both are 0 when no scenario loses (margin is never
 * negative).
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
     * VaR and ES of {@code losses[0 .. n)} without sorting them: the largest k losses are kept
     * in {@code tail} (at least k long) as a min-heap, so each scenario costs one comparison with
     * the smallest kept loss, and a replacement log k steps. Only the k kept are sorted. The
     * engine calls this on every account recompute.
     */
    public static Result ofFirst(double[] losses, int n, double varConfidence, double esConfidence, double[] tail) {
        int kVar = tailSize(n, varConfidence);
        int kEs = tailSize(n, esConfidence);
        int k = Math.max(kVar, kEs);
        if (tail.length < k) {
            throw new IllegalArgumentException("the tail buffer holds " + tail.length + " losses, " + k + " are needed");
        }
        for (int i = 0; i < k; i++) {
            tail[i] = losses[i];
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(tail, i, k);
        }
        for (int i = k; i < n; i++) {
            if (losses[i] > tail[0]) {
                tail[0] = losses[i];
                siftDown(tail, 0, k);
            }
        }
        Arrays.sort(tail, 0, k); // ascending: tail[k − 1] is the largest loss
        return new Result(Math.max(0.0, tail[k - kVar]), Math.max(0.0, expectedShortfall(tail, k, kEs, n, esConfidence)));
    }

    /**
     * The Acerbi–Tasche estimator over the ascending {@code tail[0 .. k)}, whose last
     * {@code kEs} = {@link #tailSize} entries are the largest losses: the ⌊w⌋ largest whole, the next
     * by its fraction of w = n (1 − c), divided by w.
     */
    private static double expectedShortfall(double[] tail, int k, int kEs, int n, double confidence) {
        double weight = n * (1.0 - confidence);
        // The same epsilon as tailSize: 500 × (1 − 0.99) = 5.000000000000004 is five whole losses.
        int whole = (int) Math.floor(weight + 1e-9);
        double fraction = weight - whole < 1e-9 ? 0.0 : weight - whole;
        double sum = 0.0;
        for (int i = k - whole; i < k; i++) {
            sum += tail[i];
        }
        if (fraction > 0.0) {
            sum += fraction * tail[k - whole - 1];
        }
        // a weighted mean of losses at least the ⌈w⌉-th largest is at least that loss: so it stays, rounding or not
        return Math.max(sum / (whole + fraction), tail[k - kEs]);
    }

    /** Restores the min-heap property below {@code i} in heap[0 .. size). */
    private static void siftDown(double[] heap, int i, int size) {
        double value = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (!(heap[child] < value)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
    }

    /** The k largest of {@code scenarios} losses that make the tail at {@code confidence}: ⌈n (1 − c)⌉, at least 1. */
    public static int tailSize(int scenarios, double confidence) {
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
