package io.marginflow.risk;

import io.marginflow.risk.options.Black76;
import io.marginflow.risk.options.VolSurface;
import io.marginflow.risk.stats.ReturnHistory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The market as one engine task knows it: instruments, latest marks and index prices, volatility
 * surfaces, valuation times and margin parameters per underlying. It caches each instrument's
 * {@link InstrumentRisk} and each underlying's {@link ScenarioGrid}, so that a price tick
 * reprices an instrument once however many accounts hold it. Not thread-safe: one per task.
 *
 * <p>Options are valued at their underlying's valuation time (the event time of its latest index
 * price or surface, never the wall clock), on the forward for their expiry and with the implied
 * vol from the surface:
 * <ul>
 *   <li>forward: the surface's forward for the expiry, moved with the index since the surface
 *       arrived (× index now / index then; as quoted if the underlying had no index price when
 *       the surface arrived); the index itself without a surface;</li>
 *   <li>vol: the surface's vol at the same moneyness (sticky moneyness: strike × index then /
 *       index now); without a surface, the vol implied by the option's own mark price.</li>
 * </ul>
 */
public final class Market {

    private final Map<String, InstrumentSpec> instruments = new HashMap<>();
    private final Map<String, Double> marks = new HashMap<>();
    private final Map<String, Double> indexPrices = new HashMap<>();
    private final Map<String, MarginParameters> parameters = new HashMap<>();
    private final Map<String, MarginParameters> defaultsByUnderlying = new HashMap<>();
    private final Map<String, ScenarioGrid> grids = new HashMap<>();
    private final Map<String, InstrumentRisk> risks = new HashMap<>();
    private final Map<String, VolSurface> surfaces = new HashMap<>();
    private final Map<String, Double> surfaceAnchors = new HashMap<>();
    private final Map<String, Long> valuationTimes = new HashMap<>();
    private final Map<String, ReturnHistory> histories = new HashMap<>();
    private final Map<String, UnderlyingStatistics> statistics = new HashMap<>();
    /** Underlyings whose history was too short at their last refresh. */
    private final Set<String> tooShort = new java.util.HashSet<>();
    private final Map<String, Map<String, Double>> correlations = new HashMap<>();
    private final HistorySettings history;
    /** Vol of an option whose mark is at or below its intrinsic value. */
    static final double VOL_AT_INTRINSIC = 1e-6;
    private static final double MAX_IMPLIED_VOL = 10.0;
    private static final double[] NO_SCENARIOS = new double[0];

    /**
     * How the engine samples each underlying's index into a return history.
     *
     * @param intervalMillis the sampling interval (a day: 86,400,000)
     * @param length returns kept
     * @param minReturns returns needed before the statistical layer (VaR/ES, offsets, dynamic
     *        ranges) takes part; until then margin is the scenario margin alone
     */
    public record HistorySettings(long intervalMillis, int length, int minReturns) {
        public static final HistorySettings DAILY = new HistorySettings(86_400_000L, 1_000, 250);

        public HistorySettings {
            if (intervalMillis <= 0 || length < 10 || minReturns < 10 || minReturns > length) {
                throw new IllegalArgumentException("history settings need a positive interval and 10 ≤ min returns ≤ length: "
                        + intervalMillis + ", " + length + ", " + minReturns);
            }
        }
    }

    private final MarginParameters defaults;
    private final Set<String> cashAssets;

    /**
     * @param defaults parameters for an underlying that has none of its own yet
     * @param cashAssets collateral assets worth one USD each (USD and stablecoins)
     */
    public Market(MarginParameters defaults, Set<String> cashAssets) {
        this(defaults, cashAssets, HistorySettings.DAILY);
    }

