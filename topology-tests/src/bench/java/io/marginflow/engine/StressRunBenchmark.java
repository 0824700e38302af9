package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.Portfolio;
import io.marginflow.schema.Cause;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.SourceCoordinates;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.StressScenarioKind;
import io.marginflow.schema.StressShock;
import io.marginflow.translation.EngineTypes;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One engine task's stress run, as the engine makes it, against real RocksDB stores: every
 * account of the {@code accounts} store read and decoded, its risk view built (the account cache
 * is cold: the worst case), margined and revalued in {@code scenarios} scenarios, and summed into
 * 50 members' figures. Accounts hold 10 futures positions each over 20 futures on 4 underlyings
 * (the statistical layer off: with it on, each account's margin costs what RecomputeBenchmark's
 * {@code historyDays=1001} says). Run with {@code scripts/bench stress}; results in BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
@Threads(1)
public class StressRunBenchmark {

    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_584_000_000_000L / HOUR * HOUR;
    private static final List<String> UNDERLYINGS = List.of("BTC", "ETH", "SOL", "XRP");

    @Param({"10000", "100000"})
    int accounts;

    @Param({"1", "10"})
    int scenarios;

    private UnitOfWork unit;
    private StressRuns stress;
    private long run;
    private StressPartial last;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        EngineSettings settings = MarginflowConfig.of(Map.of("engine.stress.interval.ms", String.valueOf(HOUR))).engine();
        BenchTask task = new BenchTask("stress-run-bench", MarginEngineTopology.storeValues().keySet(),
                (record, sink) -> last = (StressPartial) record.value());
        MockProcessorContext<String, Object> context = task.context;
        unit = task.unit;
        MarketReplica replica = new MarketReplica(unit, settings);
        replica.restore();
        AccountBook book = new AccountBook(unit, settings, replica::market);
        stress = new StressRuns(settings, unit, replica, book, (key, cause, errorClass, reason) -> {
            throw new IllegalStateException(errorClass + ": " + reason);
        });
        List<InstrumentSpec> futures = new ArrayList<>();
        unit.attempt(() -> {
            for (String underlying : UNDERLYINGS) {
                for (int i = 0; i < 5; i++) {
                    Instrument future = Instrument.newBuilder().setInstrumentId(underlying + "-F" + i)
                            .setKind(InstrumentKind.PERPETUAL).setUnderlying(underlying)
                            .setContractMultiplier(BigDecimal.ONE.setScale(18)).setSettlementAsset("USD").setTickSize(0.01)
                            .setState(InstrumentState.ACTIVE).setEventTime(Instant.ofEpochMilli(T0)).build();
                    InstrumentSpec spec = EngineTypes.instrumentSpec(future);
                    replica.putInstrument(future, spec);
                    replica.putPrice(new PriceUpdate(spec.id(), 100.0 + i, PriceKind.MARK, Instant.ofEpochMilli(T0)), T0);
                    futures.add(spec);
                }
            }
            return futures;
        }, e -> {
            throw e;
        });
        KeyValueStore<String, AccountRecord> store = context.getStateStore(MarginEngineTopology.ACCOUNTS);
        Random random = new Random(42);
        for (int a = 0; a < accounts; a++) {
            Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", BigDecimal.valueOf(100_000));
            List<InstrumentSpec> held = new ArrayList<>(futures);
            Collections.shuffle(held, random);
            for (int p = 0; p < 10; p++) {
                BigDecimal quantity = BigDecimal.valueOf(random.nextInt(200) - 100 + (random.nextBoolean() ? 0.5 : 0.25));
                portfolio = portfolio.withFill(held.get(p), quantity, 100.0, BigDecimal.ZERO, "USD");
            }
            store.put(String.format("ACC-%07d", a), AccountRecord.NEW.withPortfolio(portfolio).withMember("CM-" + a % 50));
        }
        KeyValueStore<String, StressScenario> scenarioStore = context.getStateStore(MarginEngineTopology.STRESS_SCENARIOS);
        for (int s = 0; s < scenarios; s++) {
            List<StressShock> shocks = new ArrayList<>();
            for (int u = 0; u < UNDERLYINGS.size(); u++) {
                shocks.add(new StressShock(UNDERLYINGS.get(u), -0.05 * (s + 1) + 0.01 * u, 1.0 + 0.1 * s));
            }
            String id = String.format("S-%02d", s);
            scenarioStore.put(id, StressScenario.newBuilder().setScenarioId(id).setKind(StressScenarioKind.HYPOTHETICAL)
                    .setDescription(id).setShocks(shocks).setEventTime(Instant.ofEpochMilli(T0)).build());
        }
        run = T0 / HOUR;
    }

    /** One run: the entry that crosses the next hour. */
    @Benchmark
    public StressPartial run() {
        long boundary = ++run * HOUR;
        unit.attempt(() -> {
            stress.beforeEntry(boundary - 1, boundary, new Cause(0, run, new SourceCoordinates("market.clock", 0, run,
                    Instant.ofEpochMilli(boundary)), Instant.ofEpochMilli(boundary)));
            return boundary;
        }, e -> {
            throw e;
        });
        if (last == null || last.getRunTime().toEpochMilli() != boundary
                || last.getScenarios().get(0).getMembers().stream().mapToInt(m -> m.getAccounts()).sum() != accounts) {
            throw new IllegalStateException("the run did not value every account");
        }
        return last;
    }
}
