package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * One engine task's accounts: each account's ledger, status and hash-chain head (the accounts
 * store, with the decoded accounts and their risk views cached in memory, derived and rebuilt on
 * demand), the exposure index ({@code <underlying> NUL <account>} for every local account exposed
 * to an underlying, scanned by prefix on a tick), and the fill and movement ids already applied.
 */
final class AccountBook {

    private static final char SEPARATOR = '\u0000';

    /** A decoded account and its risk view. */
    record Account(AccountRecord record, AccountRiskView view) {}

    private final EngineSettings settings;
    private final Supplier<Market> market;
    private final UnitOfWork.Staged<AccountRecord> accounts;
    private final UnitOfWork.Staged<byte[]> exposures;
    private final UnitOfWork.Staged<Long> seenIds;
    private final Map<String, Account> cache;

    AccountBook(UnitOfWork unit, EngineSettings settings, Supplier<Market> market) {
        this.settings = settings;
        this.market = market;
        accounts = unit.store(MarginEngineTopology.ACCOUNTS);
        exposures = unit.store(MarginEngineTopology.EXPOSURES);
        seenIds = unit.store(MarginEngineTopology.SEEN_IDS);
        int capacity = settings.accountCacheSize();
        cache = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Account> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The account, new if it has never been seen. */
    Account load(String account) {
        Account cached = cache.get(account);
        if (cached == null) {
            AccountRecord record = accounts.get(account);
            record = record == null ? AccountRecord.NEW : record;
            cached = new Account(record, AccountRiskView.of(record.portfolio(), market.get()));
            cache.put(account, cached);
        }
        return cached;
    }

    /** Stores a changed ledger and keeps the exposure index in step with it. */
    void saveLedger(String account, AccountRecord before, Portfolio portfolio) {
        AccountRiskView oldView = load(account).view();
        AccountRiskView newView = AccountRiskView.of(portfolio, market.get());
        SortedSet<String> oldExposures = oldView.exposures(settings.cashAssets());
        SortedSet<String> newExposures = newView.exposures(settings.cashAssets());
        for (String gone : oldExposures) {
            if (!newExposures.contains(gone)) {
                exposures.delete(gone + SEPARATOR + account);
            }
        }
        for (String exposure : newExposures) {
            if (!oldExposures.contains(exposure)) {
                exposures.put(exposure + SEPARATOR + account, new byte[0]);
            }
        }
        store(account, before.withPortfolio(portfolio), newView);
    }

    void store(String account, AccountRecord record, AccountRiskView view) {
        accounts.put(account, record);
        cache.put(account, new Account(record, view));
    }

    /** The local accounts exposed to {@code underlying}, in account order. */
    List<String> exposedTo(String underlying) {
        List<String> exposed = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> keys = exposures.prefixScan(underlying + SEPARATOR)) {
            keys.forEachRemaining(entry -> exposed.add(entry.key.substring(underlying.length() + 1)));
        }
        return exposed;
    }

    /**
     * The journal offset {@code id} (a fill's {@code F:} or a movement's {@code M:} id) was first
     * applied from, if it was; otherwise remembers {@code offset} for it.
     */
    Optional<Long> firstApplied(String id, long offset) {
        Long first = seenIds.get(id);
        if (first == null) {
            seenIds.put(id, offset);
        }
        return Optional.ofNullable(first);
    }

    /** Drops {@code account}'s cached copy (its unit failed). */
    void forget(String account) {
        cache.remove(account);
    }

    /** Drops every cached account (an entry failed and the market is rebuilt). */
    void forgetAll() {
        cache.clear();
    }
}
