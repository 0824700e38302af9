package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.MarginStatus;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.risk.stats.ReturnHistory;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.VolSurface;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Read-only answers from one engine task's stores, for the query API: an account as the engine
 * holds it, its margin at the task's market now, the margin it would have after hypothetical
 * fills, and the accounts exposed to an underlying. The market is rebuilt from the stores as a
 * restart rebuilds it ({@link MarketReplica#restored}) and margins come from the engine's own
 * calculator, so an answer is what the engine would compute; nothing is written.
 */
public final class AccountQuery {

    /** Read access to one task's stores (Kafka Streams' interactive queries, in the application). */
    public interface Stores {
        /** The value under {@code key} in {@code store}, or null. */
        Object get(String store, String key);

        /** Every entry of {@code store}, in key order. */
        KeyValueIterator<String, ?> all(String store);
    }

    /**
     * An account as the engine holds it, with its margin computed now.
     *
     * @param sequence the number of outputs in the account's hash chain
     * @param hashHead the hash of its last output
     * @param publishedEquity the equity of its last published margin result (NaN if none)
     */
    public record Account(String id, MarginStatus status, Portfolio portfolio, LifecycleState lifecycle, long sequence,
                          String hashHead, double publishedEquity, double publishedInitialMargin,
                          double publishedMaintenanceMargin, AccountMargin margin) {}

    /** An account's margin now, and what it would be after the fills of a what-if. */
    public record WhatIf(Account before, Portfolio portfolioAfter, AccountMargin after) {}

    /** A fill of a what-if that cannot be applied: its instrument is unknown or not tradeable. */
    public static final class RefusedFill extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedFill(String message) {
            super(message);
        }
    }

    private final EngineSettings settings;
    private final Stores stores;
    private final MarginCalculator calculator = new MarginCalculator();
    private final Market market;

    public AccountQuery(EngineSettings settings, Stores stores) {
        this.settings = settings;
        this.stores = stores;
        this.market = MarketReplica.restored(settings, new MarketReplica.Source(
                () -> all(MarginEngineTopology.INSTRUMENTS, Instrument.class),
                () -> all(MarginEngineTopology.PARAMETERS, RiskParameters.class),
                () -> all(MarginEngineTopology.PRICES, Double.class),
                () -> all(MarginEngineTopology.RETURN_HISTORIES, ReturnHistory.class),
                () -> all(MarginEngineTopology.SURFACES, VolSurface.class)));
    }

    /** Every entry of {@code store}, whose values are {@code type}s (the store's serde decides: the type is a promise). */
    @SuppressWarnings({"unchecked", "UnusedVariable"})
    private <V> KeyValueIterator<String, V> all(String store, Class<V> type) {
        return (KeyValueIterator<String, V>) stores.all(store);
    }

    /** The account, if this task has ever seen it. */
    public Optional<Account> account(String id) {
        AccountRecord record = (AccountRecord) stores.get(MarginEngineTopology.ACCOUNTS, id);
        return Optional.ofNullable(record).map(found -> account(id, found));
    }

    /** The task's accounts whose status {@code wanted} accepts, in account order. */
    public List<Account> accounts(Predicate<MarginStatus> wanted) {
        List<Account> found = new ArrayList<>();
        try (KeyValueIterator<String, AccountRecord> all = all(MarginEngineTopology.ACCOUNTS, AccountRecord.class)) {
            all.forEachRemaining(entry -> {
                if (wanted.test(entry.value.status())) {
                    found.add(account(entry.key, entry.value));
                }
            });
        }
        return found;
    }

    /** How many of the task's accounts are in each status (no margin is computed). */
    public java.util.Map<MarginStatus, Long> statusCounts() {
        java.util.Map<MarginStatus, Long> counts = new java.util.EnumMap<>(MarginStatus.class);
        for (MarginStatus status : MarginStatus.values()) {
            counts.put(status, 0L);
        }
        try (KeyValueIterator<String, AccountRecord> all = all(MarginEngineTopology.ACCOUNTS, AccountRecord.class)) {
            all.forEachRemaining(entry -> counts.merge(entry.value.status(), 1L, Long::sum));
        }
        return counts;
    }

    /** The task's accounts with a position on {@code underlying}, in account order. */
    public List<Account> exposedTo(String underlying) {
        List<Account> found = new ArrayList<>();
        try (KeyValueIterator<String, AccountRecord> all = all(MarginEngineTopology.ACCOUNTS, AccountRecord.class)) {
            all.forEachRemaining(entry -> {
                AccountRiskView view = AccountRiskView.of(entry.value.portfolio(), market);
                if (view.exposures(settings.cashAssets()).contains(underlying)) {
                    found.add(account(entry.key, entry.value));
                }
            });
        }
        return found;
    }

    /**
     * The account's margin after {@code fills}, applied in order to a copy of its ledger as the
     * engine applies fills; an account never seen starts empty.
     *
     * @throws RefusedFill if a fill's instrument is not listed or not tradeable
     */
    public WhatIf whatIf(String id, List<Fill> fills) {
        AccountRecord record = (AccountRecord) stores.get(MarginEngineTopology.ACCOUNTS, id);
        Account before = account(id, record == null ? AccountRecord.NEW : record);
        Portfolio after = before.portfolio();
        for (int i = 0; i < fills.size(); i++) {
            Fill fill = fills.get(i);
            Optional<FillChecks.Refusal> refusal = FillChecks.untradeable(market, fill.getInstrument(), "fill " + (i + 1));
            if (refusal.isPresent()) {
                throw new RefusedFill(refusal.get().errorClass() + ": " + refusal.get().reason());
            }
            InstrumentSpec spec = market.instrument(fill.getInstrument()).orElseThrow();
            market.putMarkIfAbsent(fill.getInstrument(), fill.getPrice()); // as the engine values a first trade
            after = after.withFill(spec, fill.getQuantity(), fill.getPrice(), fill.getFee(), fill.getFeeAsset());
        }
        return new WhatIf(before, after, calculator.margin(AccountRiskView.of(after, market), market));
    }

    /** The parameters the task's market applies to {@code underlying} (its own, or the defaults). */
    public MarginParameters parameters(String underlying) {
        return market.parameters(underlying);
    }

    /** The task's market: prices, surfaces and statistics as the engine holds them. */
    public Market market() {
        return market;
    }

    private Account account(String id, AccountRecord record) {
        AccountMargin margin = calculator.margin(AccountRiskView.of(record.portfolio(), market), market);
        return new Account(id, record.status(), record.portfolio(), record.lifecycle(), record.sequence(), record.hashHead(),
                record.published() ? record.publishedEquity() : Double.NaN,
                record.published() ? record.publishedInitialMargin() : Double.NaN,
                record.published() ? record.publishedMaintenanceMargin() : Double.NaN, margin);
    }
}
