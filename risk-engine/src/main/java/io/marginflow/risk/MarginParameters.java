package io.marginflow.risk;

import io.marginflow.risk.lifecycle.LifecycleRules;
import io.marginflow.risk.stats.DynamicScanRange;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The margin model's parameters for one underlying. The constructor refuses a set that cannot
 * be used, with the reason, so that bad parameters are rejected at the door.
 *
 * @param priceScanRange relative price move at the edges of the core scan range (0.16 = ±16%)
 * @param priceScanSteps evenly spaced price points across the core range, edges included
 * @param extremeMoves moves outside the core range, counted with their weights (vol unchanged)
 * @param volatility how implied vol is shocked with each core price point (options only)
 * @param shortOptionMinimum least requirement per short option contract, as a fraction of the
 *        underlying value it is written on (multiplier × forward), however far out of the money
 * @param maintenanceToInitialRatio maintenance margin as a fraction of initial margin
 * @param collateralHaircuts haircut per collateral asset, in [0, 1)
 * @param lifecycle how accounts on this underlying are called and liquidated: grace period and bands
 * @param riskModel the statistical layer: VaR/ES, offsets, dynamic scan range, add-ons, anti-procyclicality
 * @param priceGuard how the underlying's marks and index are judged, and jumps held, before they are applied
 */
