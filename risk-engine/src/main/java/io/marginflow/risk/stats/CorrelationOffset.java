package io.marginflow.risk.stats;

/**
 * Offsets between underlyings, as SPAN's inter-commodity credits: the requirements R_i of the
 * underlyings of a portfolio are combined as √(Σ_ij ρ_ij R_i R_j) instead of summed, and the
 * credit this gives (Σ R_i minus the combination) is capped at {@code maxCredit} × Σ R_i. The
 * result lies between (1 − maxCredit) × Σ R_i and Σ R_i: never negative, never above the sum.
 *
 * <p>The R_i are losses in each underlying's own worst scenario, so combining them with
 * correlations treats each as a loss that moves with its underlying: offsets only for
 * positively correlated underlyings where one portfolio leg gains when the other loses, which
 * the sign of R_i alone does not tell; hence the cap.
 */
public final class CorrelationOffset {

    private CorrelationOffset() {}

    /**
     * The requirements combined as √(Σ ρ_ij R_i R_j), giving back at most {@code maxCredit} of their sum.
     *
     * @param requirements each underlying's requirement, not negative
     * @param correlation the underlyings' correlation matrix (symmetric, unit diagonal)
     * @param maxCredit largest share of the summed requirement given back, in [0, 1]
     */
    public static double combine(double[] requirements, double[][] correlation, double maxCredit) {
        if (!(maxCredit >= 0.0 && maxCredit <= 1.0)) {
            throw new IllegalArgumentException("the credit cap is in [0, 1]: " + maxCredit);
        }
        double sum = 0.0;
        double quadratic = 0.0;
        for (int i = 0; i < requirements.length; i++) {
            if (!(requirements[i] >= 0.0)) {
                throw new IllegalArgumentException("requirements are not negative: " + requirements[i]);
            }
            sum += requirements[i];
            for (int j = 0; j < requirements.length; j++) {
                quadratic += correlation[i][j] * requirements[i] * requirements[j];
            }
        }
        double combined = Math.sqrt(Math.max(0.0, quadratic));
        double credit = Math.min(Math.max(0.0, sum - combined), maxCredit * sum);
        return sum - credit;
    }

    /** Pearson correlations of the underlyings' returns (all on the same days), with means taken as zero. */
    public static double[][] correlations(double[][] returns) {
        int n = returns.length;
        double[][] correlation = new double[n][n];
        for (int i = 0; i < n; i++) {
            correlation[i][i] = 1.0;
            for (int j = i + 1; j < n; j++) {
                double xy = 0.0;
                double xx = 0.0;
                double yy = 0.0;
                for (int t = 0; t < returns[i].length; t++) {
                    xy += returns[i][t] * returns[j][t];
                    xx += returns[i][t] * returns[i][t];
                    yy += returns[j][t] * returns[j][t];
                }
                double rho = xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0.0;
                correlation[i][j] = rho;
                correlation[j][i] = rho;
            }
        }
        return correlation;
    }
}
