package io.marginflow.translation;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.ExtremeMove;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Position;
import io.marginflow.risk.PriceGuard;
import io.marginflow.risk.RiskModel;
import io.marginflow.risk.UnderlyingRisk;
import io.marginflow.risk.VolatilityScan;
import io.marginflow.risk.lifecycle.LifecycleRules;
import io.marginflow.risk.options.OptionType;
import io.marginflow.risk.stats.AntiProcyclicality;
import io.marginflow.risk.stress.MemberLosses;
import io.marginflow.risk.stress.StressScenario;
import io.marginflow.schema.CollateralHaircut;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.MarginComponent;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SmilePoint;
import io.marginflow.schema.StressShock;
import io.marginflow.schema.UnderlyingMargin;
import io.marginflow.schema.VolSmile;
import io.marginflow.schema.VolSurface;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one place where the Avro contract meets the risk engine: contract records become engine
 * values, engine results become contract fields.
 */
public final class EngineTypes {

    /** Scale of every Avro decimal in the contract. */
    public static final int CONTRACT_DECIMAL_SCALE = 18;

    private EngineTypes() {}

    /**
     * The engine's view of an instrument definition.
     *
     * @throws IllegalArgumentException with the reason, if the definition is inconsistent (an option without a strike)
     */
    public static InstrumentSpec instrumentSpec(Instrument instrument) {
        Optional<InstrumentSpec.OptionTerms> option = instrument.getOptionType() == null || instrument.getStrike() == null
                ? Optional.empty()
                : Optional.of(new InstrumentSpec.OptionTerms(OptionType.valueOf(instrument.getOptionType().name()),
                        instrument.getStrike()));
        return new InstrumentSpec(
                instrument.getInstrumentId(),
                InstrumentSpec.Kind.valueOf(instrument.getKind().name()),
                instrument.getUnderlying(),
                instrument.getExpiry() == null ? OptionalLong.empty() : OptionalLong.of(instrument.getExpiry().toEpochMilli()),
                instrument.getContractMultiplier(),
                instrument.getSettlementAsset(),
                instrument.getState() == InstrumentState.ACTIVE,
                option,
                instrument.getLotSize() == null ? InstrumentSpec.ANY_LOT : instrument.getLotSize().stripTrailingZeros());
    }

    /**
     * The engine's margin parameters from a published parameter set.
     *
     * @throws IllegalArgumentException with the reason, if the parameters cannot be used
     */
    public static MarginParameters marginParameters(RiskParameters parameters) {
        TreeMap<String, Double> haircuts = new TreeMap<>();
        for (CollateralHaircut haircut : parameters.getCollateralHaircuts()) {
            if (haircuts.put(haircut.getAsset(), haircut.getHaircut()) != null) {
                throw new IllegalArgumentException("haircut of " + haircut.getAsset() + " is given twice");
            }
        }
        List<ExtremeMove> extremes = parameters.getExtremeMoves().stream()
                .map(move -> new ExtremeMove(move.getPriceMove(), move.getWeight()))
                .toList();
        return MarginParameters.builder(parameters.getUnderlying())
                .version(parameters.getVersion())
                .effectiveMillis(parameters.getEffectiveTime().toEpochMilli())
                .priceScan(parameters.getPriceScanRange(), parameters.getPriceScanSteps())
                .extremeMoves(extremes)
                .volatility(new VolatilityScan(parameters.getVolShockUp(), parameters.getVolShockDown(),
                        parameters.getVolShockExpiryExponent(), parameters.getVolUnchangedScenarios()))
                .shortOptionMinimum(parameters.getShortOptionMinimum())
                .maintenanceToInitial(parameters.getMaintenanceToInitialRatio())
                .haircuts(haircuts)
                .lifecycle(new LifecycleRules(parameters.getCallGracePeriodMillis(), parameters.getCallReleaseBuffer(),
                        parameters.getLiquidationReleaseBuffer(), parameters.getCallIncreaseThreshold(),
                        parameters.getBackstopFraction()))
                .riskModel(riskModel(parameters))
                .priceGuard(new PriceGuard(parameters.getPriceJumpSigmas(), parameters.getPriceJumpHoldMillis(),
                        parameters.getPriceJumpMinElapsedMillis()))
                .build();
    }

    private static RiskModel riskModel(RiskParameters parameters) {
        AntiProcyclicality.Tool tool = AntiProcyclicality.Tool.valueOf(parameters.getAntiProcyclicality().name());
        return RiskModel.builder()
                .volatilityModel(RiskModel.VolatilityModel.valueOf(parameters.getVolatilityModel().name()))
                .ewmaLambda(parameters.getEwmaLambda())
                .confidence(parameters.getVarConfidence(), parameters.getEsConfidence())
                .marginPeriodOfRiskDays(parameters.getMarginPeriodOfRiskDays())
                .maxOffsetCredit(parameters.getMaxOffsetCredit())
                .antiProcyclicality(new AntiProcyclicality(tool, parameters.getApcBuffer(), parameters.getApcStressedWeight()))
                .dynamicScanRange(parameters.getScanRangeFloor(), parameters.getScanRangeCap())
                .concentration(parameters.getConcentrationThreshold(), parameters.getConcentrationRate())
                .refreshMillis(parameters.getStatisticsRefreshMillis())
                .build();
    }

    /** The largest magnitude the contract's decimal(38,18) carries, as a double. */
    private static final double CONTRACT_MONEY_LIMIT = 1e20;

