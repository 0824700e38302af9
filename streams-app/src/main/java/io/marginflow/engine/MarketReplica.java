package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.Market;
import io.marginflow.risk.PriceGuard.Quote;
import io.marginflow.risk.stats.ReturnHistory;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.VolSurface;
import io.marginflow.translation.EngineTypes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * One engine task's replica of market state, built from the market entries every journal
 * partition receives: instruments, marks and index prices, each underlying's valuation time and
 * the index price its surface arrived at, surfaces, parameters and return histories. The stores
 * hold the only copy; the {@link Market} in memory is derived from them and rebuilt by
 * {@link #restore}, at start and after an entry that failed.
 *
 * <p>The prices store holds the kinds of key known only here ({@link PriceKey}): an
 * instrument's {@code MARK:}, an index's {@code INDEX:}, an underlying's valuation time
 * {@code CLOCK:} (epoch millis, stored as a double) and its surface anchor {@code ANCHOR:}; for the
 * price guard ({@link GuardedPrices}), the stream time of each applied mark and index
 * ({@code MARK_TIME:}, {@code INDEX_TIME:}) and the price held for confirmation and its time
 * ({@code HELD_MARK:}, {@code HELD_MARK_TIME:}, {@code HELD_INDEX:}, {@code HELD_INDEX_TIME:}), and
 * {@code MARK_OFF_INDEX:} (1) while a perpetual's applied mark lies beyond the guard's range of its index,
 * and {@code MARK_BASIS:}, a dated future's ln(mark / index) at its last applied mark.
 */
final class MarketReplica {

    /** The kinds of key in the prices store. */
    private enum PriceKey {
        MARK, INDEX, CLOCK, ANCHOR, MARK_TIME, INDEX_TIME, HELD_MARK, HELD_MARK_TIME, HELD_INDEX, HELD_INDEX_TIME,
        MARK_OFF_INDEX, MARK_BASIS;

        static PriceKey applied(PriceKind kind) {
            return kind == PriceKind.INDEX ? INDEX : MARK;
        }

        static PriceKey appliedTime(PriceKind kind) {
            return kind == PriceKind.INDEX ? INDEX_TIME : MARK_TIME;
        }

        static PriceKey held(PriceKind kind) {
            return kind == PriceKind.INDEX ? HELD_INDEX : HELD_MARK;
        }

        static PriceKey heldTime(PriceKind kind) {
            return kind == PriceKind.INDEX ? HELD_INDEX_TIME : HELD_MARK_TIME;
        }

        String of(String id) {
            return name() + ":" + id;
        }

        static PriceKey kindOf(String key) {
            return valueOf(key.substring(0, key.indexOf(':')));
        }

        static String idOf(String key) {
            return key.substring(key.indexOf(':') + 1);
        }
    }

    private final EngineSettings settings;
    private final UnitOfWork.Staged<Instrument> instruments;
    private final UnitOfWork.Staged<Double> prices;
    private final UnitOfWork.Staged<RiskParameters> parameters;
    private final UnitOfWork.Staged<VolSurface> surfaces;
    private final UnitOfWork.Staged<ReturnHistory> histories;
    private Market market;

    MarketReplica(UnitOfWork unit, EngineSettings settings) {
        this.settings = settings;
        instruments = unit.store(MarginEngineTopology.INSTRUMENTS);
        prices = unit.store(MarginEngineTopology.PRICES);
        parameters = unit.store(MarginEngineTopology.PARAMETERS);
        surfaces = unit.store(MarginEngineTopology.SURFACES);
        histories = unit.store(MarginEngineTopology.RETURN_HISTORIES);
    }

    /** The market as the applied entries left it. */
    Market market() {
        return market;
    }

    /** Whether an instrument written on {@code underlying} is (or was) listed: read from the instruments store. */
    boolean lists(String underlying) {
        try (KeyValueIterator<String, Instrument> all = instruments.all()) {
            while (all.hasNext()) {
                if (all.next().value.getUnderlying().equals(underlying)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Builds the market from the stores, as at a restart. */
    void restore() {
        market = restored(settings, new Source(instruments::all, parameters::all, prices::all, histories::all, surfaces::all));
    }

    /** Every entry of each market store. */
    record Source(Supplier<KeyValueIterator<String, Instrument>> instruments,
                  Supplier<KeyValueIterator<String, RiskParameters>> parameters,
                  Supplier<KeyValueIterator<String, Double>> prices,
                  Supplier<KeyValueIterator<String, ReturnHistory>> histories,
                  Supplier<KeyValueIterator<String, VolSurface>> surfaces) {}

    /** The market that {@code stores} hold: the one place that reads them back. */
    static Market restored(EngineSettings settings, Source stores) {
        Market market = new Market(settings.defaultParameters(), settings.cashAssets(), settings.history());
        try (KeyValueIterator<String, Instrument> all = stores.instruments().get()) {
            all.forEachRemaining(entry -> market.putInstrument(EngineTypes.instrumentSpec(entry.value)));
        }
        try (KeyValueIterator<String, RiskParameters> all = stores.parameters().get()) {
            all.forEachRemaining(entry -> market.putParameters(EngineTypes.marginParameters(entry.value)));
        }
        Map<String, Double> anchors = new HashMap<>();
        try (KeyValueIterator<String, Double> all = stores.prices().get()) {
            all.forEachRemaining(entry -> {
                String id = PriceKey.idOf(entry.key);
                switch (PriceKey.kindOf(entry.key)) {
                    case ANCHOR -> anchors.put(id, entry.value);
                    case CLOCK -> market.advanceValuationTime(id, entry.value.longValue());
                    case INDEX -> market.putIndexPrice(id, entry.value);
                    case MARK -> market.putMark(id, entry.value);
                    // the price guard's, read from the store when a price is judged
                    case MARK_TIME, INDEX_TIME, HELD_MARK, HELD_MARK_TIME, HELD_INDEX, HELD_INDEX_TIME, MARK_OFF_INDEX, MARK_BASIS -> { }
                }
            });
        }
        try (KeyValueIterator<String, ReturnHistory> all = stores.histories().get()) {
            all.forEachRemaining(entry -> market.putHistory(entry.key, entry.value));
        }
        try (KeyValueIterator<String, VolSurface> all = stores.surfaces().get()) {
            all.forEachRemaining(entry -> {
                Double anchor = anchors.get(entry.key);
                market.putSurface(EngineTypes.volSurface(entry.value),
                        anchor == null ? OptionalDouble.empty() : OptionalDouble.of(anchor));
            });
        }
        return market;
    }

    /** Lists an instrument, or a known one's new state. */
    void putInstrument(Instrument definition, InstrumentSpec spec) {
        instruments.put(spec.id(), definition);
        market.putInstrument(spec);
    }

    /** An instrument that has been settled: no longer tradeable. */
    void expire(InstrumentSpec spec) {
        instruments.put(spec.id(), Instrument.newBuilder(instruments.get(spec.id())).setState(InstrumentState.EXPIRED).build());
        market.putInstrument(spec.expired());
    }

    void putParameters(RiskParameters set) {
        parameters.put(set.getUnderlying(), set);
        market.putParameters(EngineTypes.marginParameters(set));
    }

    /** Until a mark is published, an instrument's first traded price values it. */
    void markIfUnmarked(String instrument, double price) {
        if (market.mark(instrument).isEmpty()) {
            prices.put(PriceKey.MARK.of(instrument), price);
            market.putMarkIfAbsent(instrument, price);
        }
    }

    /**
     * A mark (a settlement price before expiry counts as one) or an index price, and the stream time
     * it came at; an index price also moves its underlying's valuation time and is sampled into its
     * return history.
     */
    void putPrice(PriceUpdate price, long eventTime) {
        String id = price.getInstrument();
        prices.put(PriceKey.appliedTime(price.getKind()).of(id), (double) eventTime);
        if (price.getKind() == PriceKind.INDEX) {
            prices.put(PriceKey.INDEX.of(id), price.getPrice());
            market.putIndexPrice(id, price.getPrice());
            advanceValuationTime(id, eventTime);
            market.recordIndexPrice(id, eventTime, price.getPrice()).ifPresent(history -> histories.put(id, history));
        } else {
            prices.put(PriceKey.MARK.of(id), price.getPrice());
            market.putMark(id, price.getPrice());
        }
    }

    /** The last applied mark or index price of {@code id} ({@code kind} MARK or INDEX) and its time, if both are known. */
    Optional<Quote> applied(PriceKind kind, String id) {
        Double price = prices.get(PriceKey.applied(kind).of(id));
        Double millis = prices.get(PriceKey.appliedTime(kind).of(id));
        return price == null || millis == null ? Optional.empty() : Optional.of(new Quote(price, millis.longValue()));
    }

    /** The mark or index price of {@code id} held for confirmation, if there is one. */
    Optional<Quote> held(PriceKind kind, String id) {
        Double price = prices.get(PriceKey.held(kind).of(id));
        Double millis = prices.get(PriceKey.heldTime(kind).of(id));
        return price == null || millis == null ? Optional.empty() : Optional.of(new Quote(price, millis.longValue()));
    }

    /** Holds {@code quote} as the price of {@code id} awaiting confirmation, in place of any held before. */
    void hold(PriceKind kind, String id, Quote quote) {
        prices.put(PriceKey.held(kind).of(id), quote.price());
        prices.put(PriceKey.heldTime(kind).of(id), (double) quote.millis());
    }

    /** Whether the applied mark of perpetual {@code id} lay beyond the guard's range of its index. */
    boolean markOffIndex(String id) {
        return prices.get(PriceKey.MARK_OFF_INDEX.of(id)) != null;
    }

    /** Keeps whether the mark of perpetual {@code id} being applied lies beyond the guard's range of its index. */
    void markOffIndex(String id, boolean off) {
        if (off) {
            prices.put(PriceKey.MARK_OFF_INDEX.of(id), 1.0);
        } else if (markOffIndex(id)) {
            prices.delete(PriceKey.MARK_OFF_INDEX.of(id));
        }
    }

    /** Dated future {@code id}'s ln(mark / index) at its last applied mark, if an index was known then. */
    Optional<Double> markBasis(String id) {
        return Optional.ofNullable(prices.get(PriceKey.MARK_BASIS.of(id)));
    }

    /** Keeps dated future {@code id}'s ln(mark / index) at the mark being applied. */
    void markBasis(String id, double basis) {
        prices.put(PriceKey.MARK_BASIS.of(id), basis);
    }

    /** Drops the price of {@code id} held for confirmation. */
    void release(PriceKind kind, String id) {
        prices.delete(PriceKey.held(kind).of(id));
        prices.delete(PriceKey.heldTime(kind).of(id));
    }

    /**
     * A surface replaces the previous one of its underlying; forwards move with the index from
     * the index price it arrives at, and it moves the underlying's valuation time.
     */
    void putSurface(VolSurface record, io.marginflow.risk.options.VolSurface surface, long eventTime) {
        String underlying = record.getUnderlying();
        surfaces.put(underlying, record);
        OptionalDouble anchor = market.indexPrice(underlying);
        if (anchor.isPresent()) {
            prices.put(PriceKey.ANCHOR.of(underlying), anchor.getAsDouble());
        } else {
            prices.delete(PriceKey.ANCHOR.of(underlying));
        }
        market.putSurface(surface, anchor);
        advanceValuationTime(underlying, eventTime);
    }

    private void advanceValuationTime(String underlying, long eventTime) {
        if (market.advanceValuationTime(underlying, eventTime)) {
            prices.put(PriceKey.CLOCK.of(underlying), (double) eventTime);
        }
    }
}
