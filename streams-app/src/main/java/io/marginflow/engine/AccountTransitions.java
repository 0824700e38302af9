package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.MarginStatus;
import io.marginflow.schema.Cause;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.translation.EngineOutputs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a recomputed margin does to an account, as a pure function of the account before, its new
 * margin and the entry that caused it: whether a result is worth publishing, the margin-call and
 * liquidation events of a status change, in the order they happen, and the account after. Each
 * output is sealed into the account's hash chain. The same account, margin and entry give the
 * same outputs, hashes included.
 *
 * <p>Statuses: {@code NORMAL} (equity ≥ IM), {@code MARGIN_CALL} (MM ≤ equity &lt; IM),
 * {@code LIQUIDATION} (equity &lt; MM). The events of a change from → to:
 *
 * <pre>
 *   from MARGIN_CALL   call MET (to NORMAL) or ESCALATED (to LIQUIDATION)
 *   from LIQUIDATION   liquidation ENDED
 *   to MARGIN_CALL     call ISSUED: id ACCOUNT-CALL-n, shortfall IM − equity, deadline = event time + grace
 *   to LIQUIDATION     liquidation STARTED: id ACCOUNT-LIQ-n
 * </pre>
 *
 * A result is published when the status changes, when the account has never had one, or when
 * equity, IM or MM moved beyond the tolerance from the last one published.
 */
final class AccountTransitions {

    /** The account after an entry, and the outputs the entry gave it, in order, each sealed into its chain. */
    record Update(AccountRecord after, List<OutputChain.Sealed> outputs) {}

    private final EngineSettings settings;

    AccountTransitions(EngineSettings settings) {
        this.settings = settings;
    }

    /**
     * What {@code margin} does to {@code account}, after the entry {@code cause}.
     *
     * @param graceMillis the grace period of a call issued now (asked only when one is)
     * @return the update, or empty if the margin did not move enough to publish
     */
    Optional<Update> next(String account, AccountRecord before, AccountMargin margin, Cause cause, LongSupplier graceMillis) {
        MarginStatus from = before.status();
        MarginStatus to = margin.status();
        boolean moved = !before.published()
                || settings.movedBeyondTolerance(before.publishedEquity(), margin.equity())
                || settings.movedBeyondTolerance(before.publishedInitialMargin(), margin.initialMargin())
                || settings.movedBeyondTolerance(before.publishedMaintenanceMargin(), margin.maintenanceMargin());
        if (from == to && !moved) {
            return Optional.empty();
        }
        Chain chain = new Chain(account, before, cause, margin);
        chain.add(EngineOutputs.marginResult(account, chain.next(), cause, margin, chain.head));
        if (from == MarginStatus.MARGIN_CALL && to != from) {
            chain.call(to == MarginStatus.NORMAL ? MarginCallTransition.MET : MarginCallTransition.ESCALATED, graceMillis);
        }
        if (from == MarginStatus.LIQUIDATION && to != from) {
            chain.liquidation(LiquidationTransition.ENDED);
        }
        if (to == MarginStatus.MARGIN_CALL && to != from) {
            chain.call(MarginCallTransition.ISSUED, graceMillis);
        }
        if (to == MarginStatus.LIQUIDATION && to != from) {
            chain.liquidation(LiquidationTransition.STARTED);
        }
        AccountRecord after = new AccountRecord(before.portfolio(), to, chain.sequence, chain.head, true,
                margin.equity(), margin.initialMargin(), margin.maintenanceMargin(), chain.openCallId,
                chain.liquidationId, chain.callCount, chain.liquidationCount);
        return Optional.of(new Update(after, chain.outputs));
    }

    /** An account's outputs for one entry, extending its hash chain, and the ids they open and close. */
    private static final class Chain {
        final String account;
        final Cause cause;
        final AccountMargin margin;
        final List<OutputChain.Sealed> outputs = new ArrayList<>();
        long sequence;
        String head;
        String openCallId;
        String liquidationId;
        int callCount;
        int liquidationCount;

        Chain(String account, AccountRecord before, Cause cause, AccountMargin margin) {
            this.account = account;
            this.cause = cause;
            this.margin = margin;
            this.sequence = before.sequence();
            this.head = before.hashHead();
            this.openCallId = before.openCallId();
            this.liquidationId = before.liquidationId();
            this.callCount = before.callCount();
            this.liquidationCount = before.liquidationCount();
        }

        long next() {
            return ++sequence;
        }

        void add(SpecificRecord output) {
            OutputChain.Sealed sealed = OutputChain.seal(output);
            head = sealed.hash();
            outputs.add(sealed);
        }

        void call(MarginCallTransition transition, LongSupplier graceMillis) {
            Instant deadline = null;
            if (transition == MarginCallTransition.ISSUED) {
                callCount++;
                openCallId = account + "-CALL-" + callCount;
                deadline = Instant.ofEpochMilli(cause.getEventTime().toEpochMilli() + graceMillis.getAsLong());
            }
            double shortfall = transition == MarginCallTransition.MET ? 0.0 : Math.max(0.0, -margin.excess());
            add(EngineOutputs.marginCall(account, next(), cause, transition, openCallId, shortfall, deadline, margin, head));
            if (transition != MarginCallTransition.ISSUED) {
                openCallId = "";
            }
        }

        void liquidation(LiquidationTransition transition) {
            if (transition == LiquidationTransition.STARTED) {
                liquidationCount++;
                liquidationId = account + "-LIQ-" + liquidationCount;
            }
            add(EngineOutputs.liquidationSignal(account, next(), cause, transition, liquidationId, margin, head));
            if (transition == LiquidationTransition.ENDED) {
                liquidationId = "";
            }
        }
    }
}
