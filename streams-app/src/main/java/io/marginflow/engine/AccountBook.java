package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * One engine task's accounts: each account's ledger, status and hash-chain head (the accounts
 * store, with the decoded accounts and their risk views cached in memory, derived and rebuilt on
 * demand), the exposure index (underlying → the local accounts exposed to it, in account order:
 * in memory, derived from the accounts store by {@link #restore} and changed only when a unit
 * commits, so a tick reads it as it would read committed state), and the fill and movement ids
 * already applied.
 */
final class AccountBook {

    /** A decoded account and its risk view. */
    record Account(AccountRecord record, AccountRiskView view) {}

    private final EngineSettings settings;
    private final Supplier<Market> market;
    private final UnitOfWork.Staged<AccountRecord> accounts;
    private final UnitOfWork unit;
    /** Underlying → the local accounts exposed to it; changed by a unit's effects, when it commits. */
    private final Map<String, NavigableSet<String>> exposed = new HashMap<>();
    private final UnitOfWork.Staged<Long> seenIds;
    private final Map<String, Account> cache;

    AccountBook(UnitOfWork unit, EngineSettings settings, Supplier<Market> market) {
        this.settings = settings;
        this.market = market;
        accounts = unit.store(MarginEngineTopology.ACCOUNTS);
        this.unit = unit;
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

    /**
     * The risk view of an account read from the store: the cached one, or one built for the caller
     * without caching it (a pass over every account, such as a stress run, does not evict the accounts
     * ticks recompute).
     */
    AccountRiskView viewOf(String account, AccountRecord record) {
        Account cached = cache.get(account);
        return cached != null ? cached.view() : AccountRiskView.of(record.portfolio(), market.get());
    }

    /** Stores a changed ledger and keeps the exposure index in step with it. */
    void saveLedger(String account, AccountRecord before, Portfolio portfolio) {
        AccountRiskView oldView = load(account).view();
        AccountRiskView newView = AccountRiskView.of(portfolio, market.get());
        SortedSet<String> oldExposures = oldView.exposures(settings.cashAssets());
        SortedSet<String> newExposures = newView.exposures(settings.cashAssets());
        for (String gone : oldExposures) {
            if (!newExposures.contains(gone)) {
                unit.afterCommit(() -> unexpose(gone, account));
            }
        }
        for (String exposure : newExposures) {
            if (!oldExposures.contains(exposure)) {
                unit.afterCommit(() -> expose(exposure, account));
            }
        }
        store(account, before.withPortfolio(portfolio), newView);
    }

    void store(String account, AccountRecord record, AccountRiskView view) {
        accounts.put(account, record);
        cache.put(account, new Account(record, view));
    }

    /** The local accounts exposed to {@code underlying}, in account order, as the last committed unit left them. */
    List<String> exposedTo(String underlying) {
        NavigableSet<String> accounts = exposed.get(underlying);
        return accounts == null ? List.of() : new ArrayList<>(accounts);
    }

    /**
     * Rebuilds the exposure index from the accounts store, at start, once the market it needs (each
     * position's underlying) is restored.
     */
    void restore() {
        exposed.clear();
        try (KeyValueIterator<String, AccountRecord> all = accounts.all()) {
            all.forEachRemaining(entry -> AccountRiskView.of(entry.value.portfolio(), market.get())
                    .exposures(settings.cashAssets()).forEach(underlying -> expose(underlying, entry.key)));
        }
    }

    private void expose(String underlying, String account) {
        exposed.computeIfAbsent(underlying, u -> new TreeSet<>()).add(account);
    }

    private void unexpose(String underlying, String account) {
        NavigableSet<String> accounts = exposed.get(underlying);
        if (accounts != null && accounts.remove(account) && accounts.isEmpty()) {
            exposed.remove(underlying);
        }
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
