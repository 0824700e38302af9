package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.errors.Failures;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.risk.stats.RobustBaseline;
import io.marginflow.schema.Alert;
import io.marginflow.schema.Cause;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.VolSurface;
import io.marginflow.translation.DeadLetters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The margin engine of one journal partition: a deterministic state machine over the journal,
 * run live by Kafka Streams ({@link MarginEngineProcessor}) and offline by the audit tool
 * ({@link OfflineEngine}) alike: all it reads and writes goes through {@link EngineIo}.
 * Each entry updates state, then the accounts it affects are recomputed: one account for a fill
 * or collateral movement; every local account exposed to the underlying for a price, snapshot,
 * surface, instrument or parameter change. Accounts' lifecycles are decided at the first entry
 * later than their instant by the decision grace ({@code engine.decision-grace.ms}). This class
 * orchestrates; the phases live beside it: the market entries ({@link MarketEntries}) and replica
 * ({@link MarketReplica}), margining an account and deciding its lifecycle
 * ({@link AccountMargining}, {@link AccountTransitions}, pure), stream time and the timers
 * ({@link EngineClock}), the integrity checkpoints ({@link Checkpoints}), the stress tests ({@link StressRuns}), the checks of an account's
 * trading that raise alerts ({@link TradingChecks}), fills waiting for their
 * instrument ({@link ParkedFills}), the records themselves
 * ({@link io.marginflow.translation.EngineOutputs}), and the unit of work that applies an entry's
 * writes and outputs all together or not at all ({@link UnitOfWork}).
 *
 * <p>Checks that need state are made here, in journal order, so that a replay decides them the
 * same way: unknown (parked, then refused) or expired instruments, options that cannot be valued
 * yet, duplicate fill and movement ids, a member other than the account's, fills of a superseded liquidation plan, redefined
 * instruments, stale parameters, a clock going backwards.
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
final class MarginEngine {

    private static final Logger LOG = LoggerFactory.getLogger(MarginEngine.class);

    private final EngineSettings settings;
    private final DeadLetters deadLetters;
    private final ToLongFunction<String> maxOutputBytes;
    private EngineIo io;
    private UnitOfWork unit;
    private MarketReplica replica;
    private AccountBook book;
    private EngineClock clock;
    private ParkedFills parked;
    private AccountMargining margining;
    private MarketEntries market;
    private TradingChecks trading;
    private Checkpoints checkpoints;
    private StressRuns stress;

    /**
     * @param maxOutputBytes the largest output record (key and value bytes) each output sink's
     *        topic takes ({@link io.marginflow.errors.OutputLimits})
     */
    MarginEngine(EngineSettings settings, DeadLetters deadLetters, ToLongFunction<String> maxOutputBytes) {
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.maxOutputBytes = maxOutputBytes;
    }

    /** Starts on the stores {@code io} gives, restoring what is derived from them. */
    void start(EngineIo io) {
        this.io = io;
        unit = new UnitOfWork(io);
        replica = new MarketReplica(unit, settings);
        book = new AccountBook(unit, settings, () -> replica.market());
        clock = new EngineClock(unit);
        parked = new ParkedFills(unit);
        margining = new AccountMargining(settings, maxOutputBytes, unit, replica, book, clock);
        market = new MarketEntries(replica, book, margining, this::reject, new GuardedPrices(settings, replica, this::alert));
        trading = new TradingChecks(settings, replica, this::alert);
        checkpoints = new Checkpoints(settings, unit, parked);
        stress = new StressRuns(settings, unit, replica, book, this::reject);
        replica.restore();
        book.restore();
        clock.restore();
    }

