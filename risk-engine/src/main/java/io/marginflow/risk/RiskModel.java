package io.marginflow.risk;

import io.marginflow.risk.stats.AntiProcyclicality;
import java.util.Objects;

/**
 * The statistical part of an underlying's margin model (issue 5): how its volatility is
 * forecast, the filtered-historical-simulation VaR and Expected Shortfall, offsets against other
 * underlyings, a scan range that follows volatility, a concentration add-on and
 * anti-procyclicality. All of it works on the engine's return history of the underlying, and
 * only once that history has enough returns; until then margin is the scenario margin alone.
 *
 * @param volatilityModel which forecast rescales the filtered history
 * @param ewmaLambda EWMA decay per sampling interval of the return history
 * @param varConfidence VaR confidence, e.g. 0.99
 * @param esConfidence Expected Shortfall confidence, e.g. 0.975
 * @param marginPeriodOfRiskDays horizon of the simulated moves, in days
 * @param maxOffsetCredit largest share of the summed per-underlying requirements given back for
 *        correlation between underlyings, in [0, 1]; 0 sums them
 * @param antiProcyclicality the EMIR tool, if any
 * @param scanRangeFloor, scanRangeCap bounds of a scan range that follows volatility; both 0: the
 *        parameters' fixed {@code priceScanRange}
 * @param concentrationThreshold net position value (USD) above which the concentration add-on applies; 0: none
 * @param concentrationRate add-on per USD of net position value above the threshold
 * @param refreshMillis how often the statistics (forecast, GARCH fit, FHS moves, correlations)
 *        are refreshed, in stream time: at each multiple of it, from the history as it stood
 *        then; 0 refreshes at every completed sampling interval
 */
