package io.marginflow.engine;

import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.Portfolio;
import java.util.Objects;

/**
 * Everything the engine keeps per account, in the {@code accounts} store: the ledger, the margin
 * status and the figures last published, the head of the account's output hash chain, and the
 * ids of its open margin call and liquidation.
 *
 * @param published whether any margin result has been published (the published figures are meaningful)
 * @param openCallId id of the open margin call, or empty
 * @param liquidationId id of the liquidation in progress, or empty
 */
record AccountRecord(
        Portfolio portfolio,
        MarginStatus status,
        long sequence,
        String hashHead,
        boolean published,
        double publishedEquity,
        double publishedInitialMargin,
        double publishedMaintenanceMargin,
        String openCallId,
        String liquidationId,
        int callCount,
        int liquidationCount) {

    static final AccountRecord NEW = new AccountRecord(Portfolio.EMPTY, MarginStatus.NORMAL, 0, "", false,
            0, 0, 0, "", "", 0, 0);

    AccountRecord {
        Objects.requireNonNull(portfolio, "portfolio");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(hashHead, "hashHead");
        Objects.requireNonNull(openCallId, "openCallId");
        Objects.requireNonNull(liquidationId, "liquidationId");
    }

    AccountRecord withPortfolio(Portfolio changed) {
        return new AccountRecord(changed, status, sequence, hashHead, published, publishedEquity,
                publishedInitialMargin, publishedMaintenanceMargin, openCallId, liquidationId, callCount,
                liquidationCount);
    }
}
