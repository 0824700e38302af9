package io.marginflow.engine;

import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The cost of an engine task's deadline check on each journal entry, against real RocksDB stores:
 * {@code callOpen} accounts have an open margin call (a deadline in the {@code timers} store, an
 * hour to a day ahead). {@code entryThatExpiresNothing} is what every entry pays: stream time
 * moves (one store write) and the due timers are looked up; {@code entryThatExpiresOne} is an
 * entry just after the earliest deadline, which then fires and is removed. Run with
 * {@code scripts/bench timers}; results in BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class EngineClockBenchmark {

    private static final long T0 = 1_584_000_000_000L;

    @Param({"0", "100000"})
    int callOpen;

    private UnitOfWork unit;
    private EngineClock clock;
    private long now;
    private long next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        unit = new BenchTask("engine-clock-bench", List.of(MarginEngineTopology.CLOCK, MarginEngineTopology.TIMERS),
                (record, sink) -> {
                    throw new UnsupportedOperationException("the clock forwards nothing");
                }).unit;
        clock = new EngineClock(unit);
        clock.restore();
        for (int i = 0; i < callOpen; i++) {
            int account = i;
            unit.attempt(() -> {
                clock.schedule(T0 + 3_600_000L + account * 864L, EngineClock.Kind.CALL_DEADLINE, "ACC-" + account);
                return account;
            }, e -> { });
        }
        now = T0;
        next = T0 + 3_600_000L;
    }

    @Benchmark
    public List<EngineClock.Due> entryThatExpiresNothing() {
        long t = ++now;
        unit.attempt(() -> clock.advance(t), e -> { });
        return clock.due(t);
    }

    @Benchmark
    public List<EngineClock.Due> entryThatExpiresOne() {
        if (callOpen == 0) {
            return List.of();
        }
        next += 864L;
        long t = next;
        unit.attempt(() -> clock.advance(t), e -> { });
        List<EngineClock.Due> due = clock.due(t);
        unit.attempt(() -> {
            clock.remove(due);
            return due;
        }, e -> { });
        return due;
    }
}
