package io.marginflow.engine;

import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.lifecycle.LifecycleState;
import java.util.Objects;

/**
 * Everything the engine keeps per account, in the {@code accounts} store: the ledger, the margin
 * lifecycle (status, open call or liquidation), the figures last published, the head of the
 * account's output hash chain, and whether a decision is held.
 *
 * @param published whether any margin result has been published (the published figures are meaningful)
 * @param heldUntil the stream time up to which the account's worsening lifecycle decisions are
 *        held (entries of that instant may still fund it), or {@link #NOT_HELD}
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
        long heldUntil) {

    static final long NOT_HELD = Long.MIN_VALUE;

    static final AccountRecord NEW = new AccountRecord(Portfolio.EMPTY, LifecycleState.NEW, 0, "", false, 0, 0, 0, NOT_HELD);

    AccountRecord {
        Objects.requireNonNull(portfolio, "portfolio");
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(hashHead, "hashHead");
    }

    MarginStatus status() {
        return lifecycle.status();
    }

    AccountRecord withPortfolio(Portfolio changed) {
        return new AccountRecord(changed, lifecycle, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin, heldUntil);
    }

    AccountRecord withLifecycle(LifecycleState changed) {
        return new AccountRecord(portfolio, changed, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin, heldUntil);
    }
}
