package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.errors.OutputTooLargeException;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.Market;
import io.marginflow.risk.lifecycle.LifecycleRules;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.risk.lifecycle.ReductionPlanner;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Margins one account of an engine task: its margin at the task's market, its lifecycle decided
 * ({@link AccountTransitions}) with the rules of its underlyings, a reduction plan when a
 * liquidation needs one, the outputs published within their topics' limits, and its timers kept
 * in step. Part of {@link MarginEngineProcessor}; not thread-safe.
 */
final class AccountMargining {

    private final EngineSettings settings;
    private final ToLongFunction<String> maxOutputBytes;
    private final MarginCalculator calculator = new MarginCalculator();
    private final ReductionPlanner planner = new ReductionPlanner();
    private final AccountTransitions transitions;
    private final UnitOfWork unit;
    private final MarketReplica replica;
    private final AccountBook book;
    private final EngineClock clock;

    AccountMargining(EngineSettings settings, ToLongFunction<String> maxOutputBytes, UnitOfWork unit,
                     MarketReplica replica, AccountBook book, EngineClock clock) {
        this.settings = settings;
        this.maxOutputBytes = maxOutputBytes;
        this.transitions = new AccountTransitions(settings);
        this.unit = unit;
        this.replica = replica;
        this.book = book;
        this.clock = clock;
    }

    /**
     * Recomputes an account's margin, decides its lifecycle and publishes what changed, each output
     * within its topic's limit; keeps the account's timers in step (its call's deadline, a held
     * decision).
     *
     * @param ownEntry whether the entry is the account's own (a fill or collateral movement): then,
     *        and while an earlier decision of this instant is held, decisions that worsen the account
     *        wait until stream time passes this instant, so that a deposit stamped with the same
     *        time as the fill it funds is applied first, whichever was journalled first
     */
    void recompute(String account, Trigger cause, boolean ownEntry) {
        AccountBook.Account cached = book.load(account);
        AccountRecord before = cached.record();
        Market market = replica.market();
        long now = cause.streamTime();
        AccountTransitions.Decision decision = new AccountTransitions.Decision(rules(cached.view(), market), now,
                ownEntry || before.heldUntil() >= now, cached.view().positionCount(),
                (target, wholeBook) -> planner.plan(before.portfolio(), market, target, wholeBook));
        transitions.next(account, before, calculator.margin(cached.view(), market), cause.cause(), decision)
                .ifPresent(update -> {
                    for (OutputChain.Sealed sealed : update.outputs()) {
                        forwardWithinLimit(account, sealed, cause);
                    }
                    keepTimers(account, before, update.after(), now);
                    book.store(account, update.after(), cached.view());
                });
    }

    private void forwardWithinLimit(String account, OutputChain.Sealed sealed, Trigger cause) {
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

    /** A call's deadline timer lives while the call is open; a held decision is taken again after this instant. */
    private void keepTimers(String account, AccountRecord before, AccountRecord after, long now) {
        Optional<LifecycleState.OpenCall> was = before.lifecycle().call();
        Optional<LifecycleState.OpenCall> is = after.lifecycle().call();
        if (was.isPresent() && (is.isEmpty() || !is.get().id().equals(was.get().id()))) {
            clock.cancel(was.get().deadlineMillis(), EngineClock.Kind.CALL_DEADLINE, account);
        }
        if (is.isPresent() && (was.isEmpty() || !was.get().id().equals(is.get().id()))) {
            clock.schedule(is.get().deadlineMillis(), EngineClock.Kind.CALL_DEADLINE, account);
        }
        if (after.heldUntil() != AccountRecord.NOT_HELD && after.heldUntil() != before.heldUntil()) {
            clock.schedule(now + 1, EngineClock.Kind.HELD, account);
        }
    }

    private static String sinkOf(SpecificRecord output) {
        if (output instanceof MarginCallEvent) {
            return MarginEngineTopology.MARGIN_CALLS_SINK;
        }
        return output instanceof LiquidationSignal ? MarginEngineTopology.LIQUIDATIONS_SINK : MarginEngineTopology.MARGIN_SINK;
    }

    /** The account's lifecycle rules: the most demanding of its underlyings' ({@link LifecycleRules#strictest}). */
    private LifecycleRules rules(AccountRiskView view, Market market) {
        List<LifecycleRules> rules = new ArrayList<>();
        for (String exposure : view.exposures(settings.cashAssets())) {
            rules.add(market.parameters(exposure).lifecycle());
        }
        return LifecycleRules.strictest(rules, settings.defaultLifecycle());
    }
}
