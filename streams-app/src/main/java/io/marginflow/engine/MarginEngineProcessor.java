package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.errors.Failures;
import io.marginflow.errors.OutputTooLargeException;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.schema.Cause;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.VolSurface;
import io.marginflow.translation.DeadLetters;
import io.marginflow.translation.EngineTypes;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The margin engine of one journal partition: a deterministic state machine over the journal.
 * Each entry updates state, then the accounts it affects are recomputed: one account for a fill
 * or collateral movement; every local account exposed to the underlying for a price, instrument
 * or parameter change. This class orchestrates; the phases live beside it: the market replica
 * ({@link MarketReplica}), the account's status transitions and outputs ({@link AccountTransitions},
 * pure), the records themselves ({@link io.marginflow.translation.EngineOutputs}), and the unit of
 * work that applies an entry's writes and outputs all together or not at all ({@link UnitOfWork}).
 *
 * <p>Checks that need state are made here, in journal order, so that a replay decides them the
 * same way: unknown or expired instruments, options that cannot be valued yet, duplicate fill and
 * movement ids, redefined instruments, stale parameters.
 *
 * <p>Nothing an entry contains can stop the engine. An exception while applying an entry (an
 * amount beyond what the contract carries, an output too large to publish, or a bug) drops its
 * writes and outputs, rebuilds the market replica from the stores, and dead-letters the entry
 * ({@link Failures}), so the entry changes nothing, on every replay alike. A market entry then
 * recomputes each exposed account as a unit of its own: an account that fails keeps its previous
 * state and is dead-lettered under its own key, and the others are margined. Only outages (state
 * store, broker, schema registry) fail the task, to be retried.
 *
 * <p>The account cache is derived from the accounts store and rebuilt on demand; the stores hold
 * the only copy of everything.
 */
