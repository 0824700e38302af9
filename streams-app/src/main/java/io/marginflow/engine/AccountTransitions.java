package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.lifecycle.Lifecycle;
import io.marginflow.risk.lifecycle.LifecycleEvent;
import io.marginflow.risk.lifecycle.LifecycleRules;
import io.marginflow.schema.Cause;
import io.marginflow.translation.EngineOutputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a recomputed margin does to an account, as a pure function of the account before, its new
 * margin, the entry that caused it and the decision's context: the lifecycle's transition
 * ({@link Lifecycle}, its table and its rules), whether a result is worth publishing, the
 * margin-call and liquidation events in the order they happen, and the account after. Each output
 * is sealed into the account's hash chain. The same inputs give the same outputs, hashes included.
 *
 * <p>A result is published when the lifecycle status changes or announces something, when the
 * account has never had one, or when equity, IM or MM moved beyond the tolerance from the last
 * one published. Its status is the lifecycle's.
 */
final class AccountTransitions {

    /**
     * The account after an entry, the outputs the entry gave it, in order, each sealed into its
     * chain, and what the lifecycle did.
     */
    record Update(AccountRecord after, List<OutputChain.Sealed> outputs, Lifecycle.Outcome outcome) {}

    /**
     * The context of one decision.
     *
     * @param now the instant decided, in stream time
     * @param hold whether the decision waits for the end of the instant (entries of it may still arrive)
     * @param positions how many positions the account holds
     */
    record Decision(LifecycleRules rules, long now, boolean hold, int positions, Lifecycle.Planner planner) {}

    private final EngineSettings settings;

    AccountTransitions(EngineSettings settings) {
        this.settings = settings;
    }

    /**
     * What {@code margin} does to {@code account}, after the entry {@code cause}.
     *
     * @return the update, or empty if nothing changed enough to publish or remember
     */
    Optional<Update> next(String account, AccountRecord before, AccountMargin margin, Cause cause, Decision decision) {
        Lifecycle.Outcome outcome = Lifecycle.decide(before.lifecycle(), new Lifecycle.Situation(account,
                new Lifecycle.Figures(margin.equity(), margin.initialMargin(), margin.maintenanceMargin()),
                decision.rules(), decision.now(), decision.hold(), decision.positions(), decision.planner()));
        boolean moved = !before.published()
                || settings.movedBeyondTolerance(before.publishedEquity(), margin.equity())
                || settings.movedBeyondTolerance(before.publishedInitialMargin(), margin.initialMargin())
                || settings.movedBeyondTolerance(before.publishedMaintenanceMargin(), margin.maintenanceMargin());
        if (!moved && outcome.events().isEmpty()) {
            return outcome.held() ? Optional.of(new Update(before, List.of(), outcome)) : Optional.empty();
        }
        // each output names the hash of the one before it: built in chain order, from the previous hash
        List<Function<String, SpecificRecord>> chained = new ArrayList<>();
        long first = before.sequence() + 1;
        chained.add(previous -> EngineOutputs.marginResult(account, first, cause, margin, outcome.state().status(), previous));
        for (LifecycleEvent event : outcome.events()) {
            long sequence = first + chained.size();
            chained.add(previous -> event instanceof LifecycleEvent.Call call
                    ? EngineOutputs.marginCall(account, sequence, cause, call, margin, previous)
                    : EngineOutputs.liquidationSignal(account, sequence, cause, (LifecycleEvent.Liquidation) event, margin,
                            previous));
        }
        List<OutputChain.Sealed> outputs = new ArrayList<>();
        String head = before.hashHead();
        for (Function<String, SpecificRecord> output : chained) {
            OutputChain.Sealed sealed = OutputChain.seal(output.apply(head));
            head = sealed.hash();
            outputs.add(sealed);
        }
        long sequence = before.sequence() + chained.size();
        AccountRecord after = new AccountRecord(before.portfolio(), outcome.state(), sequence, head, true,
                margin.equity(), margin.initialMargin(), margin.maintenanceMargin(), before.growth(), before.usage(),
                before.member());
        return Optional.of(new Update(after, outputs, outcome));
    }
}