public record MarginParameters(
        String underlying,
        long version,
        long effectiveMillis,
        double priceScanRange,
        int priceScanSteps,
        List<ExtremeMove> extremeMoves,
        VolatilityScan volatility,
        double shortOptionMinimum,
        double maintenanceToInitialRatio,
        SortedMap<String, Double> collateralHaircuts,
        LifecycleRules lifecycle,
        RiskModel riskModel,
        PriceGuard priceGuard) {

    public MarginParameters {
        Objects.requireNonNull(underlying, "underlying");
        if (!(priceScanRange > 0.0 && priceScanRange < 1.0)) {
            throw new IllegalArgumentException("price scan range of " + underlying + " must be in (0, 1): " + priceScanRange);
        }
        if (priceScanSteps < 2 || priceScanSteps > 1_001) {
            throw new IllegalArgumentException("price scan steps of " + underlying + " must be 2 to 1001: " + priceScanSteps);
        }
        Objects.requireNonNull(volatility, "volatility");
        Objects.requireNonNull(riskModel, "riskModel");
        Objects.requireNonNull(priceGuard, "priceGuard");
        if (!(shortOptionMinimum >= 0.0 && shortOptionMinimum < 1.0)) {
            throw new IllegalArgumentException("short option minimum of " + underlying + " must be in [0, 1): "
                    + shortOptionMinimum);
        }
        if (!(maintenanceToInitialRatio > 0.0 && maintenanceToInitialRatio <= 1.0)) {
            throw new IllegalArgumentException("maintenance-to-initial ratio of " + underlying
                    + " must be in (0, 1]: " + maintenanceToInitialRatio);
        }
        Objects.requireNonNull(lifecycle, "lifecycle");
        extremeMoves = List.copyOf(extremeMoves);
        collateralHaircuts = new TreeMap<>(collateralHaircuts);
        for (Map.Entry<String, Double> haircut : collateralHaircuts.entrySet()) {
            if (!(haircut.getValue() >= 0.0 && haircut.getValue() < 1.0)) {
                throw new IllegalArgumentException("haircut of " + haircut.getKey() + " must be in [0, 1): "
                        + haircut.getValue());
            }
        }
        collateralHaircuts = java.util.Collections.unmodifiableSortedMap(collateralHaircuts);
    }

    /** The same parameters for another underlying, e.g. configured defaults applied to a new underlying. */
    public MarginParameters forUnderlying(String other) {
        return new MarginParameters(other, version, effectiveMillis, priceScanRange, priceScanSteps, extremeMoves,
                volatility, shortOptionMinimum, maintenanceToInitialRatio, collateralHaircuts, lifecycle, riskModel, priceGuard);
    }

    /**
     * Parameters for {@code underlying}, naming what they set: by default version 1 effective
     * from 0, ±16% in 9 steps, no extreme moves, no volatility scenarios, no short-option minimum,
     * maintenance at half of initial margin, no haircuts, the default lifecycle rules
     * ({@link LifecycleRules#DEFAULT}: no grace period) and the default statistical layer
     * ({@link RiskModel#DEFAULT}), prices not guarded ({@link PriceGuard#OFF}).
     */
    public static Builder builder(String underlying) {
        return new Builder(underlying);
    }

    /** Builds {@link MarginParameters} field by field; the record's constructor checks them. */
    public static final class Builder {
        private final String underlying;
        private long version = 1;
        private long effectiveMillis;
        private double priceScanRange = 0.16;
        private int priceScanSteps = 9;
        private final List<ExtremeMove> extremeMoves = new java.util.ArrayList<>();
        private VolatilityScan volatility = VolatilityScan.NONE;
        private double shortOptionMinimum;
        private double maintenanceToInitialRatio = 0.5;
        private final SortedMap<String, Double> collateralHaircuts = new TreeMap<>();
        private LifecycleRules lifecycle = LifecycleRules.DEFAULT;
        private RiskModel riskModel = RiskModel.DEFAULT;
        private PriceGuard priceGuard = PriceGuard.OFF;

        private Builder(String underlying) {
            this.underlying = underlying;
        }

        public Builder version(long version) {
            this.version = version;
            return this;
        }

        public Builder effectiveMillis(long effectiveMillis) {
            this.effectiveMillis = effectiveMillis;
            return this;
        }

        /** The core scan: price moves from −range to +range in {@code steps} evenly spaced points. */
        public Builder priceScan(double range, int steps) {
            this.priceScanRange = range;
            this.priceScanSteps = steps;
            return this;
        }

        /** Adds an extreme move, counted with {@code weight}. */
        public Builder extremeMove(double priceMove, double weight) {
            extremeMoves.add(new ExtremeMove(priceMove, weight));
            return this;
        }

        public Builder extremeMoves(List<ExtremeMove> moves) {
            extremeMoves.clear();
            extremeMoves.addAll(moves);
            return this;
        }

        public Builder volatility(VolatilityScan volatility) {
            this.volatility = volatility;
            return this;
        }

        public Builder shortOptionMinimum(double shortOptionMinimum) {
            this.shortOptionMinimum = shortOptionMinimum;
            return this;
        }

        public Builder maintenanceToInitial(double ratio) {
            this.maintenanceToInitialRatio = ratio;
            return this;
        }

        public Builder haircut(String asset, double haircut) {
            collateralHaircuts.put(asset, haircut);
            return this;
        }

        public Builder haircuts(SortedMap<String, Double> haircuts) {
            collateralHaircuts.clear();
            collateralHaircuts.putAll(haircuts);
            return this;
        }

        /** The grace period of a call, the other lifecycle rules as they are. */
        public Builder callGracePeriodMillis(long millis) {
            this.lifecycle = lifecycle.withCallGracePeriodMillis(millis);
            return this;
        }

        public Builder lifecycle(LifecycleRules lifecycle) {
            this.lifecycle = lifecycle;
            return this;
        }

        public Builder riskModel(RiskModel riskModel) {
            this.riskModel = riskModel;
            return this;
        }

        public Builder priceGuard(PriceGuard priceGuard) {
            this.priceGuard = priceGuard;
            return this;
        }

        /**
         * The parameters as set.
         *
         * @throws IllegalArgumentException with the reason, if the parameters cannot be used
         */
        public MarginParameters build() {
            return new MarginParameters(underlying, version, effectiveMillis, priceScanRange, priceScanSteps,
                    extremeMoves, volatility, shortOptionMinimum, maintenanceToInitialRatio, collateralHaircuts,
                    lifecycle, riskModel, priceGuard);
        }
    }

    /**
     * The core scan range: the parameters' fixed {@code priceScanRange}, or, if the risk model
     * asks for a dynamic one, the move that {@code marginVol} (per sampling interval) makes over
     * {@code horizonIntervals} at the model's VaR confidence, within its floor and cap. The one
     * place where fixed or dynamic is decided.
     */
    public double scanRange(double marginVol, int horizonIntervals) {
        return riskModel.dynamicScanRange()
                ? DynamicScanRange.of(marginVol, horizonIntervals, riskModel.varConfidence(), riskModel.scanRangeFloor(),
                        riskModel.scanRangeCap())
                : priceScanRange;
    }

    /** The scenarios these parameters define. */
    public ScenarioGrid scenarioGrid() {
        return scenarioGrid(priceScanRange);
    }

    /** The scenarios with the core range at {@code range} instead (a range that follows volatility). */
    public ScenarioGrid scenarioGrid(double range) {
        return ScenarioGrid.of(range, priceScanSteps, extremeMoves, volatility);
    }
}
