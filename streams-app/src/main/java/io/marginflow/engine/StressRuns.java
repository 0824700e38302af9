package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.Market;
import io.marginflow.risk.stress.ConcentrationRule;
import io.marginflow.risk.stress.MemberLosses;
import io.marginflow.risk.stress.StressScenario;
import io.marginflow.risk.stress.StressTest;
import io.marginflow.schema.AccountPosition;
import io.marginflow.schema.Cause;
import io.marginflow.schema.InstrumentInterest;
import io.marginflow.schema.MemberStress;
import io.marginflow.schema.ScenarioShare;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressShock;
import io.marginflow.translation.EngineOutputs;
import io.marginflow.translation.EngineTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * One engine task's share of the clearinghouse's stress tests. The scenarios in force are kept in
 * the {@code stress-scenarios} store, as the journal brings them (one naming an underlying no
 * instrument is written on is refused {@code UNKNOWN_UNDERLYING}). When the partition's stream
 * time crosses a multiple of {@code engine.stress.interval.ms}, before the entry that crosses it is
 * applied, every account of the partition is margined and revalued in every scenario
 * ({@link StressTest}), its figures are added to its member's ({@link MemberLosses}: an account that
 * names no member is its own), and the partition's share ({@link StressPartial}) goes to the stress
 * aggregation, which publishes the Cover figures once every partition's share is in. With
 * concentration judged ({@code engine.concentration.*}) the share also carries each instrument's
 * open interest in the partition and its largest positions, and is sent even with no scenario in
 * force. Accounts in store order, scenarios in id order: a replay writes the same share.
 */
final class StressRuns {

    /** The key of every share: the aggregation combines them in one task. */
    static final String PARTIAL_KEY = "stress";

    private final long interval;
    private final UnitOfWork unit;
    private final UnitOfWork.Staged<io.marginflow.schema.StressScenario> scenarios;
    private final UnitOfWork.Staged<AccountRecord> accounts;
    private final MarketReplica replica;
    private final AccountBook book;
    private final MarketEntries.Rejections rejections;
    private final MarginCalculator calculator = new MarginCalculator();
    private final ConcentrationRule concentration;

    StressRuns(EngineSettings settings, UnitOfWork unit, MarketReplica replica, AccountBook book,
               MarketEntries.Rejections rejections) {
        this.interval = settings.stressIntervalMillis();
        this.concentration = settings.concentration();
        this.unit = unit;
        scenarios = unit.store(MarginEngineTopology.STRESS_SCENARIOS);
        accounts = unit.store(MarginEngineTopology.ACCOUNTS);
        this.replica = replica;
        this.book = book;
        this.rejections = rejections;
    }

    /** A scenario replaces the one of its id, or retires it; it must move only underlyings the market lists. */
    FanOut onScenario(io.marginflow.schema.StressScenario scenario, Trigger cause) {
        String id = scenario.getScenarioId();
        if (scenario.getRetired()) {
            scenarios.delete(id);
            return FanOut.NONE;
        }
        List<String> unknown = scenario.getShocks().stream().map(StressShock::getUnderlying)
                .filter(underlying -> !replica.lists(underlying)).sorted().toList();
        if (!unknown.isEmpty()) {
            rejections.reject(id, cause, "UNKNOWN_UNDERLYING", "stress scenario " + id + " moves " + String.join(", ", unknown)
                    + ", on which no instrument of " + MarginEngineTopology.INSTRUMENTS + " is written; the scenario is"
                    + " not applied (publish the instruments first)");
            return FanOut.NONE;
        }
        scenarios.put(id, scenario);
        return FanOut.NONE;
    }

