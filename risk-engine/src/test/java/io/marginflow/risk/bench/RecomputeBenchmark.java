package io.marginflow.risk.bench;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.ExtremeMove;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.VolatilityScan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's hot path after a price tick: recomputing accounts of 10 positions each, on one
 * thread. {@code recompute} is one account against a warm market (instrument vectors cached);
 * {@code tickThenRecompute} moves a mark, which reprices that instrument once, then recomputes
 * 1,000 accounts, so its per-operation figure includes the repricing amortised as in the stream.
 * Run with {@code scripts/bench engine}; results in BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class RecomputeBenchmark {

    @Param({"100000"})
    int accounts;

    @Param({"10"})
    int positionsPerAccount;

    private Market market;
    private final MarginCalculator calculator = new MarginCalculator();
    private AccountRiskView[] views;
    private List<String> instruments;
    private int next;
    private double mark = 5_000.0;

    @Setup
    public void setUp() {
        MarginParameters parameters = new MarginParameters("*", 1, 0, 0.16, 9,
                List.of(new ExtremeMove(-0.5, 0.25), new ExtremeMove(1.0, 0.25)), VolatilityScan.NONE, 0.0, 0.5, new TreeMap<>(), 3_600_000);
        market = new Market(parameters, Set.of("USD"));
        instruments = new ArrayList<>();
        for (String underlying : List.of("BTC", "ETH", "SOL", "XRP")) {
            for (int i = 0; i < 5; i++) {
                String id = underlying + "-F" + i;
                market.putInstrument(new InstrumentSpec(id, InstrumentSpec.Kind.FUTURE, underlying, OptionalLong.empty(),
                        BigDecimal.ONE, "USD", true));
                market.putMark(id, 100.0 + i);
                instruments.add(id);
            }
        }
        Random random = new Random(42);
        views = new AccountRiskView[accounts];
        for (int a = 0; a < accounts; a++) {
            Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", BigDecimal.valueOf(100_000));
            List<String> held = new ArrayList<>(instruments);
            Collections.shuffle(held, random);
            for (int p = 0; p < positionsPerAccount; p++) {
                String id = held.get(p);
                BigDecimal quantity = BigDecimal.valueOf(random.nextInt(200) - 100 + (random.nextBoolean() ? 0.5 : 0.25));
                portfolio = portfolio.withFill(market.instrument(id).orElseThrow(), quantity, 100.0, BigDecimal.ZERO, "USD");
            }
            views[a] = AccountRiskView.of(portfolio, market);
        }
    }

    @Benchmark
    public AccountMargin recompute() {
        AccountRiskView view = views[next];
        next = next + 1 == views.length ? 0 : next + 1;
        return calculator.margin(view, market);
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public double tickThenRecompute() {
        mark = mark == 5_000.0 ? 5_001.0 : 5_000.0;
        market.putMark(instruments.get(next % instruments.size()), mark);
        double sum = 0;
        for (int i = 0; i < 1_000; i++) {
            sum += recompute().initialMargin();
        }
        return sum;
    }
}
