package io.marginflow.risk.stats;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Tests of a VaR model against what happened: did the realised losses exceed the margin as
 * often as the confidence level says, and were the exceedances independent of each other?
 */
public final class Backtests {

    private static final ChiSquaredDistribution ONE_DEGREE = new ChiSquaredDistribution(null, 1);

    private Backtests() {}

    /** A likelihood-ratio test result: the statistic and its p-value under χ²(1). */
    public record LikelihoodRatio(double statistic, double pValue) {
        /** Whether the model is rejected at the given test level (e.g. 0.05). */
        public boolean rejectedAt(double level) {
            return pValue < level;
        }
    }

    /**
     * Kupiec's (1995) proportion-of-failures test: x exceedances in n observations against the
     * expected rate p = 1 − confidence.
     * LR = −2 ln[(1 − p)^(n−x) p^x] + 2 ln[(1 − x/n)^(n−x) (x/n)^x].
     */
    public static LikelihoodRatio kupiec(int observations, int exceedances, double confidence) {
        if (observations < 1 || exceedances < 0 || exceedances > observations) {
            throw new IllegalArgumentException("need 0 ≤ exceedances ≤ observations ≥ 1");
        }
        double p = 1.0 - confidence;
        double observed = (double) exceedances / observations;
        double nullLog = logBernoulli(observations - exceedances, exceedances, p);
        double alternativeLog = logBernoulli(observations - exceedances, exceedances, observed);
        return ratio(-2.0 * (nullLog - alternativeLog));
    }

    /**
     * Christoffersen's (1998) independence test: whether an exceedance is more likely the day
     * after an exceedance than after a quiet day (exceedances that cluster mean the model is
     * slow to react). Counts transitions n_ij from state i to j (1 = exceedance).
     */
    public static LikelihoodRatio christoffersen(boolean[] exceedances) {
        int n00 = 0;
        int n01 = 0;
        int n10 = 0;
        int n11 = 0;
        for (int t = 1; t < exceedances.length; t++) {
            if (exceedances[t - 1]) {
                if (exceedances[t]) {
                    n11++;
                } else {
                    n10++;
                }
            } else if (exceedances[t]) {
                n01++;
            } else {
                n00++;
            }
        }
        double pi0 = n00 + n01 == 0 ? 0.0 : (double) n01 / (n00 + n01);
        double pi1 = n10 + n11 == 0 ? 0.0 : (double) n11 / (n10 + n11);
        double pi = (double) (n01 + n11) / Math.max(1, n00 + n01 + n10 + n11);
        double independent = logBernoulli(n00 + n10, n01 + n11, pi);
        double markov = logBernoulli(n00, n01, pi0) + logBernoulli(n10, n11, pi1);
        return ratio(-2.0 * (independent - markov));
    }

    /** The Basel Committee's (1996) traffic-light zones for a 99% VaR backtest. */
    public enum Zone { GREEN, YELLOW, RED }

    /**
     * The zone of x exceedances in n observations at confidence c: green while the cumulative
     * binomial probability of seeing at most x is below 95%, yellow below 99.99%, red beyond
     * (for 250 days at 99%: green 0–4, yellow 5–9, red 10 or more).
     */
    public static Zone trafficLight(int observations, int exceedances, double confidence) {
        double cumulative = new BinomialDistribution(null, observations, 1.0 - confidence).cumulativeProbability(exceedances);
        return cumulative < 0.95 ? Zone.GREEN : cumulative < 0.9999 ? Zone.YELLOW : Zone.RED;
    }

    /** ln[(1 − p)^zeros p^ones], with 0 ln 0 = 0. */
    private static double logBernoulli(int zeros, int ones, double p) {
        return (zeros == 0 ? 0.0 : zeros * Math.log(1.0 - p)) + (ones == 0 ? 0.0 : ones * Math.log(p));
    }

    private static LikelihoodRatio ratio(double statistic) {
        double lr = Math.max(0.0, statistic);
        return new LikelihoodRatio(lr, 1.0 - ONE_DEGREE.cumulativeProbability(lr));
    }
}