    /**
     * Runs the stress tests if stream time, moving from {@code before} to {@code eventTime} with the
     * entry {@code cause} names, crosses a multiple of the interval (in a unit, before that entry's
     * timers fire and before it is applied). Nothing is written while no scenario is in force and
     * concentration is not judged.
     */
    void beforeEntry(long before, long eventTime, Cause cause) {
        OptionalLong crossed = EngineClock.multipleCrossed(before, eventTime, interval);
        if (crossed.isEmpty()) {
            return;
        }
        List<io.marginflow.schema.StressScenario> records = new ArrayList<>();
        List<StressScenario> inForce = new ArrayList<>();
        try (KeyValueIterator<String, io.marginflow.schema.StressScenario> all = scenarios.all()) {
            all.forEachRemaining(entry -> {
                records.add(entry.value);
                inForce.add(EngineTypes.stressScenario(entry.value));
            });
        }
        if (inForce.isEmpty() && !concentration.judged()) {
            return;
        }
        Market market = replica.market();
        SortedMap<String, OpenInterest> interest = new TreeMap<>();
        StressTest test = new StressTest(market, inForce);
        MemberLosses losses = new MemberLosses(inForce.size());
        int notValued = 0;
        try (KeyValueIterator<String, AccountRecord> all = accounts.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                AccountRecord record = entry.value;
                if (record.portfolio().isEmpty()) {
                    continue;
                }
                AccountRiskView view = book.viewOf(entry.key, record);
                if (concentration.judged()) {
                    for (int p = 0; p < view.positionCount(); p++) {
                        interest.computeIfAbsent(view.instrument(p), i -> new OpenInterest(concentration.largestNeeded()))
                                .add(entry.key, view.quantity(p));
                    }
                }
                if (inForce.isEmpty()) {
                    continue;
                }
                AccountMargin margin;
                double[] pnl;
                try {
                    margin = calculator.margin(view, market);
                    pnl = test.pnl(view);
                } catch (IllegalStateException unpriceable) {
                    notValued++;
                    continue;
                }
                losses.addAccount(record.member().isEmpty() ? entry.key : record.member(), pnl, margin.initialMargin(),
                        margin.equity());
            }
        }
        List<ScenarioShare> shares = new ArrayList<>();
        for (int s = 0; s < inForce.size(); s++) {
            List<MemberStress> members = new ArrayList<>();
            losses.scenario(s).forEach((member, totals) -> members.add(EngineOutputs.memberStress(member, totals)));
            shares.add(new ScenarioShare(records.get(s), members));
        }
        long runTime = crossed.getAsLong();
        List<InstrumentInterest> openInterest = new ArrayList<>();
        interest.forEach((instrument, open) -> openInterest.add(open.record(instrument, market.underlyingOf(instrument))));
        StressPartial partial = new StressPartial(Instant.ofEpochMilli(runTime), cause.getJournalPartition(),
                cause.getJournalOffset(), shares, notValued, cause, openInterest);
        unit.forward(new Record<>(PARTIAL_KEY, partial, runTime), MarginEngineTopology.STRESS_PARTIALS_SINK);
    }

    /** One instrument's open positions in the partition: long and short contracts, holders, the largest ones. */
    private static final class OpenInterest {

        private static final Comparator<AccountPosition> BY_SIZE = Comparator
                .comparingDouble((AccountPosition position) -> Math.abs(position.getContracts())).reversed()
                .thenComparing(AccountPosition::getAccount);

        private double longContracts;
        private double shortContracts;
        private int holders;
        private final int kept;
        private final List<AccountPosition> largest = new ArrayList<>();

        OpenInterest(int kept) {
            this.kept = kept;
        }

        void add(String account, double contracts) {
            if (contracts == 0.0) {
                return;
            }
            if (contracts > 0) {
                longContracts += contracts;
            } else {
                shortContracts -= contracts;
            }
            holders++;
            largest.add(new AccountPosition(account, contracts));
            largest.sort(BY_SIZE);
            if (largest.size() > kept) {
                largest.remove(kept);
            }
        }

        InstrumentInterest record(String instrument, String underlying) {
            return new InstrumentInterest(instrument, underlying, longContracts, shortContracts, holders, List.copyOf(largest));
        }
    }
}