    /**
     * One journal entry: stream time moves to its event time (if later), and if it crosses a
     * multiple of the checkpoint interval the partition's checkpoint is written; the timers of
     * instants earlier than the entry's by more than the decision grace fire, on the state the
     * entries before it left (held decisions and deadlines are decided, parked fills' waits end);
     * then the entry is applied and its fan-out recomputed, any decision it calls for held to the end of its
     * instant and the grace after it. So every entry of an instant (a fill and its deposit, two
     * underlyings' snapshots), and every entry stamped at most the grace later or journalled out of
     * order within it (a deposit fetched after the fill it funds), is applied before an account is
     * decided, and a deposit stamped exactly at a call's deadline meets it.
     *
     * @param key the entry's key in the journal
     * @param partition the journal partition the entry is read from
     * @param offset its offset there
     */
    void process(String key, JournalEntry entry, int partition, long offset) {
        long eventTime = entry.getEventTime().toEpochMilli();
        long before = clock.streamTime();
        long streamTime = unit.attempt(() -> clock.advance(eventTime), failure -> { }).orElse(before);
        Trigger cause = new Trigger(cause(partition, offset, entry), eventTime, streamTime);
        unit.attempt(() -> {
            checkpoints.beforeEntry(before, eventTime, partition, offset);
            return offset;
        }, failure -> deadLetter(failure, key, cause, "no checkpoint was written"));
        unit.attempt(() -> {
            stress.beforeEntry(before, eventTime, cause.cause());
            return offset;
        }, failure -> deadLetter(failure, key, cause, "no stress run was made"));
        fireTimers(cause);
        Optional<FanOut> applied = unit.attempt(() -> apply(key, entry, cause), failure -> {
            deadLetter(failure, key, cause, "the entry changed nothing");
            book.forgetAll();
            replica.restore();
        });
        fanOut(applied.orElse(FanOut.NONE), cause);
        if (applied.isPresent() && entry.getPayload() instanceof Instrument instrument) {
            applyParked(instrument.getInstrumentId(), cause);
        }
    }

    private static Cause cause(int partition, long offset, JournalEntry entry) {
        return Cause.newBuilder().setJournalPartition(partition).setJournalOffset(offset)
                .setSource(entry.getSource()).setEventTime(entry.getEventTime()).build();
    }

