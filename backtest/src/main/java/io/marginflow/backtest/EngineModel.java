package io.marginflow.backtest;

import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.RiskModel;
import io.marginflow.risk.VolatilityScan;
import io.marginflow.risk.stats.AntiProcyclicality;

/**
 * One margin model the backtest runs: the engine's own parameters for an underlying (the same
 * {@link MarginParameters} and {@link RiskModel} the engine reads from {@code risk.parameters})
 * and the return history it samples ({@link Market.HistorySettings}). Nothing of the margin
 * composition lives here; {@link EngineReplay} hands these to the engine's {@code Market} and
 * {@code MarginCalculator}.
 *
 * @param name as the report shows it, e.g. "FHS-EWMA + 25% buffer"
 * @param parameters the parameters for each underlying (set per underlying with
 *        {@link MarginParameters#forUnderlying})
 * @param history the sampling interval, the window of returns kept (the FHS window) and the
 *        returns needed before the statistical layer margins (the whole window: no observation is
 *        taken on a partial one)
 */
public record EngineModel(String name, MarginParameters parameters, Market.HistorySettings history) {

    /** A day in milliseconds: the daily history's sampling interval. */
    static final long DAY = 86_400_000L;
    /** An hour in milliseconds. */
    static final long HOUR = 3_600_000L;
    /** The second VaR level the report tests besides the model's 99%. */
    public static final double LOWER_VAR_CONFIDENCE = 0.975;

    /**
     * A daily model: EWMA λ 0.94 (RiskMetrics) or GARCH(1,1) refitted every day, VaR 99% / ES
     * 97.5% over a 2-day margin period of risk on a 1,000-day window, correlation offsets capped
     * at 50%, and {@code antiProcyclicality}.
     */
    static EngineModel daily(String name, RiskModel.VolatilityModel forecast, AntiProcyclicality antiProcyclicality) {
        return new EngineModel(name, parameters(riskModel(forecast, 0.94).antiProcyclicality(antiProcyclicality).build()),
                new Market.HistorySettings(DAY, 1_000, 1_000));
    }

    /**
     * A daily model on a 500-day window, refreshed daily, for a history of hourly prices fed at a
     * daily interval ({@link IntradayFeed}): the hours inside each day give its realised variance.
     */
    static EngineModel dailyOnHourlyFeed(String name, RiskModel.VolatilityModel forecast) {
        return new EngineModel(name, parameters(riskModel(forecast, 0.94).build()), new Market.HistorySettings(DAY, 500, 500));
    }

    /**
     * An hourly model: the daily decay per hour (0.94^(1/24)), a 48-hour margin period of risk
     * on a 4,000-hour window. Its statistics are refreshed every {@code refreshMillis} of stream
     * time (0: every hour), as {@link RiskModel#refreshMillis} says.
     */
    static EngineModel hourly(String name, RiskModel.VolatilityModel forecast, long refreshMillis) {
        return new EngineModel(name, parameters(riskModel(forecast, Math.pow(0.94, 1.0 / 24)).refreshMillis(refreshMillis)
                .build()), new Market.HistorySettings(HOUR, 4_000, 4_000));
    }

    private static RiskModel.Builder riskModel(RiskModel.VolatilityModel forecast, double lambda) {
        return RiskModel.builder()
                .volatilityModel(forecast)
                .ewmaLambda(lambda)
                .confidence(0.99, 0.975)
                .marginPeriodOfRiskDays(2)
                .maxOffsetCredit(0.5)
                .dynamicScanRange(0.05, 0.6);
    }

    /**
     * The scan of the engine's configured defaults (nine price points, implied vol +30% / −20% of
     * itself scaled by (30 / days to expiry)^0.5, at least 1% of the underlying's value per short
     * option), its core range following volatility as {@code model} says.
     */
    private static MarginParameters parameters(RiskModel model) {
        return MarginParameters.builder("*")
                .priceScan(0.16, 9)
                .volatility(new VolatilityScan(0.3, 0.2, 0.5, true))
                .shortOptionMinimum(0.01)
                .riskModel(model)
                .build();
    }

    /** The margin period of risk in sampling intervals: 2 (days) or 48 (hours). */
    public int horizon() {
        return parameters.riskModel().marginPeriodIntervals(history.intervalMillis());
    }

    /** The FHS window: returns kept. */
    public int window() {
        return history.length();
    }

    /** Sampling intervals per year: 365 or 8,760. */
    public double periodsPerYear() {
        return 365.0 * DAY / history.intervalMillis();
    }

    public double lambda() {
        return parameters.riskModel().ewmaLambda();
    }
}