    public Market(MarginParameters defaults, Set<String> cashAssets, HistorySettings history) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.cashAssets = Set.copyOf(cashAssets);
        this.history = Objects.requireNonNull(history, "history");
    }

    /**
     * Samples an index price into {@code underlying}'s return history.
     *
     * @return the history, if it changed (to be stored)
     */
    public Optional<ReturnHistory> recordIndexPrice(String underlying, long millis, double price) {
        ReturnHistory before = histories.get(underlying);
        ReturnHistory after = before == null ? ReturnHistory.starting(history.intervalMillis(), millis, price)
                : before.with(millis, price, history.length());
        if (after.equals(before)) {
            return Optional.empty();
        }
        histories.put(underlying, after);
        if (before == null || refreshBucket(underlying, after) != refreshBucket(underlying, before)) {
            forgetStatistics(underlying);
        }
        return Optional.of(after);
    }

    /** Restores a stored history. */
    public void putHistory(String underlying, ReturnHistory stored) {
        histories.put(underlying, stored);
        forgetStatistics(underlying);
    }

    public Optional<ReturnHistory> history(String underlying) {
        return Optional.ofNullable(histories.get(underlying));
    }

    /**
     * The statistical layer's view of {@code underlying}: computed once per refresh period (see
     * {@link RiskModel#refreshMillis}); empty while its history has fewer than the minimum
     * returns (or too few for one scenario over the margin period of risk).
     */
    public Optional<UnderlyingStatistics> statistics(String underlying) {
        UnderlyingStatistics cached = statistics.get(underlying);
        if (cached != null) {
            return Optional.of(cached);
        }
        ReturnHistory latest = histories.get(underlying);
        if (latest == null || tooShort.contains(underlying)) {
            return Optional.empty();
        }
        // The statistics of the history as it stood at the last refresh: the same numbers however
        // the engine got here (live, replayed, or restored after a restart).
        ReturnHistory sampled = latest.asOf(refreshBucket(underlying, latest));
        MarginParameters own = parameters(underlying);
        int horizon = own.riskModel().marginPeriodIntervals(history.intervalMillis());
        if (sampled.returnCount() < Math.max(history.minReturns(), horizon + 1)) {
            tooShort.add(underlying); // until the next refresh
            return Optional.empty();
        }
        UnderlyingStatistics computed = UnderlyingStatistics.of(sampled, own);
        statistics.put(underlying, computed);
        return Optional.of(computed);
    }

    /** The interval at which the statistics of {@code underlying} were last refreshed. */
    private long refreshBucket(String underlying, ReturnHistory sampled) {
        long every = parameters(underlying).riskModel().refreshIntervals(history.intervalMillis());
        return Math.floorDiv(sampled.bucket(), every) * every;
    }

    /** The correlation of two underlyings' returns (1 for one with itself, 0 without statistics). */
    public double correlation(String a, String b) {
        if (a.equals(b)) {
            return 1.0;
        }
        Map<String, Double> row = correlations.computeIfAbsent(a, k -> new HashMap<>());
        Double cached = row.get(b);
        if (cached == null) {
            Optional<UnderlyingStatistics> x = statistics(a);
            Optional<UnderlyingStatistics> y = statistics(b);
            cached = x.isPresent() && y.isPresent() ? UnderlyingStatistics.correlation(x.get(), y.get()) : 0.0;
            row.put(b, cached);
        }
        return cached;
    }

    private void forgetStatistics(String underlying) {
        statistics.remove(underlying);
        tooShort.remove(underlying);
        correlations.remove(underlying);
        correlations.values().forEach(row -> row.remove(underlying));
        grids.remove(underlying);
        risks.values().removeIf(risk -> risk.spec().underlying().equals(underlying));
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

    /** Sets the spot index price of an underlying or collateral asset, e.g. BTC; its options' forwards move with it. */
    public void putIndexPrice(String index, double price) {
        requirePrice(index, price);
        indexPrices.put(index, price);
        forgetOptionRisks(index);
    }

    public OptionalDouble indexPrice(String index) {
        Double price = indexPrices.get(index);
        return price == null ? OptionalDouble.empty() : OptionalDouble.of(price);
    }

    /**
     * Sets the surface of its underlying, replacing the previous one.
     *
     * @param anchorIndex the underlying's index price when the surface arrived, if it had one:
     *        forwards move with the index from there
     */
    public void putSurface(VolSurface surface, OptionalDouble anchorIndex) {
        surfaces.put(surface.underlying(), surface);
        if (anchorIndex.isPresent()) {
            requirePrice("surface anchor of " + surface.underlying(), anchorIndex.getAsDouble());
            surfaceAnchors.put(surface.underlying(), anchorIndex.getAsDouble());
        } else {
            surfaceAnchors.remove(surface.underlying());
        }
        forgetOptionRisks(surface.underlying());
    }

    public Optional<VolSurface> surface(String underlying) {
        return Optional.ofNullable(surfaces.get(underlying));
    }

    /**
     * Moves the valuation time of {@code underlying}'s options to {@code millis}; never backwards,
     * so an entry stamped a little earlier than the last does not add time value back.
     *
     * @return whether the valuation time changed
     */
    public boolean advanceValuationTime(String underlying, long millis) {
        Long current = valuationTimes.get(underlying);
        if (current != null && current >= millis) {
            return false;
        }
        valuationTimes.put(underlying, millis);
        forgetOptionRisks(underlying);
        return true;
    }

    /** The active instruments on {@code underlying} that expire at or before {@code millis}, in id order. */
    public List<InstrumentSpec> expiredBy(String underlying, long millis) {
        List<InstrumentSpec> expired = new ArrayList<>();
        for (InstrumentSpec spec : instruments.values()) {
            if (spec.active() && spec.underlying().equals(underlying) && spec.expiredAt(millis)) {
                expired.add(spec);
            }
        }
        expired.sort(java.util.Comparator.comparing(InstrumentSpec::id));
        return expired;
    }

    /**
     * Why an option on {@code spec} cannot be valued yet (no index price or surface for its
     * forward, or no valuation time), or empty if it can. Futures and swaps can always be valued
     * once they have a mark.
     */
    public Optional<String> whyUnpriceable(InstrumentSpec spec) {
        if (spec.isLinear()) {
            return Optional.empty();
        }
        String underlying = spec.underlying();
        if (!indexPrices.containsKey(underlying) && !surfaces.containsKey(underlying)) {
            return Optional.of("option " + spec.id() + " cannot be valued: " + underlying
                    + " has neither an index price nor a volatility surface yet");
        }
        if (!valuationTimes.containsKey(underlying)) {
            return Optional.of("option " + spec.id() + " cannot be valued: " + underlying + " has no valuation time yet");
        }
        return Optional.empty();
    }

    public void putParameters(MarginParameters set) {
        parameters.put(set.underlying(), set);
        forgetStatistics(set.underlying());
    }

    /** The parameters of {@code underlying}: its own, or the defaults. */
    public MarginParameters parameters(String underlying) {
        MarginParameters own = parameters.get(underlying);
        return own != null ? own : defaultsByUnderlying.computeIfAbsent(underlying, defaults::forUnderlying);
    }

    public Optional<MarginParameters> ownParameters(String underlying) {
        return Optional.ofNullable(parameters.get(underlying));
    }

    /**
     * The underlying's scenarios: its parameters' grid, with the core range its statistics give
     * ({@link MarginParameters#scanRange}), or the parameters' fixed range while it has none.
     */
    public ScenarioGrid grid(String underlying) {
        ScenarioGrid grid = grids.get(underlying);
        if (grid == null) {
            MarginParameters own = parameters(underlying);
            Optional<UnderlyingStatistics> stats = statistics(underlying);
            grid = stats.isPresent() ? own.scenarioGrid(stats.get().scanRange()) : own.scenarioGrid();
            grids.put(underlying, grid);
        }
        return grid;
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
            if (spec == null || (mark == null && (spec.isLinear() || !surfaces.containsKey(spec.underlying())))) {
                throw new IllegalStateException("no " + (spec == null ? "definition" : "mark price")
                        + " for instrument " + instrument);
            }
            double[] fhsMoves = statistics(spec.underlying()).map(UnderlyingStatistics::fhsMoves).orElse(NO_SCENARIOS);
            risk = spec.isLinear() ? InstrumentRisk.linear(spec, mark, grid(spec.underlying()), fhsMoves)
                    : InstrumentRisk.option(spec, optionInputs(spec, mark), grid(spec.underlying()),
                            parameters(spec.underlying()).shortOptionMinimum(), fhsMoves);
            risks.put(instrument, risk);
        }
        return risk;
    }

    /** The forward, vol and time to expiry an option is valued with now (see the class comment). */
    private InstrumentRisk.OptionInputs optionInputs(InstrumentSpec spec, Double mark) {
        whyUnpriceable(spec).ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        String underlying = spec.underlying();
        long expiry = spec.expiryMillis().orElseThrow();
        double years = VolSurface.yearsBetween(valuationTimes.get(underlying), expiry);
        double strike = spec.option().orElseThrow().strike();
        VolSurface surface = surfaces.get(underlying);
        Double index = indexPrices.get(underlying);
        if (surface != null) {
            Double anchor = surfaceAnchors.get(underlying);
            double moved = anchor != null && index != null ? index / anchor : 1.0;
            return new InstrumentRisk.OptionInputs(surface.forward(expiry) * moved, surface.vol(strike / moved, expiry), years);
        }
        return new InstrumentRisk.OptionInputs(index, impliedVol(spec, index, years, mark), years);
    }

    /**
     * The vol at which the option's mark is its Black-76 value. A mark at or below intrinsic
     * value (or at the price bound) implies no vol; it is then valued at
     * {@link #VOL_AT_INTRINSIC} (intrinsic value to the cent) or at the bisection's top,
     * 10.0, respectively.
     */
    private static double impliedVol(InstrumentSpec spec, double forward, double years, double mark) {
        InstrumentSpec.OptionTerms terms = spec.option().orElseThrow();
        OptionalDouble implied = Black76.impliedVol(terms.type(), forward, terms.strike(), years, mark, 0.0);
        if (implied.isPresent()) {
            return implied.getAsDouble();
        }
        double intrinsic = spec.finalValue(forward);
        return mark <= intrinsic ? VOL_AT_INTRINSIC : MAX_IMPLIED_VOL;
    }

    private void forgetOptionRisks(String underlying) {
        risks.values().removeIf(risk -> !risk.spec().isLinear() && risk.spec().underlying().equals(underlying));
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