    /** A member's stress figures as a partition published them ({@link EngineOutputs#memberStress}), to be summed. */
    public static MemberLosses.Totals totals(io.marginflow.schema.MemberStress member) {
        return new MemberLosses.Totals(member.getAccounts(), member.getStressedLoss(), member.getInitialMargin(),
                member.getEquity(), member.getUncoveredLoss());
    }

    /**
     * A stress scenario as the engine runs it.
     *
     * @throws IllegalArgumentException if a move makes no sense (NaN, at or below -100%, a vol factor
     *         not above 0), an underlying is named twice, or nothing moves
     */
    public static StressScenario stressScenario(io.marginflow.schema.StressScenario scenario) {
        SortedMap<String, StressScenario.Shock> shocks = new TreeMap<>();
        for (StressShock shock : scenario.getShocks()) {
            StressScenario.Shock moved = new StressScenario.Shock(shock.getPriceMove(), shock.getVolFactor());
            if (shocks.put(shock.getUnderlying(), moved) != null) {
                throw new IllegalArgumentException("it moves " + shock.getUnderlying() + " twice");
            }
        }
        StressScenario.Kind kind = switch (scenario.getKind()) {
            case HISTORICAL -> StressScenario.Kind.HISTORICAL;
            case HYPOTHETICAL -> StressScenario.Kind.HYPOTHETICAL;
            case OTHER -> throw new IllegalArgumentException("its kind is OTHER");
        };
        return new StressScenario(scenario.getScenarioId(), kind, scenario.getDescription(), shocks);
    }

    /**
     * A USD amount from the engine, rounded to the engine's money precision, at the contract's scale.
     *
     * @throws OutOfRangeException if the amount is infinite or beyond ±1e20, which decimal(38,18) cannot carry
     * @throws IllegalStateException if the amount is NaN (a bug)
     */
    public static BigDecimal money(double usd) {
        if (Double.isNaN(usd)) {
            throw new IllegalStateException("the engine produced an amount that is not a number");
        }
        if (!(Math.abs(usd) < CONTRACT_MONEY_LIMIT)) {
            throw new OutOfRangeException("an amount of " + usd + " USD is beyond the ±1e20 the contract's"
                    + " decimal(38,18) carries");
        }
        return BigDecimal.valueOf(usd).setScale(Position.MONEY_SCALE, RoundingMode.HALF_EVEN)
                .setScale(CONTRACT_DECIMAL_SCALE, RoundingMode.UNNECESSARY);
    }

    /** An exact amount (quantity, balance) at the contract's scale; refuses to round. */
    public static BigDecimal exact(BigDecimal amount) {
        return amount.setScale(CONTRACT_DECIMAL_SCALE, RoundingMode.UNNECESSARY);
    }

    public static MarginStatus status(io.marginflow.risk.MarginStatus status) {
        return MarginStatus.valueOf(status.name());
    }

    public static MarginComponent component(AccountMargin.Component component) {
        return MarginComponent.valueOf(component.name());
    }

    public static List<UnderlyingMargin> breakdown(AccountMargin margin) {
        return margin.underlyings().stream().map(EngineTypes::underlyingMargin).toList();
    }

    private static UnderlyingMargin underlyingMargin(UnderlyingRisk risk) {
        return UnderlyingMargin.newBuilder()
                .setUnderlying(risk.underlying())
                .setRequirement(risk.requirement())
                .setWorstPriceMove(risk.worstPriceMove())
                .setWorstVolShock(risk.worstVolShock())
                .setWorstScenarioLoss(risk.worstScenarioLoss())
                .setShortOptionMinimum(risk.shortOptionMinimum())
                .setNetDelta(risk.netDelta())
                .setGamma(risk.gamma())
                .setVega(risk.vega())
                .setTheta(risk.theta())
                .setForecastVol(risk.forecastVol())
                .setScanRange(risk.scanRange())
                .setConcentrationAddOn(risk.concentrationAddOn())
                .setUnrealizedPnl(risk.unrealizedPnl())
                .build();
    }

    /**
     * The engine's surface, as of the record's event time.
     *
     * @throws IllegalArgumentException with the reason, if the surface is malformed, has expired or offers arbitrage
     */
    public static io.marginflow.risk.options.VolSurface volSurface(VolSurface surface) {
        List<io.marginflow.risk.options.VolSurface.Smile> smiles = surface.getSmiles().stream().map(EngineTypes::smile).toList();
        if (smiles.isEmpty()) {
            throw new IllegalArgumentException("surface of " + surface.getUnderlying() + " has no smiles");
        }
        return io.marginflow.risk.options.VolSurface.of(surface.getUnderlying(), surface.getEventTime().toEpochMilli(), smiles);
    }

    private static io.marginflow.risk.options.VolSurface.Smile smile(VolSmile smile) {
        List<SmilePoint> points = smile.getPoints();
        if (points.isEmpty()) {
            throw new IllegalArgumentException("smile for " + smile.getExpiry() + " has no points");
        }
        double[] strikes = new double[points.size()];
        double[] vols = new double[points.size()];
        for (int j = 0; j < strikes.length; j++) {
            strikes[j] = points.get(j).getStrike();
            vols[j] = points.get(j).getImpliedVol();
        }
        return new io.marginflow.risk.options.VolSurface.Smile(smile.getExpiry().toEpochMilli(), smile.getForward(), strikes, vols);
    }
}
