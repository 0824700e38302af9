package io.marginflow.risk;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The market as one engine task knows it: instruments, latest marks and index prices, and margin
 * parameters per underlying. It caches each instrument's {@link InstrumentRisk} and each
 * underlying's {@link ScenarioGrid}, so that a price tick reprices an instrument once however
 * many accounts hold it. Not thread-safe: one per task.
 */
public final class Market {

    private final Map<String, InstrumentSpec> instruments = new HashMap<>();
    private final Map<String, Double> marks = new HashMap<>();
    private final Map<String, Double> indexPrices = new HashMap<>();
    private final Map<String, MarginParameters> parameters = new HashMap<>();
    private final Map<String, MarginParameters> defaultsByUnderlying = new HashMap<>();
    private final Map<String, ScenarioGrid> grids = new HashMap<>();
    private final Map<String, InstrumentRisk> risks = new HashMap<>();
    private final MarginParameters defaults;
    private final Set<String> cashAssets;

    /**
     * @param defaults parameters for an underlying that has none of its own yet
     * @param cashAssets collateral assets worth one USD each (USD and stablecoins)
     */
    public Market(MarginParameters defaults, Set<String> cashAssets) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.cashAssets = Set.copyOf(cashAssets);
    }

    public void putInstrument(InstrumentSpec spec) {
        instruments.put(spec.id(), spec);
        risks.remove(spec.id());
    }

    public Optional<InstrumentSpec> instrument(String id) {
        return Optional.ofNullable(instruments.get(id));
    }

    /** Sets an instrument's mark price. Its cached risk is recomputed on next use. */
    public void putMark(String instrument, double price) {
        requirePrice(instrument, price);
        marks.put(instrument, price);
        risks.remove(instrument);
    }

    /** Uses {@code price} as the mark of an instrument that has no mark yet (e.g. its first fill). */
    public void putMarkIfAbsent(String instrument, double price) {
        if (!marks.containsKey(instrument)) {
            putMark(instrument, price);
        }
    }

    public Optional<Double> mark(String instrument) {
        return Optional.ofNullable(marks.get(instrument));
    }

    /** Sets the spot index price of an underlying or collateral asset, e.g. BTC. */
    public void putIndexPrice(String index, double price) {
        requirePrice(index, price);
        indexPrices.put(index, price);
    }

    public void putParameters(MarginParameters set) {
        parameters.put(set.underlying(), set);
        grids.remove(set.underlying());
        risks.values().removeIf(risk -> risk.spec().underlying().equals(set.underlying()));
    }

    /** The parameters of {@code underlying}: its own, or the defaults. */
    public MarginParameters parameters(String underlying) {
        MarginParameters own = parameters.get(underlying);
        return own != null ? own : defaultsByUnderlying.computeIfAbsent(underlying, defaults::forUnderlying);
    }

    public Optional<MarginParameters> ownParameters(String underlying) {
        return Optional.ofNullable(parameters.get(underlying));
    }

    public ScenarioGrid grid(String underlying) {
        return grids.computeIfAbsent(underlying, u -> parameters(u).scenarioGrid());
    }

    /**
     * The risk of {@code instrument} at the current market.
     *
     * @throws IllegalStateException if the instrument is unknown or has no mark
     */
    public InstrumentRisk risk(String instrument) {
        InstrumentRisk risk = risks.get(instrument);
        if (risk == null) {
            InstrumentSpec spec = instruments.get(instrument);
            Double mark = marks.get(instrument);
            if (spec == null || mark == null) {
                throw new IllegalStateException("no " + (spec == null ? "definition" : "mark price")
                        + " for instrument " + instrument);
            }
            risk = new InstrumentRisk(spec, mark, grid(spec.underlying()));
            risks.put(instrument, risk);
        }
        return risk;
    }

    /**
     * The underlying whose accounts a price of {@code id} concerns: the instrument's underlying,
     * or {@code id} itself for an index.
     */
    public String underlyingOf(String id) {
        InstrumentSpec spec = instruments.get(id);
        return spec != null ? spec.underlying() : id;
    }

    /** USD value of one unit of collateral {@code asset} after its haircut; 0 while its price is unknown. */
    public double collateralValuePerUnit(String asset) {
        double price = cashAssets.contains(asset) ? 1.0 : indexPrices.getOrDefault(asset, 0.0);
        double haircut = parameters(asset).collateralHaircuts().getOrDefault(asset, 0.0);
        return price * (1.0 - haircut);
    }

    private static void requirePrice(String id, double price) {
        if (!Double.isFinite(price) || price <= 0) {
            throw new IllegalArgumentException("price of " + id + " must be finite and positive: " + price);
        }
    }
}
