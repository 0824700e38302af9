package io.marginflow.engine;

import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.risk.stats.RobustBaseline;
import java.util.Objects;

/**
 * Everything the engine keeps per account, in the {@code accounts} store: the ledger, the margin
 * lifecycle (status, open call or liquidation), the figures last published, and the head of the
 * account's output hash chain.
 *
 * @param published whether any margin result has been published (the published figures are meaningful)
 * @param growth the account's habit: a robust baseline of how much each of its fills grew or shrank its gross
 *        position ({@link TradingChecks})
 * @param usage the account's habit: a robust baseline of how much each of its fills grew or shrank its
 *        initial margin at the same market ({@link TradingChecks})
 * @param member the clearing member the account belongs to, the first its fills or movements named;
 *        empty while none has ({@link StressRuns}: then it is its own member)
 */
record AccountRecord(
        Portfolio portfolio,
        LifecycleState lifecycle,
        long sequence,
        String hashHead,
        boolean published,
        double publishedEquity,
        double publishedInitialMargin,
        double publishedMaintenanceMargin,
        RobustBaseline growth,
        RobustBaseline usage,
        String member) {

    static final AccountRecord NEW = new AccountRecord(Portfolio.EMPTY, LifecycleState.NEW, 0, "", false, 0, 0, 0,
            RobustBaseline.EMPTY, RobustBaseline.EMPTY, "");

    AccountRecord {
        Objects.requireNonNull(portfolio, "portfolio");
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(hashHead, "hashHead");
        Objects.requireNonNull(growth, "growth");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(member, "member");
    }

    MarginStatus status() {
        return lifecycle.status();
    }

    AccountRecord withPortfolio(Portfolio changed) {
        return new AccountRecord(changed, lifecycle, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin, growth, usage, member);
    }

    AccountRecord withLifecycle(LifecycleState changed) {
        return new AccountRecord(portfolio, changed, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin, growth, usage, member);
    }

    AccountRecord withGrowth(RobustBaseline changed) {
        return new AccountRecord(portfolio, lifecycle, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin, changed, usage, member);
    }

    AccountRecord withUsage(RobustBaseline changed) {
        return new AccountRecord(portfolio, lifecycle, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin, growth, changed, member);
    }

    AccountRecord withMember(String changed) {
        return new AccountRecord(portfolio, lifecycle, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin, growth, usage, changed);
    }
}