final class MarginEngineProcessor implements Processor<String, JournalEntry, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(MarginEngineProcessor.class);

    private final EngineSettings settings;
    private final DeadLetters deadLetters;
    private final ToLongFunction<String> maxOutputBytes;
    private final MarginCalculator calculator = new MarginCalculator();
    private final AccountTransitions transitions;
    private ProcessorContext<String, SpecificRecord> context;
    private UnitOfWork unit;
    private MarketReplica replica;
    private AccountBook book;

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
        this.transitions = new AccountTransitions(settings);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        unit = new UnitOfWork(context);
        replica = new MarketReplica(unit, settings);
        book = new AccountBook(unit, settings, () -> replica.market());
        replica.restore();
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
            book.forgetAll();
            replica.restore();
        });
        FanOut fanOut = applied.orElse(FanOut.NONE);
        for (String account : fanOut.accounts()) {
            unit.attempt(() -> {
                fanOut.perAccount().accept(account);
                return account;
            }, failure -> {
                deadLetter(failure, account, cause, "account " + account + " keeps its state from before this entry");
                book.forget(account);
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
        Market market = replica.market();
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
        replica.markIfUnmarked(fill.getInstrument(), fill.getPrice());
        AccountRecord before = book.load(account).record();
        Portfolio portfolio = before.portfolio().withFill(spec.get(), fill.getQuantity(), fill.getPrice(),
                fill.getFee(), fill.getFeeAsset());
        book.saveLedger(account, before, portfolio);
        recompute(account, cause);
    }

    private void onCollateral(String account, CollateralMovement movement, Trigger cause) {
        if (alreadySeen("M:" + movement.getMovementId(), account, cause, "DUPLICATE_MOVEMENT")) {
            return;
        }
        AccountRecord before = book.load(account).record();
        book.saveLedger(account, before, before.portfolio().withMovement(movement.getAsset(), movement.getAmount()));
        recompute(account, cause);
    }

    private FanOut onPrice(PriceUpdate price, Trigger cause) {
        if (price.getKind() == PriceKind.SETTLEMENT) {
            Optional<FanOut> settlement = settleExpired(price, cause);
            if (settlement.isPresent()) {
                return settlement.get();
            }
        }
        replica.putPrice(price, cause.timestamp());
        return recomputeExposed(replica.market().underlyingOf(price.getInstrument()), cause);
    }

    /** The sequencer has refused malformed and arbitrageable surfaces. */
    private FanOut onSurface(VolSurface record, Trigger cause) {
        io.marginflow.risk.options.VolSurface surface;
        try {
            surface = EngineTypes.volSurface(record);
        } catch (IllegalArgumentException e) {
            reject(record.getUnderlying(), cause, "INVALID_SURFACE", e.getMessage());
            return FanOut.NONE;
        }
        replica.putSurface(record, surface, cause.timestamp());
        return recomputeExposed(record.getUnderlying(), cause);
    }

    /**
     * Final settlement: a SETTLEMENT price at or after expiry is the underlying's delivery price.
     * Keyed by an instrument it settles that instrument; keyed by an underlying, every active
     * instrument of it that has expired. Each position closes at the instrument's final value
     * (futures at the price, options at intrinsic value), the P&amp;L is realised, the position leaves
     * the portfolio and the instrument becomes EXPIRED.
     *
     * @return each exposed account's settlement, or empty if there is nothing to settle and the price is a mark
     */
    private Optional<FanOut> settleExpired(PriceUpdate price, Trigger cause) {
        String id = price.getInstrument();
        Market market = replica.market();
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
        expiring.forEach(replica::expire);
        return Optional.of(new FanOut(book.exposedTo(underlying), account -> {
            AccountRecord before = book.load(account).record();
            Portfolio portfolio = before.portfolio();
            for (InstrumentSpec spec : expiring) {
                portfolio = portfolio.withSettlement(spec, spec.finalValue(price.getPrice()));
            }
            if (!portfolio.equals(before.portfolio())) {
                book.saveLedger(account, before, portfolio);
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
        Optional<InstrumentSpec> known = replica.market().instrument(id);
        if (known.isPresent() && !known.get().sameTerms(spec)) {
            reject(id, cause, "INSTRUMENT_REDEFINED", "the terms of " + id + " cannot change once it is listed ("
                    + known.get() + " is now defined as " + spec + "); list the new terms under a new instrument id");
            return FanOut.NONE;
        }
        if (known.isPresent() && !known.get().active() && spec.active()) {
            reject(id, cause, "INSTRUMENT_REDEFINED", id + " has expired and cannot be listed again");
            return FanOut.NONE;
        }
        replica.putInstrument(instrument, spec);
        return recomputeExposed(instrument.getUnderlying(), cause);
    }

    private FanOut onParameters(RiskParameters set, Trigger cause) {
        Optional<MarginParameters> current = replica.market().ownParameters(set.getUnderlying());
        if (current.isPresent() && current.get().version() >= set.getVersion()) {
            reject(set.getUnderlying(), cause, "STALE_PARAMETERS", "parameters of " + set.getUnderlying()
                    + " version " + set.getVersion() + " are not newer than version " + current.get().version());
            return FanOut.NONE;
        }
        replica.putParameters(set);
        // An underlying's parameters may carry the haircut of its collateral asset of the same name.
        return recomputeExposed(set.getUnderlying(), cause);
    }

    private FanOut recomputeExposed(String underlying, Trigger cause) {
        return new FanOut(book.exposedTo(underlying), account -> recompute(account, cause));
    }

    /** Recomputes an account's margin and publishes what it changed, each output within its topic's limit. */
    private void recompute(String account, Trigger cause) {
        AccountBook.Account cached = book.load(account);
        Market market = replica.market();
        transitions.next(account, cached.record(), calculator.margin(cached.view(), market), cause.cause(),
                () -> graceMillis(cached.view(), market)).ifPresent(update -> {
            for (OutputChain.Sealed sealed : update.outputs()) {
                SpecificRecord output = sealed.output();
                String sink = sinkOf(output);
                long size = sealed.recordBytes(account);
                long limit = maxOutputBytes.applyAsLong(sink);
                if (size > limit) {
                    throw new OutputTooLargeException(output.getSchema().getName() + " of " + account + " would be "
                            + size + " bytes, more than its topic takes (" + limit + " bytes: engine.max-output-bytes,"
                            + " or less if the topic's max.message.bytes or the producer's max.request.size is lower)");
                }
                unit.forward(new Record<>(account, output, cause.timestamp()), sink);
            }
            book.store(account, update.after(), cached.view());
        });
    }

    private static String sinkOf(SpecificRecord output) {
        if (output instanceof MarginCallEvent) {
            return MarginEngineTopology.MARGIN_CALLS_SINK;
        }
        return output instanceof LiquidationSignal ? MarginEngineTopology.LIQUIDATIONS_SINK : MarginEngineTopology.MARGIN_SINK;
    }

    /** A call's grace period: the longest of the account's underlyings' (the defaults when it has none). */
    private long graceMillis(AccountRiskView view, Market market) {
        long grace = settings.defaultCallGracePeriodMillis();
        for (String exposure : view.exposures(settings.cashAssets())) {
            grace = Math.max(grace, market.parameters(exposure).lifecycle().callGracePeriodMillis());
        }
        return grace;
    }

    private boolean alreadySeen(String id, String key, Trigger cause, String errorClass) {
        Optional<Long> first = book.firstApplied(id, cause.cause().getJournalOffset());
        first.ifPresent(offset -> reject(key, cause, errorClass, id.substring(2) + " was already applied from journal"
                + " offset " + offset + "; a re-published duplicate does not change the account"));
        return first.isPresent();
    }

    private void reject(String key, Trigger cause, String errorClass, String reason) {
        unit.forward(new Record<String, SpecificRecord>(DeadLetters.key(key, null),
                deadLetters.engine(cause.cause(), key, errorClass, reason), cause.timestamp()),
                MarginEngineTopology.DEAD_LETTERS_SINK);
    }
}