public record RiskModel(VolatilityModel volatilityModel, double ewmaLambda, double varConfidence, double esConfidence,
                        int marginPeriodOfRiskDays, double maxOffsetCredit, AntiProcyclicality antiProcyclicality,
                        double scanRangeFloor, double scanRangeCap, double concentrationThreshold,
                        double concentrationRate, long refreshMillis) {

    /**
     * EWMA of squared returns; GARCH(1,1) fitted by maximum likelihood; HAR-RV (Corsi 2009) fitted by
     * least squares on the history's realised variances ({@link io.marginflow.risk.stats.ReturnHistory}).
     */
    public enum VolatilityModel { EWMA, GARCH, HAR_RV }

    /** The longest margin period of risk: a month; CCPs use 2 days for listed and 5 for OTC derivatives. */
    public static final int MAX_MARGIN_PERIOD_DAYS = 30;

    /** RiskMetrics' EWMA, VaR 99%, ES 97.5% over 2 days; no offsets, fixed scan range, no add-on or APC. */
    public static final RiskModel DEFAULT = new RiskModel(VolatilityModel.EWMA, 0.94, 0.99, 0.975, 2, 0.0,
            AntiProcyclicality.NONE, 0.0, 0.0, 0.0, 0.0, 0L);

    public RiskModel {
        Objects.requireNonNull(volatilityModel, "volatilityModel");
        Objects.requireNonNull(antiProcyclicality, "antiProcyclicality");
        if (!(ewmaLambda > 0.0 && ewmaLambda < 1.0)) {
            throw new IllegalArgumentException("EWMA decay must be in (0, 1): " + ewmaLambda);
        }
        if (!(varConfidence > 0.5 && varConfidence < 1.0) || !(esConfidence > 0.5 && esConfidence < 1.0)) {
            throw new IllegalArgumentException("VaR and ES confidence must be in (0.5, 1)");
        }
        if (marginPeriodOfRiskDays < 1 || marginPeriodOfRiskDays > MAX_MARGIN_PERIOD_DAYS) {
            throw new IllegalArgumentException("the margin period of risk is 1 to " + MAX_MARGIN_PERIOD_DAYS + " days: "
                    + marginPeriodOfRiskDays);
        }
        if (!(maxOffsetCredit >= 0.0 && maxOffsetCredit <= 1.0)) {
            throw new IllegalArgumentException("the offset credit cap must be in [0, 1]: " + maxOffsetCredit);
        }
        boolean dynamic = scanRangeFloor > 0.0 || scanRangeCap > 0.0;
        if (dynamic && !(scanRangeFloor > 0.0 && scanRangeFloor <= scanRangeCap && scanRangeCap < 1.0)) {
            throw new IllegalArgumentException("a dynamic scan range needs 0 < floor ≤ cap < 1: " + scanRangeFloor
                    + ", " + scanRangeCap);
        }
        if (refreshMillis < 0) {
            throw new IllegalArgumentException("the statistics refresh period must not be negative: " + refreshMillis);
        }
        if (!(concentrationThreshold >= 0.0 && Double.isFinite(concentrationThreshold))
                || !(concentrationRate >= 0.0 && concentrationRate <= 1.0)) {
            throw new IllegalArgumentException("the concentration threshold must be finite and not negative, and the"
                    + " rate in [0, 1]: " + concentrationThreshold + ", " + concentrationRate);
        }
    }

    /** A model naming what it sets, from {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RiskModel} from {@link #DEFAULT}, setting what is named; the record's constructor checks it. */
    public static final class Builder {
        private VolatilityModel volatilityModel = DEFAULT.volatilityModel;
        private double ewmaLambda = DEFAULT.ewmaLambda;
        private double varConfidence = DEFAULT.varConfidence;
        private double esConfidence = DEFAULT.esConfidence;
        private int marginPeriodOfRiskDays = DEFAULT.marginPeriodOfRiskDays;
        private double maxOffsetCredit = DEFAULT.maxOffsetCredit;
        private AntiProcyclicality antiProcyclicality = DEFAULT.antiProcyclicality;
        private double scanRangeFloor = DEFAULT.scanRangeFloor;
        private double scanRangeCap = DEFAULT.scanRangeCap;
        private double concentrationThreshold = DEFAULT.concentrationThreshold;
        private double concentrationRate = DEFAULT.concentrationRate;
        private long refreshMillis = DEFAULT.refreshMillis;

        private Builder() {}

        public Builder volatilityModel(VolatilityModel model) {
            this.volatilityModel = model;
            return this;
        }

        public Builder ewmaLambda(double lambda) {
            this.ewmaLambda = lambda;
            return this;
        }

        public Builder confidence(double var, double es) {
            this.varConfidence = var;
            this.esConfidence = es;
            return this;
        }

        public Builder marginPeriodOfRiskDays(int days) {
            this.marginPeriodOfRiskDays = days;
            return this;
        }

        public Builder maxOffsetCredit(double credit) {
            this.maxOffsetCredit = credit;
            return this;
        }

        public Builder antiProcyclicality(AntiProcyclicality tool) {
            this.antiProcyclicality = tool;
            return this;
        }

        /** A core scan range that follows volatility, within [floor, cap]. */
        public Builder dynamicScanRange(double floor, double cap) {
            this.scanRangeFloor = floor;
            this.scanRangeCap = cap;
            return this;
        }

        public Builder concentration(double threshold, double rate) {
            this.concentrationThreshold = threshold;
            this.concentrationRate = rate;
            return this;
        }

        public Builder refreshMillis(long millis) {
            this.refreshMillis = millis;
            return this;
        }

        public RiskModel build() {
            return new RiskModel(volatilityModel, ewmaLambda, varConfidence, esConfidence, marginPeriodOfRiskDays,
                    maxOffsetCredit, antiProcyclicality, scanRangeFloor, scanRangeCap, concentrationThreshold,
                    concentrationRate, refreshMillis);
        }
    }

    /** The margin period of risk in sampling intervals (2 days of daily returns: 2; of hourly returns: 48). */
    public int marginPeriodIntervals(long intervalMillis) {
        return (int) Math.max(1, Math.round(marginPeriodOfRiskDays * 86_400_000.0 / intervalMillis));
    }

    /** The refresh period in sampling intervals (at least 1). */
    public long refreshIntervals(long intervalMillis) {
        return Math.max(1, refreshMillis / intervalMillis);
    }

    public boolean dynamicScanRange() {
        return scanRangeFloor > 0.0;
    }
}
