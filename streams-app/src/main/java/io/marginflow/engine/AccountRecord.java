package io.marginflow.engine;

import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.lifecycle.LifecycleState;
import java.util.Objects;

/**
 * Everything the engine keeps per account, in the {@code accounts} store: the ledger, the margin
 * lifecycle (status, open call or liquidation), the figures last published, and the head of the
 * account's output hash chain.
 *
 * @param published whether any margin result has been published (the published figures are meaningful)
 */
record AccountRecord(
        Portfolio portfolio,
        LifecycleState lifecycle,
        long sequence,
        String hashHead,
        boolean published,
        double publishedEquity,
        double publishedInitialMargin,
        double publishedMaintenanceMargin) {

    static final AccountRecord NEW = new AccountRecord(Portfolio.EMPTY, LifecycleState.NEW, 0, "", false, 0, 0, 0);

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
                publishedInitialMargin, publishedMaintenanceMargin);
    }

    AccountRecord withLifecycle(LifecycleState changed) {
        return new AccountRecord(portfolio, changed, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin);
    }
}
