package io.marginflow.risk.bench;

import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.RiskModel;
import io.marginflow.risk.lifecycle.ReductionPlan;
import io.marginflow.risk.lifecycle.ReductionPlanner;
import java.math.BigDecimal;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * A liquidation's reduction plan for one account of 50 futures positions over 4 underlyings with
 * equity at 70% of its initial margin, on one thread; with {@code historyDays} 1,001 every margin
 * evaluation the planner makes includes the 1,000-scenario FHS. Run with {@code scripts/bench
 * engine ReductionPlan}; results in BENCHMARKS.md (target: well under a millisecond).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class ReductionPlanBenchmark {


    @Param({"50"})
    int positions;

    @Param({"0", "1001"})
    int historyDays;

    private Market market;
    private Portfolio account;
    private double target;
    private final ReductionPlanner planner = new ReductionPlanner();

    @Setup
    public void setUp() {
        market = FourUnderlyings.market(historyDays, RiskModel.VolatilityModel.EWMA);
        List<String> underlyings = FourUnderlyings.UNDERLYINGS;
        Random random = new Random(42);
        Portfolio portfolio = Portfolio.EMPTY;
        for (int p = 0; p < positions; p++) {
            String id = underlyings.get(p % 4) + "-F" + p;
            InstrumentSpec spec = new InstrumentSpec(id, InstrumentSpec.Kind.FUTURE, underlyings.get(p % 4),
                    OptionalLong.empty(), BigDecimal.ONE, "USD", true, java.util.Optional.empty(), new BigDecimal("0.01"));
            market.putInstrument(spec);
            market.putMark(id, 100.0 + p);
            BigDecimal quantity = BigDecimal.valueOf(random.nextInt(200) - 100 + 0.5);
            portfolio = portfolio.withFill(spec, quantity, 100.0 + p, BigDecimal.ZERO, "USD");
        }
        double im = new MarginCalculator().margin(AccountRiskView.of(portfolio, market), market).initialMargin();
        account = portfolio.withMovement("USD", BigDecimal.valueOf(0.7 * im));
        target = 0.7 * im / 1.05;
        if (plan().steps().isEmpty()) {
            throw new IllegalStateException("the account needs no plan");
        }
    }

    @Benchmark
    public ReductionPlan plan() {
        return planner.plan(account, market, target, false);
    }
}
