package io.marginflow.risk.stats;

/**
 * Filtered historical simulation (Barone-Adesi, Giannopoulos and Vosper, 1999; Hull and White,
 * 1998): each historical daily log return is divided by the EWMA volatility forecast it was
 * made under and multiplied by today's forecast, so yesterday's calm and today's turbulence
 * are both seen at today's level. A scenario is one historical window of {@code horizon}
 * consecutive days (the margin period of risk): its filtered returns summed per underlying.
 * Every underlying takes the same window in the same scenario, so the joint moves, and the
 * correlation between underlyings, are history's.
 */
public final class FilteredHistoricalSimulation {

    private FilteredHistoricalSimulation() {}

    /**
     * Relative price moves per underlying and scenario: {@code moves[u][s]} = exp(R) − 1 with R
     * the filtered {@code horizon}-day log return of underlying u in window s.
     *
     * @param returns daily log returns per underlying, all on the same days, oldest first
     * @param currentVols today's daily volatility forecast per underlying (the scale scenarios are put at)
     * @param lambda EWMA decay of the volatilities that de-volatilise history
     * @param horizon margin period of risk in days
     */
    public static double[][] scenarioMoves(double[][] returns, double[] currentVols, double lambda, int horizon) {
        int underlyings = returns.length;
        if (underlyings == 0 || currentVols.length != underlyings) {
            throw new IllegalArgumentException("one forecast per underlying, at least one underlying");
        }
        int days = returns[0].length;
        if (horizon < 1 || days < horizon + 1) {
            throw new IllegalArgumentException("need more days of history (" + days + ") than the horizon (" + horizon + ")");
        }
        int scenarios = days - horizon + 1;
        double[][] moves = new double[underlyings][scenarios];
        for (int u = 0; u < underlyings; u++) {
            if (returns[u].length != days) {
                throw new IllegalArgumentException("every underlying's returns cover the same days");
            }
            double[] variances = Ewma.variances(returns[u], lambda);
            double[] filtered = new double[days];
            for (int t = 0; t < days; t++) {
                filtered[t] = variances[t] > 0.0 ? returns[u][t] / Math.sqrt(variances[t]) : 0.0;
            }
            // Running window sums: scenario s sums days s .. s + horizon − 1.
            double window = 0.0;
            for (int t = 0; t < horizon; t++) {
                window += filtered[t];
            }
            for (int s = 0; s < scenarios; s++) {
                if (s > 0) {
                    window += filtered[s + horizon - 1] - filtered[s - 1];
                }
                moves[u][s] = Math.expm1(currentVols[u] * window);
            }
        }
        return moves;
    }
}
