package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.errors.OutputTooLargeException;
import io.marginflow.risk.AccountMargin;
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
 * ({@link AccountTransitions}) with the rules of its underlyings at the end of each instant, a
 * reduction plan when a liquidation needs one, the outputs published within their topics'
 * limits, and its timers kept in step. Part of {@link MarginEngineProcessor}; not thread-safe.
 */
final class AccountMargining {

    private static final List<String> CALL_SINKS = List.of(MarginEngineTopology.MARGIN_CALLS_SINK);
    private static final List<String> LIQUIDATION_SINKS = List.of(MarginEngineTopology.LIQUIDATIONS_SINK);
    private static final List<String> RESULT_SINKS = List.of(MarginEngineTopology.MARGIN_SINK,
            MarginEngineTopology.MARGIN_LATEST_SINK);

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
     * Recomputes an account's margin after an entry, publishes it if it moved, and, if a lifecycle
     * transition's guard holds, leaves the decision to the end of the entry's instant (a timer at
     * its event time, fired at the first later entry: {@link #decide}).
     *
     * @return the margin computed
     */
    AccountMargin recompute(String account, Trigger cause) {
        return margin(account, cause, cause.timestamp(), true);
    }

    /**
     * Decides an account's lifecycle at the end of {@code instant}, on the state the instant left:
     * its margin, the transition its table gives, the events announced and published.
     */
    void decide(String account, Trigger cause, long instant) {
        margin(account, cause, instant, false);
    }

    private AccountMargin margin(String account, Trigger cause, long now, boolean hold) {
        AccountBook.Account cached = book.load(account);
        AccountRecord before = cached.record();
        Market market = replica.market();
        AccountTransitions.Decision decision = new AccountTransitions.Decision(rules(cached.view(), market), now, hold,
                cached.view().positionCount(), (target, wholeBook) -> planner.plan(before.portfolio(), market, target, wholeBook));
        AccountMargin margin = calculator.margin(cached.view(), market);
        transitions.next(account, before, margin, cause.cause(), decision)
                .ifPresent(update -> {
                    for (OutputChain.Sealed sealed : update.outputs()) {
                        forwardWithinLimit(account, sealed, cause);
                    }
                    keepTimers(account, before, update, now);
                    book.store(account, update.after(), cached.view());
                });
        return margin;
    }

    private void forwardWithinLimit(String account, OutputChain.Sealed sealed, Trigger cause) {
        SpecificRecord output = sealed.output();
        List<String> sinks = sinksOf(output);
        long size = sealed.recordBytes(account);
        for (String sink : sinks) {
            long limit = maxOutputBytes.applyAsLong(sink);
            if (size > limit) {
                throw new OutputTooLargeException(output.getSchema().getName() + " of " + account + " would be "
                        + size + " bytes, more than its topic takes (" + limit + " bytes: engine.max-output-bytes,"
                        + " or less if the topic's max.message.bytes or the producer's max.request.size is lower)");
            }
        }
        for (String sink : sinks) {
            unit.forward(new Record<>(account, sealed, cause.timestamp()), sink);
        }
    }

    /** A call's deadline timer lives while the call is open; a held decision is taken at the end of the instant. */
    private void keepTimers(String account, AccountRecord before, AccountTransitions.Update update, long now) {
        Optional<LifecycleState.OpenCall> was = before.lifecycle().call();
        Optional<LifecycleState.OpenCall> is = update.after().lifecycle().call();
        if (was.isPresent() && (is.isEmpty() || !is.get().id().equals(was.get().id()))) {
            clock.cancel(was.get().deadlineMillis(), EngineClock.Kind.CALL_DEADLINE, account);
        }
        if (is.isPresent() && (was.isEmpty() || !was.get().id().equals(is.get().id()))) {
            clock.schedule(is.get().deadlineMillis(), EngineClock.Kind.CALL_DEADLINE, account);
        }
        if (update.outcome().held()) {
            clock.schedule(now, EngineClock.Kind.HELD, account);
        }
    }

    /** Where an output goes: a margin result to the full history and to the latest-result topic. */
    private static List<String> sinksOf(SpecificRecord output) {
        if (output instanceof MarginCallEvent) {
            return CALL_SINKS;
        }
        return output instanceof LiquidationSignal ? LIQUIDATION_SINKS : RESULT_SINKS;
    }

    /** The account's lifecycle rules: the most demanding of its underlyings' ({@link LifecycleRules#strictest}). */
    private LifecycleRules rules(AccountRiskView view, Market market) {
        List<LifecycleRules> rules = new ArrayList<>(2);
        view.forEachExposure(settings.cashAssets(), exposure -> rules.add(market.parameters(exposure).lifecycle()));
        return LifecycleRules.strictest(rules, settings.defaultLifecycle());
    }
}
