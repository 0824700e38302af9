package io.marginflow.risk.stats;

import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * GARCH(1,1) (Bollerslev, 1986): σ²ₙ = ω + α r²ₙ₋₁ + β σ²ₙ₋₁ with ω &gt; 0, α, β ≥ 0 and
 * α + β &lt; 1, so that the variance reverts to its long-run level ω / (1 − α − β). Returns are
 * log returns with mean taken as zero, as in Hull's treatment (Options, Futures, and Other
 * Derivatives, chapter "Estimating volatilities and correlations").
 */
public record Garch11(double omega, double alpha, double beta) {

    public Garch11 {
        if (!(omega > 0.0) || !(alpha >= 0.0) || !(beta >= 0.0) || !(alpha + beta < 1.0)) {
            throw new IllegalArgumentException("GARCH(1,1) needs ω > 0, α, β ≥ 0 and α + β < 1: ω=" + omega
                    + " α=" + alpha + " β=" + beta);
        }
    }

    public double nextVariance(double variance, double lastReturn) {
        return omega + alpha * lastReturn * lastReturn + beta * variance;
    }

    public double longRunVariance() {
        return omega / (1.0 - alpha - beta);
    }

    /**
     * Conditional variances as {@link Ewma#variances}: element t is the forecast for return t,
     * the last one the forecast for the next period; the recursion starts at the sample variance.
     */
    public double[] variances(double[] returns) {
        double[] variances = new double[returns.length + 1];
        variances[0] = meanSquare(returns);
        for (int t = 0; t < returns.length; t++) {
            variances[t + 1] = nextVariance(variances[t], returns[t]);
        }
        return variances;
    }

    /** The Gaussian log-likelihood of the returns, constants dropped: −½ Σ (ln σ²ₜ + r²ₜ / σ²ₜ). */
    public double logLikelihood(double[] returns) {
        double[] variances = variances(returns);
        double sum = 0.0;
        for (int t = 0; t < returns.length; t++) {
            sum += Math.log(variances[t]) + returns[t] * returns[t] / variances[t];
        }
        return -0.5 * sum;
    }

    /**
     * The maximum-likelihood fit to {@code returns} (Nelder–Mead over an unconstrained
     * parameterisation that keeps every candidate valid: the persistence α + β and the share
     * α / (α + β) through logistic functions, the long-run variance through its logarithm).
     * Deterministic: the same returns give the same parameters.
     */
    public static Garch11 fit(double[] returns) {
        if (returns.length < 50) {
            throw new IllegalArgumentException("fitting GARCH(1,1) needs at least 50 returns, got " + returns.length);
        }
        double sampleVariance = meanSquare(returns);
        if (!(sampleVariance > 0.0)) {
            throw new IllegalArgumentException("fitting GARCH(1,1) needs returns that vary");
        }
        MultivariateFunction likelihood = point -> {
            Garch11 candidate = fromUnconstrained(point);
            double value = candidate.logLikelihood(returns);
            return Double.isFinite(value) ? value : -Double.MAX_VALUE;
        };
        // Start at persistence 0.95 with α 0.1 of it, long-run variance at the sample's.
        double[] start = {logit(0.95), logit(0.1), Math.log(sampleVariance)};
        PointValuePair best = new SimplexOptimizer(1e-10, 1e-12).optimize(
                new MaxEval(20_000), new ObjectiveFunction(likelihood), GoalType.MAXIMIZE,
                new InitialGuess(start), new NelderMeadSimplex(new double[] {0.5, 0.5, 0.5}));
        return fromUnconstrained(best.getPoint());
    }

    private static Garch11 fromUnconstrained(double[] point) {
        double persistence = 0.9999 * logistic(point[0]);
        double alpha = persistence * logistic(point[1]);
        double longRun = Math.exp(point[2]);
        return new Garch11(longRun * (1.0 - persistence), alpha, persistence - alpha);
    }

    private static double logistic(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    private static double logit(double p) {
        return Math.log(p / (1.0 - p));
    }

    static double meanSquare(double[] returns) {
        double sum = 0.0;
        for (double r : returns) {
            sum += r * r;
        }
        return sum / returns.length;
    }
}