    /** Each account of a fan-out as a unit of its own. */
    private void fanOut(FanOut fanOut, Trigger cause) {
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

    /**
     * The timers of instants before the entry's by more than the grace, removed together, then acted
     * on, each a unit of its own: each account decided once, at the latest instant among its timers
     * (on the state the entries before this one left), in the order of its first timer.
     */
    private void fireTimers(Trigger cause) {
        // An instant is decided once the entry's time passes it by the grace (engine.decision-grace.ms).
        List<EngineClock.Due> due = clock.due(cause.timestamp() - settings.decisionGraceMillis());
        if (due.isEmpty()) {
            return;
        }
        unit.attempt(() -> {
            clock.remove(due);
            return due;
        }, failure -> { });
        Map<String, Long> decisions = new LinkedHashMap<>();
        for (EngineClock.Due timer : due) {
            if (timer.kind() != EngineClock.Kind.PARKED) {
                decisions.merge(timer.id(), timer.time(), Math::max);
            }
        }
        decisions.forEach((account, instant) ->
                fanOut(new FanOut(List.of(account), a -> margining.decide(a, cause, instant)), cause));
        for (EngineClock.Due timer : due) {
            if (timer.kind() == EngineClock.Kind.PARKED) {
                unit.attempt(() -> parked.take(timer.id()).map(fill -> {
                    Trigger original = parkedCause(fill, cause);
                    Fill payload = (Fill) fill.entry().getPayload();
                    reject(payload.getAccount(), original, "UNKNOWN_INSTRUMENT", "fill " + payload.getFillId()
                            + " is for instrument " + payload.getInstrument() + ", which "
                            + MarginEngineTopology.INSTRUMENTS + " did not define within "
                            + settings.unknownInstrumentWaitMillis() + " ms of stream time");
                    return fill;
                }), failure -> deadLetter(failure, timer.id(), cause, "the parked fill stays parked"));
            }
        }
    }

    /** The fills parked for a newly defined instrument, applied in journal order, each a unit of its own. */
    private void applyParked(String instrument, Trigger cause) {
        for (ParkedFills.Parked fill : parked.waitingFor(instrument)) {
            Trigger original = parkedCause(fill, cause);
            Fill payload = (Fill) fill.entry().getPayload();
            unit.attempt(() -> {
                parked.take(fill.key());
                onFill(payload.getAccount(), payload, fill.entry(), original);
                return fill;
            }, failure -> {
                deadLetter(failure, payload.getAccount(), original, "the parked fill is dropped");
                book.forget(payload.getAccount());
            });
        }
    }

    /** A parked fill is applied under its own journal coordinates, at the stream time it is applied at. */
    private static Trigger parkedCause(ParkedFills.Parked fill, Trigger now) {
        return new Trigger(cause(now.cause().getJournalPartition(), fill.journalOffset(), fill.entry()),
                fill.entry().getEventTime().toEpochMilli(), now.streamTime());
    }

    /** Applies an entry's state changes; an account event also recomputes its account. */
    private FanOut apply(String key, JournalEntry entry, Trigger cause) {
        Object payload = entry.getPayload();
        if (payload instanceof Fill fill) {
            onFill(key, fill, entry, cause);
            return FanOut.NONE;
        }
        if (payload instanceof CollateralMovement movement) {
            onCollateral(key, movement, cause);
            return FanOut.NONE;
        }
        if (payload instanceof PriceUpdate price) {
            return market.onPrice(price, cause);
        }
        if (payload instanceof Instrument instrument) {
            return market.onInstrument(instrument, cause);
        }
        if (payload instanceof RiskParameters set) {
            return market.onParameters(set, cause);
        }
        if (payload instanceof VolSurface surface) {
            return market.onSurface(surface, cause);
        }
        if (payload instanceof MarketSnapshot snapshot) {
            return market.onSnapshot(snapshot, cause);
        }
        if (payload instanceof io.marginflow.schema.StressScenario scenario) {
            return stress.onScenario(scenario, cause);
        }
        if (payload instanceof ClockTick) {
            // A tick behind stream time moves nothing (other inputs moved it further); one behind the clock's own last tick is wrong.
            long previous = clock.tick(cause.timestamp());
            if (cause.timestamp() < previous) {
                reject(key, cause, "CLOCK_BACKWARDS", "clock tick at " + entry.getEventTime() + " is older than the"
                        + " partition's previous clock tick at " + java.time.Instant.ofEpochMilli(previous));
            }
            return FanOut.NONE;
        }
        throw new IllegalStateException("unknown journal payload " + payload.getClass().getName());
    }

    /** Dead-letters the entry under {@code key}: a unit of it failed, and {@code consequence} is what that left. */
    private void deadLetter(RuntimeException e, String key, Trigger cause, String consequence) {
        String errorClass = Failures.errorClass(e);
        String reason = Failures.describe(e) + "; " + consequence;
        LOG.error("journal partition {} offset {}: {} for {}: {}", cause.cause().getJournalPartition(),
                cause.cause().getJournalOffset(), errorClass, key, reason);
        io.forward(new Record<String, Object>(DeadLetters.key(key, null),
                deadLetters.engine(cause.cause(), key, errorClass, reason), cause.timestamp()),
                MarginEngineTopology.DEAD_LETTERS_SINK);
    }

    private void onFill(String account, Fill fill, JournalEntry entry, Trigger cause) {
        Market market = replica.market();
        Optional<InstrumentSpec> spec = market.instrument(fill.getInstrument());
        if (spec.isEmpty() && settings.unknownInstrumentWaitMillis() > 0) {
            String key = parked.park(fill.getInstrument(), cause.cause().getJournalOffset(), entry);
            clock.schedule(cause.streamTime() + settings.unknownInstrumentWaitMillis(), EngineClock.Kind.PARKED, key);
            return;
        }
        Optional<FillChecks.Refusal> refusal = FillChecks.untradeable(market, fill.getInstrument(), "fill " + fill.getFillId());
        if (refusal.isPresent()) {
            reject(account, cause, refusal.get().errorClass(), refusal.get().reason());
            return;
        }
        if (refusedMember(account, fill.getMember(), cause, "fill " + fill.getFillId())
                || alreadySeen("F:" + fill.getFillId(), account, cause, "DUPLICATE_FILL")) {
            return;
        }
        AccountRecord before = book.load(account).record();
        Optional<String> stale = stalePlan(account, fill, before.lifecycle());
        if (stale.isPresent()) {
            reject(account, cause, "STALE_LIQUIDATION_PLAN", stale.get());
            return;
        }
        trading.offMarket(fill, spec.get(), cause);
        replica.markIfUnmarked(fill.getInstrument(), fill.getPrice());
        Portfolio portfolio = before.portfolio().withFill(spec.get(), fill.getQuantity(), fill.getPrice(),
                fill.getFee(), fill.getFeeAsset());
        LifecycleState lifecycle = isPlanFill(account, fill) ? before.lifecycle().withPlanStepSeen()
                : before.lifecycle().withBookChanged();
        RobustBaseline growth = trading.buildUp(fill, spec.get(), before.portfolio(), portfolio, before.growth(), cause);
        book.saveLedger(account, before.withLifecycle(lifecycle).withGrowth(growth).withMember(member(before, fill.getMember())),
                portfolio);
        double marginAfter = margining.recompute(account, cause).initialMargin();
        AccountBook.Account margined = book.load(account);
        // the margin last published before the fill is within the result tolerance of the last computed,
        // at the market the fill found (every price recomputes the accounts exposed to it)
        RobustBaseline usage = trading.marginUsage(fill, spec.get(), before.published() ? before.publishedInitialMargin() : 0.0,
                marginAfter, margined.record().usage(), cause);
        if (!usage.equals(margined.record().usage())) {
            book.store(account, margined.record().withUsage(usage), margined.view());
        }
    }

    /** Whether the fill says it executes a liquidation plan of the account: orderId {@code ACCOUNT-LIQ-n/r<revision>}. */
    private static boolean isPlanFill(String account, Fill fill) {
        return fill.getOrderId() != null && fill.getOrderId().startsWith(account + "-LIQ-");
    }

    /** Why a plan fill is refused: its plan is not the account's current one (superseded, or the liquidation is over). */
    private static Optional<String> stalePlan(String account, Fill fill, LifecycleState lifecycle) {
        if (!isPlanFill(account, fill)) {
            return Optional.empty();
        }
        Optional<LifecycleState.OpenLiquidation> open = lifecycle.liquidation();
        if (open.isPresent() && open.get().orderId().equals(fill.getOrderId())) {
            return Optional.empty();
        }
        return Optional.of("fill " + fill.getFillId() + " executes plan " + fill.getOrderId() + ", but "
                + (open.isPresent() ? "the account's current plan is " + open.get().orderId()
                        : "the account is not in liquidation")
                + "; the fill is not applied");
    }

    private void onCollateral(String account, CollateralMovement movement, Trigger cause) {
        if (refusedMember(account, movement.getMember(), cause, "collateral movement " + movement.getMovementId())
                || alreadySeen("M:" + movement.getMovementId(), account, cause, "DUPLICATE_MOVEMENT")) {
            return;
        }
        AccountRecord before = book.load(account).record();
        book.saveLedger(account, before.withMember(member(before, movement.getMember())),
                before.portfolio().withMovement(movement.getAsset(), movement.getAmount()));
        margining.recompute(account, cause);
    }

    /**
     * Whether a record naming {@code named} as the account's member is refused: the account belongs
     * to another member already (it keeps the first its records named).
     */
    private boolean refusedMember(String account, String named, Trigger cause, String what) {
        String known = book.load(account).record().member();
        if (named == null || known.isEmpty() || known.equals(named)) {
            return false;
        }
        reject(account, cause, "MEMBER_MISMATCH", what + " names member " + named + ", but account " + account
                + " belongs to member " + known + "; it is not applied");
        return true;
    }

    /** The account's member once a record naming {@code named} is applied: the first one named. */
    private static String member(AccountRecord before, String named) {
        return before.member().isEmpty() && named != null ? named : before.member();
    }

    private boolean alreadySeen(String id, String key, Trigger cause, String errorClass) {
        Optional<Long> first = book.firstApplied(id, cause.cause().getJournalOffset());
        first.ifPresent(offset -> reject(key, cause, errorClass, id.substring(2) + " was already applied from journal"
                + " offset " + offset + "; a re-published duplicate does not change the account"));
        return first.isPresent();
    }

    /** An alert, on the alerts topic, keyed by its underlying. */
    private void alert(Alert alert, Trigger cause) {
        unit.forward(new Record<String, Object>(alert.getUnderlying(), alert, cause.timestamp()),
                MarginEngineTopology.ALERTS_SINK);
    }

    private void reject(String key, Trigger cause, String errorClass, String reason) {
        unit.forward(new Record<String, Object>(DeadLetters.key(key, null),
                deadLetters.engine(cause.cause(), key, errorClass, reason), cause.timestamp()),
                MarginEngineTopology.DEAD_LETTERS_SINK);
    }
}
