package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.errors.Failures;
import io.marginflow.errors.OutputTooLargeException;
import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.stats.ReturnHistory;
import io.marginflow.schema.Cause;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.VolSurface;
import io.marginflow.translation.DeadLetters;
import io.marginflow.translation.EngineTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedSet;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The margin engine of one journal partition: a deterministic state machine over the journal.
 * Each entry updates state, then the accounts it affects are recomputed: one account for a fill
 * or collateral movement; every local account exposed to the underlying for a price, instrument
 * or parameter change. Results, margin calls, liquidation signals and engine-stage rejections are
 * forwarded to their sinks, each stamped with the entry that caused it.
 *
 * <p>Checks that need state are made here, in journal order, so that a replay decides them the
 * same way: unknown or expired instruments, options that cannot be valued yet, duplicate fill and
 * movement ids, stale parameters.
 *
 * <p>Index prices are also sampled into each underlying's return history (one close per
 * {@code engine.history.interval.ms} of event time), stored per underlying; the statistical
 * layer (VaR/ES, offsets, dynamic scan ranges, anti-procyclicality) works on it.
 *
 * <p>The prices store holds, besides marks and index prices, two derived figures per underlying
 * that option valuation needs and that must survive a restart: its valuation time
 * ({@code CLOCK:BTC}, the event time of its latest index price or surface, in epoch millis) and
 * its index price when its surface arrived ({@code ANCHOR:BTC}).
 *
 * <p>The in-memory {@link Market} and account cache are derived from the stores and rebuilt in
 * {@link #init}; the stores hold the only copy of everything.
 *
 * <p>Nothing an entry contains can stop the engine. Each entry is one {@link UnitOfWork}: its
 * state writes and outputs are held until it is done, and an exception while applying it (an
 * amount beyond what the contract carries, an output too large to publish, or a bug) drops them
 * all, rebuilds the in-memory state from the stores, and dead-letters the entry instead
 * ({@link Failures}), so the entry changes nothing, on every replay alike. A market entry
 * then recomputes each exposed account as a unit of its own: an account that fails keeps its
 * previous state and is dead-lettered under its own key, and the others are margined. Only
 * outages (state store, broker, schema registry) fail the task, to be retried.
 */
final class MarginEngineProcessor implements Processor<String, JournalEntry, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(MarginEngineProcessor.class);
    private static final char SEPARATOR = '\u0000';
    private static final String CLOCK = "CLOCK:";
    private static final String ANCHOR = "ANCHOR:";

    private final EngineSettings settings;
    private final DeadLetters deadLetters;
    private final ToLongFunction<String> maxOutputBytes;
    private final MarginCalculator calculator = new MarginCalculator();
    private ProcessorContext<String, SpecificRecord> context;
    private UnitOfWork unit;
    private Market market;
    private UnitOfWork.Staged<AccountRecord> accounts;
    private UnitOfWork.Staged<Instrument> instruments;
    private UnitOfWork.Staged<Double> prices;
    private UnitOfWork.Staged<RiskParameters> parameters;
    private UnitOfWork.Staged<VolSurface> surfaces;
    private UnitOfWork.Staged<byte[]> exposures;
    private UnitOfWork.Staged<Long> seenIds;
    private UnitOfWork.Staged<ReturnHistory> histories;
    private Map<String, CachedAccount> cache;

    /** A decoded account and its risk view, derived from the store. */
    private record CachedAccount(AccountRecord record, AccountRiskView view) {}

    /** The journal entry being processed: the cause every output names, and its event time. */
    private record Trigger(Cause cause, long timestamp) {}

    /**
     * What an applied entry leaves to do, account by account, each account its own unit of work:
     * the exposed accounts, in account order, and what to do with each.
     */
    private record FanOut(List<String> accounts, Consumer<String> perAccount) {
        static final FanOut NONE = new FanOut(List.of(), account -> { });
    }

    /**
     * @param maxOutputBytes the largest output record (key and value bytes) each output sink's
     *        topic takes ({@link io.marginflow.errors.OutputLimits})
     */
    MarginEngineProcessor(EngineSettings settings, DeadLetters deadLetters, ToLongFunction<String> maxOutputBytes) {
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.maxOutputBytes = maxOutputBytes;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        unit = new UnitOfWork(context);
        accounts = unit.store(MarginEngineTopology.ACCOUNTS);
        instruments = unit.store(MarginEngineTopology.INSTRUMENTS);
        prices = unit.store(MarginEngineTopology.PRICES);
        parameters = unit.store(MarginEngineTopology.PARAMETERS);
        surfaces = unit.store(MarginEngineTopology.SURFACES);
        exposures = unit.store(MarginEngineTopology.EXPOSURES);
        seenIds = unit.store(MarginEngineTopology.SEEN_IDS);
        histories = unit.store(MarginEngineTopology.RETURN_HISTORIES);
        int capacity = settings.accountCacheSize();
        cache = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CachedAccount> eldest) {
                return size() > capacity;
            }
        };
        restoreMarket();
    }

    /** Builds the in-memory market replica from the stores, as at a restart. */
    private void restoreMarket() {
        market = new Market(settings.defaultParameters(), settings.cashAssets(), settings.history());
        try (KeyValueIterator<String, Instrument> all = instruments.all()) {
            all.forEachRemaining(entry -> market.putInstrument(EngineTypes.instrumentSpec(entry.value)));
        }
        try (KeyValueIterator<String, RiskParameters> all = parameters.all()) {
            all.forEachRemaining(entry -> market.putParameters(EngineTypes.marginParameters(entry.value)));
        }
        Map<String, Double> anchors = new HashMap<>();
        try (KeyValueIterator<String, Double> all = prices.all()) {
            all.forEachRemaining(entry -> {
                if (entry.key.startsWith(ANCHOR)) {
                    anchors.put(entry.key.substring(ANCHOR.length()), entry.value);
                } else {
                    applyPrice(entry.key, entry.value);
                }
            });
        }
        try (KeyValueIterator<String, ReturnHistory> all = histories.all()) {
            all.forEachRemaining(entry -> market.putHistory(entry.key, entry.value));
        }
        try (KeyValueIterator<String, VolSurface> all = surfaces.all()) {
            all.forEachRemaining(entry -> {
                Double anchor = anchors.get(entry.key);
                market.putSurface(EngineTypes.volSurface(entry.value),
                        anchor == null ? OptionalDouble.empty() : OptionalDouble.of(anchor));
            });
        }
    }

    @Override
    public void process(Record<String, JournalEntry> record) {
        JournalEntry entry = record.value();
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        Trigger cause = new Trigger(Cause.newBuilder()
                .setJournalPartition(metadata.partition())
                .setJournalOffset(metadata.offset())
                .setSource(entry.getSource())
                .setEventTime(entry.getEventTime())
                .build(), entry.getEventTime().toEpochMilli());
        Optional<FanOut> applied = unit.attempt(() -> apply(record.key(), entry.getPayload(), cause), failure -> {
            deadLetter(failure, record.key(), cause, "the entry changed nothing");
            cache.clear();
            restoreMarket();
        });
        FanOut fanOut = applied.orElse(FanOut.NONE);
        for (String account : fanOut.accounts()) {
            unit.attempt(() -> {
                fanOut.perAccount().accept(account);
                return account;
            }, failure -> {
                deadLetter(failure, account, cause, "account " + account + " keeps its state from before this entry");
                cache.remove(account);
            });
        }
    }

    /** Applies an entry's state changes; an account event also recomputes its account. */
    private FanOut apply(String key, Object payload, Trigger cause) {
        if (payload instanceof Fill fill) {
            onFill(key, fill, cause);
            return FanOut.NONE;
        }
        if (payload instanceof CollateralMovement movement) {
            onCollateral(key, movement, cause);
            return FanOut.NONE;
        }
        if (payload instanceof PriceUpdate price) {
            return onPrice(price, cause);
        }
        if (payload instanceof Instrument instrument) {
            return onInstrument(instrument, cause);
        }
        if (payload instanceof RiskParameters set) {
            return onParameters(set, cause);
        }
        if (payload instanceof VolSurface surface) {
            return onSurface(surface, cause);
        }
        throw new IllegalStateException("unknown journal payload " + payload.getClass().getName());
    }

    /** Dead-letters the entry under {@code key}: a unit of it failed, and {@code consequence} is what that left. */
    private void deadLetter(RuntimeException e, String key, Trigger cause, String consequence) {
        String errorClass = Failures.errorClass(e);
        String reason = Failures.describe(e) + "; " + consequence;
        LOG.error("journal partition {} offset {}: {} for {}: {}", cause.cause().getJournalPartition(),
                cause.cause().getJournalOffset(), errorClass, key, reason);
        context.forward(new Record<String, SpecificRecord>(DeadLetters.key(key, null),
                deadLetters.engine(cause.cause(), key, errorClass, reason), cause.timestamp()),
                MarginEngineTopology.DEAD_LETTERS_SINK);
    }

    private void onFill(String account, Fill fill, Trigger cause) {
        Optional<InstrumentSpec> spec = market.instrument(fill.getInstrument());
        if (spec.isEmpty()) {
            reject(account, cause, "UNKNOWN_INSTRUMENT", "fill " + fill.getFillId() + " is for instrument "
                    + fill.getInstrument() + ", which " + MarginEngineTopology.INSTRUMENTS + " does not define");
            return;
        }
        if (!spec.get().active()) {
            reject(account, cause, "EXPIRED_INSTRUMENT", "fill " + fill.getFillId() + " is for instrument "
                    + fill.getInstrument() + ", which has expired");
            return;
        }
        Optional<String> unpriceable = market.whyUnpriceable(spec.get());
        if (unpriceable.isPresent()) {
            reject(account, cause, "UNPRICED_UNDERLYING", "fill " + fill.getFillId() + ": " + unpriceable.get()
                    + "; publish the underlying's index price (or surface) before its options trade");
            return;
        }
        if (alreadySeen("F:" + fill.getFillId(), account, cause, "DUPLICATE_FILL")) {
            return;
        }
        if (market.mark(fill.getInstrument()).isEmpty()) {
            // Until a mark is published, the first traded price values the instrument.
            prices.put(priceKey(PriceKind.MARK, fill.getInstrument()), fill.getPrice());
            market.putMarkIfAbsent(fill.getInstrument(), fill.getPrice());
        }
        AccountRecord before = load(account).record();
        Portfolio portfolio = before.portfolio().withFill(spec.get(), fill.getQuantity(), fill.getPrice(),
                fill.getFee(), fill.getFeeAsset());
        saveLedger(account, before, portfolio);
        recompute(account, cause);
    }

    private void onCollateral(String account, CollateralMovement movement, Trigger cause) {
        if (alreadySeen("M:" + movement.getMovementId(), account, cause, "DUPLICATE_MOVEMENT")) {
            return;
        }
        AccountRecord before = load(account).record();
        saveLedger(account, before, before.portfolio().withMovement(movement.getAsset(), movement.getAmount()));
        recompute(account, cause);
    }

    private FanOut onPrice(PriceUpdate price, Trigger cause) {
        if (price.getKind() == PriceKind.SETTLEMENT) {
            Optional<FanOut> settlement = settleExpired(price, cause);
            if (settlement.isPresent()) {
                return settlement.get();
            }
        }
        String key = priceKey(price.getKind(), price.getInstrument());
        prices.put(key, price.getPrice());
        applyPrice(key, price.getPrice());
        if (price.getKind() == PriceKind.INDEX) {
            advanceValuationTime(price.getInstrument(), cause);
            market.recordIndexPrice(price.getInstrument(), cause.timestamp(), price.getPrice())
                    .ifPresent(history -> histories.put(price.getInstrument(), history));
        }
        return recomputeExposed(market.underlyingOf(price.getInstrument()), cause);
    }

    /**
     * A surface replaces the previous one of its underlying; forwards move with the index from
     * the index price it arrives at. The sequencer has refused malformed and arbitrageable ones.
     */
    private FanOut onSurface(VolSurface record, Trigger cause) {
        String underlying = record.getUnderlying();
        io.marginflow.risk.options.VolSurface surface;
        try {
            surface = EngineTypes.volSurface(record);
        } catch (IllegalArgumentException e) {
            reject(underlying, cause, "INVALID_SURFACE", e.getMessage());
            return FanOut.NONE;
        }
        surfaces.put(underlying, record);
        OptionalDouble anchor = market.indexPrice(underlying);
        if (anchor.isPresent()) {
            prices.put(ANCHOR + underlying, anchor.getAsDouble());
        } else {
            prices.delete(ANCHOR + underlying);
        }
        market.putSurface(surface, anchor);
        advanceValuationTime(underlying, cause);
        return recomputeExposed(underlying, cause);
    }

    private void advanceValuationTime(String underlying, Trigger cause) {
        if (market.advanceValuationTime(underlying, cause.timestamp())) {
            prices.put(CLOCK + underlying, (double) cause.timestamp());
        }
    }

    /**
     * Final settlement: a SETTLEMENT price at or after expiry is the underlying's delivery price.
     * Keyed by an instrument it settles that instrument; keyed by an underlying, every active
     * instrument of it that has expired. Each position closes at the instrument's final value
     * (futures at the price, options at intrinsic value), the P&L is realised, the position leaves
     * the portfolio and the instrument becomes EXPIRED.
     *
     * @return each exposed account's settlement, or empty if there is nothing to settle and the price is a mark
     */
    private Optional<FanOut> settleExpired(PriceUpdate price, Trigger cause) {
        String id = price.getInstrument();
        Optional<InstrumentSpec> instrument = market.instrument(id);
        List<InstrumentSpec> expiring;
        String underlying;
        if (instrument.isPresent()) {
            if (!instrument.get().expiredAt(cause.timestamp())) {
                return Optional.empty();
            }
            if (!instrument.get().active()) {
                reject(id, cause, "ALREADY_SETTLED", id + " was settled before; a second settlement price is ignored");
                return Optional.of(FanOut.NONE);
            }
            expiring = List.of(instrument.get());
            underlying = instrument.get().underlying();
        } else {
            expiring = market.expiredBy(id, cause.timestamp());
            if (expiring.isEmpty()) {
                return Optional.empty();
            }
            underlying = id;
        }
        for (InstrumentSpec spec : expiring) {
            Instrument definition = Instrument.newBuilder(instruments.get(spec.id()))
                    .setState(InstrumentState.EXPIRED).build();
            instruments.put(spec.id(), definition);
            market.putInstrument(spec.expired());
        }
        return Optional.of(new FanOut(exposedAccounts(underlying), account -> {
            AccountRecord before = load(account).record();
            Portfolio portfolio = before.portfolio();
            for (InstrumentSpec spec : expiring) {
                portfolio = portfolio.withSettlement(spec, spec.finalValue(price.getPrice()));
            }
            if (portfolio != before.portfolio()) {
                saveLedger(account, before, portfolio);
                recompute(account, cause);
            }
        }));
    }

    /**
     * A new instrument, or a known one again: only its state may change (ACTIVE to EXPIRED), never
     * its terms, and an expired instrument is not listed again; positions are built on its terms.
     */
    private FanOut onInstrument(Instrument instrument, Trigger cause) {
        String id = instrument.getInstrumentId();
        InstrumentSpec spec = EngineTypes.instrumentSpec(instrument);
        Optional<InstrumentSpec> known = market.instrument(id);
        if (known.isPresent() && !known.get().sameTerms(spec)) {
            reject(id, cause, "INSTRUMENT_REDEFINED", "the terms of " + id + " cannot change once it is listed ("
                    + known.get() + " is now defined as " + spec + "); list the new terms under a new instrument id");
            return FanOut.NONE;
        }
        if (known.isPresent() && !known.get().active() && spec.active()) {
            reject(id, cause, "INSTRUMENT_REDEFINED", id + " has expired and cannot be listed again");
            return FanOut.NONE;
        }
        instruments.put(id, instrument);
        market.putInstrument(spec);
        return recomputeExposed(instrument.getUnderlying(), cause);
    }

    private FanOut onParameters(RiskParameters set, Trigger cause) {
        Optional<MarginParameters> current = market.ownParameters(set.getUnderlying());
        if (current.isPresent() && current.get().version() >= set.getVersion()) {
            reject(set.getUnderlying(), cause, "STALE_PARAMETERS", "parameters of " + set.getUnderlying()
                    + " version " + set.getVersion() + " are not newer than version " + current.get().version());
            return FanOut.NONE;
        }
        parameters.put(set.getUnderlying(), set);
        market.putParameters(EngineTypes.marginParameters(set));
        // An underlying's parameters may carry the haircut of its collateral asset of the same name.
        return recomputeExposed(set.getUnderlying(), cause);
    }

    private FanOut recomputeExposed(String underlying, Trigger cause) {
        return new FanOut(exposedAccounts(underlying), account -> recompute(account, cause));
    }

    /** The local accounts exposed to {@code underlying}, in account order. */
    private List<String> exposedAccounts(String underlying) {
        List<String> exposed = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> keys = exposures.prefixScan(underlying + SEPARATOR)) {
            keys.forEachRemaining(entry -> exposed.add(entry.key.substring(underlying.length() + 1)));
        }
        return exposed;
    }

    private void recompute(String account, Trigger cause) {
        CachedAccount cached = load(account);
        AccountRecord before = cached.record();
        AccountMargin margin = calculator.margin(cached.view(), market);
        MarginStatus status = margin.status();
        boolean statusChanged = status != before.status();
        boolean moved = !before.published()
                || settings.movedBeyondTolerance(before.publishedEquity(), margin.equity())
                || settings.movedBeyondTolerance(before.publishedInitialMargin(), margin.initialMargin())
                || settings.movedBeyondTolerance(before.publishedMaintenanceMargin(), margin.maintenanceMargin());
        if (!statusChanged && !moved) {
            return;
        }
        Outputs out = new Outputs(account, before, cause);
        out.result(margin);
        if (statusChanged) {
            transitions(out, before.status(), status, margin);
        }
        AccountRecord after = new AccountRecord(before.portfolio(), status, out.sequence, out.hashHead, true,
                margin.equity(), margin.initialMargin(), margin.maintenanceMargin(), out.openCallId,
                out.liquidationId, out.callCount, out.liquidationCount);
        store(account, after, cached.view());
    }

    /** The margin-call and liquidation events of a status change, in the order they happen. */
    private void transitions(Outputs out, MarginStatus from, MarginStatus to, AccountMargin margin) {
        if (from == MarginStatus.MARGIN_CALL) {
            out.call(to == MarginStatus.NORMAL ? MarginCallTransition.MET : MarginCallTransition.ESCALATED, margin);
        }
        if (from == MarginStatus.LIQUIDATION) {
            out.liquidation(LiquidationTransition.ENDED, margin);
        }
        if (to == MarginStatus.MARGIN_CALL) {
            out.call(MarginCallTransition.ISSUED, margin);
        }
        if (to == MarginStatus.LIQUIDATION) {
            out.liquidation(LiquidationTransition.STARTED, margin);
        }
    }

    /** Builds an account's outputs for one entry, extending its hash chain. */
    private final class Outputs {
        final String account;
        final Trigger cause;
        long sequence;
        String hashHead;
        String openCallId;
        String liquidationId;
        int callCount;
        int liquidationCount;

        Outputs(String account, AccountRecord before, Trigger cause) {
            this.account = account;
            this.cause = cause;
            this.sequence = before.sequence();
            this.hashHead = before.hashHead();
            this.openCallId = before.openCallId();
            this.liquidationId = before.liquidationId();
            this.callCount = before.callCount();
            this.liquidationCount = before.liquidationCount();
        }

        void result(AccountMargin margin) {
            emit(MarginResult.newBuilder()
                    .setAccount(account).setSequence(++sequence).setCause(cause.cause())
                    .setEquity(EngineTypes.money(margin.equity()))
                    .setInitialMargin(EngineTypes.money(margin.initialMargin()))
                    .setMaintenanceMargin(EngineTypes.money(margin.maintenanceMargin()))
                    .setExcess(EngineTypes.money(margin.excess()))
                    .setStatus(EngineTypes.status(margin.status()))
                    .setScenarioMargin(margin.scenarioMargin())
                    .setValueAtRisk(margin.valueAtRisk())
                    .setExpectedShortfall(margin.expectedShortfall())
                    .setAddOns(margin.addOns())
                    .setBindingComponent(EngineTypes.component(margin.binding()))
                    .setUnderlyings(EngineTypes.breakdown(margin))
                    .setPreviousHash(hashHead).setHash("")
                    .build(), MarginEngineTopology.MARGIN_SINK);
        }

        void call(MarginCallTransition transition, AccountMargin margin) {
            Instant deadline = null;
            if (transition == MarginCallTransition.ISSUED) {
                openCallId = account + "-CALL-" + (++callCount);
                long grace = maxGraceMillis();
                deadline = Instant.ofEpochMilli(cause.timestamp() + grace);
            }
            double shortfall = transition == MarginCallTransition.MET ? 0.0 : Math.max(0.0, -margin.excess());
            emit(MarginCallEvent.newBuilder()
                    .setCallId(openCallId).setAccount(account).setSequence(++sequence).setCause(cause.cause())
                    .setTransition(transition)
                    .setShortfall(EngineTypes.money(shortfall))
                    .setEquity(EngineTypes.money(margin.equity()))
                    .setInitialMargin(EngineTypes.money(margin.initialMargin()))
                    .setMaintenanceMargin(EngineTypes.money(margin.maintenanceMargin()))
                    .setDeadline(deadline)
                    .setPreviousHash(hashHead).setHash("")
                    .build(), MarginEngineTopology.MARGIN_CALLS_SINK);
            if (transition != MarginCallTransition.ISSUED) {
                openCallId = "";
            }
        }

        void liquidation(LiquidationTransition transition, AccountMargin margin) {
            if (transition == LiquidationTransition.STARTED) {
                liquidationId = account + "-LIQ-" + (++liquidationCount);
            }
            emit(LiquidationSignal.newBuilder()
                    .setSignalId(liquidationId).setAccount(account).setSequence(++sequence).setCause(cause.cause())
                    .setTransition(transition)
                    .setEquity(EngineTypes.money(margin.equity()))
                    .setInitialMargin(EngineTypes.money(margin.initialMargin()))
                    .setMaintenanceMargin(EngineTypes.money(margin.maintenanceMargin()))
                    .setPreviousHash(hashHead).setHash("")
                    .build(), MarginEngineTopology.LIQUIDATIONS_SINK);
            if (transition == LiquidationTransition.ENDED) {
                liquidationId = "";
            }
        }

        private void emit(SpecificRecord output, String sink) {
            OutputChain.Sealed sealed = OutputChain.seal(output);
            long size = sealed.recordBytes(account);
            long limit = maxOutputBytes.applyAsLong(sink);
            if (size > limit) {
                throw new OutputTooLargeException(output.getSchema().getName() + " of " + account + " would be " + size
                        + " bytes, more than its topic takes (" + limit + " bytes: engine.max-output-bytes, or less if"
                        + " the topic's max.message.bytes or the producer's max.request.size is lower)");
            }
            hashHead = sealed.hash();
            unit.forward(new Record<>(account, output, cause.timestamp()), sink);
        }

        /** The grace period: the longest of the account's underlyings' (the defaults when it has none). */
        private long maxGraceMillis() {
            long grace = settings.defaultCallGracePeriodMillis();
            CachedAccount cached = cache.get(account);
            if (cached != null) {
                for (String exposure : cached.view().exposures(settings.cashAssets())) {
                    grace = Math.max(grace, market.parameters(exposure).callGracePeriodMillis());
                }
            }
            return grace;
        }
    }

    private boolean alreadySeen(String id, String key, Trigger cause, String errorClass) {
        Long first = seenIds.get(id);
        if (first != null) {
            reject(key, cause, errorClass, id.substring(2) + " was already applied from journal offset " + first
                    + "; a re-published duplicate does not change the account");
            return true;
        }
        seenIds.put(id, cause.cause().getJournalOffset());
        return false;
    }

    private void reject(String key, Trigger cause, String errorClass, String reason) {
        unit.forward(new Record<String, SpecificRecord>(DeadLetters.key(key, null),
                deadLetters.engine(cause.cause(), key, errorClass, reason), cause.timestamp()),
                MarginEngineTopology.DEAD_LETTERS_SINK);
    }

    private CachedAccount load(String account) {
        CachedAccount cached = cache.get(account);
        if (cached == null) {
            AccountRecord record = accounts.get(account);
            record = record == null ? AccountRecord.NEW : record;
            cached = new CachedAccount(record, AccountRiskView.of(record.portfolio(), market));
            cache.put(account, cached);
        }
        return cached;
    }

    /** Stores a changed ledger and keeps the exposure index in step with it. */
    private void saveLedger(String account, AccountRecord before, Portfolio portfolio) {
        AccountRiskView oldView = load(account).view();
        AccountRiskView newView = AccountRiskView.of(portfolio, market);
        SortedSet<String> oldExposures = oldView.exposures(settings.cashAssets());
        SortedSet<String> newExposures = newView.exposures(settings.cashAssets());
        for (String gone : oldExposures) {
            if (!newExposures.contains(gone)) {
                exposures.delete(gone + SEPARATOR + account);
            }
        }
        for (String exposure : newExposures) {
            if (!oldExposures.contains(exposure)) {
                exposures.put(exposure + SEPARATOR + account, new byte[0]);
            }
        }
        store(account, before.withPortfolio(portfolio), newView);
    }

    private void store(String account, AccountRecord record, AccountRiskView view) {
        accounts.put(account, record);
        cache.put(account, new CachedAccount(record, view));
    }

    private void applyPrice(String key, double price) {
        String id = key.substring(key.indexOf(':') + 1);
        if (key.startsWith(CLOCK)) {
            market.advanceValuationTime(id, (long) price);
        } else if (key.startsWith(PriceKind.INDEX.name())) {
            market.putIndexPrice(id, price);
        } else {
            market.putMark(id, price);
        }
    }

    /** A settlement price before expiry counts as a mark. */
    private static String priceKey(PriceKind kind, String id) {
        return (kind == PriceKind.INDEX ? PriceKind.INDEX : PriceKind.MARK).name() + ":" + id;
    }
}
