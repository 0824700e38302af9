package io.marginflow.risk.bench;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.RiskModel;
import io.marginflow.risk.lifecycle.Lifecycle;
import io.marginflow.risk.lifecycle.LifecycleRules;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.risk.lifecycle.ReductionPlan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
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
 * The engine's hot path after a price tick: recomputing accounts of 10 futures positions each,
 * over 20 instruments on 4 underlyings, on one thread. {@code recompute} is one account against a
 * warm market (instrument vectors cached); {@code tickThenRecompute} moves a mark, which reprices
 * that instrument once, then recomputes 1,000 accounts, so its per-operation figure includes the
 * repricing amortised as in the stream.
 *
 * <p>With {@code historyDays} 1,001 the statistical layer is on: each underlying has 1,001 daily
 * returns (1,000 one-day FHS scenarios, {@code forecast} EWMA or GARCH) and offsets between
 * underlyings are capped at 50%, so a recompute adds the portfolio's 1,000 FHS losses, VaR and ES;
 * {@code refreshStatistics} times one underlying's refresh.
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

    /** Daily index history per underlying: 0 leaves the statistical layer off. */
    @Param({"0", "1001"})
    int historyDays;

    /** The volatility forecast of the statistical layer: EWMA, or GARCH refitted at every refresh. */
    @Param({"EWMA"})
    String forecast;

    private Market market;
    private final MarginCalculator calculator = new MarginCalculator();
    private AccountRiskView[] views;
    private List<String> instruments;
    private int next;
    private double mark = 5_000.0;

    @Setup
    public void setUp() {
        market = FourUnderlyings.market(historyDays, RiskModel.VolatilityModel.valueOf(forecast));
        List<String> underlyings = FourUnderlyings.UNDERLYINGS;
        instruments = new ArrayList<>();
        for (String underlying : underlyings) {
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
        if (historyDays > 0 && calculator.margin(views[0], market).expectedShortfall() <= 0.0) {
            throw new IllegalStateException("the statistical layer is not on");
        }
    }

    @Benchmark
    public AccountMargin recompute() {
        AccountRiskView view = views[next];
        next = next + 1 == views.length ? 0 : next + 1;
        return calculator.margin(view, market);
    }

    /**
     * One underlying's statistics refreshed from its history (forecast, GARCH fit if chosen, FHS
     * moves), as on the first event after a refresh boundary; instrument vectors are rebuilt on
     * their next use, which {@code tickThenRecompute} covers. Nothing to refresh without history.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Object refreshStatistics() {
        market.history("BTC").ifPresent(history -> market.putHistory("BTC", history));
        return market.statistics("BTC");
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

    /**
     * The tick path with a market snapshot, as the engine runs it since issue 12: two marks of one
     * underlying move together, then 1,000 accounts are recomputed once each and their lifecycle
     * decided (no plan needed: these accounts are well funded). Per account, to compare with
     * {@code tickThenRecompute}.
     */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public int snapshotThenRecomputeAndDecide() {
        mark = mark == 5_000.0 ? 5_001.0 : 5_000.0;
        int first = (next / 5 * 5) % instruments.size();
        market.putMark(instruments.get(first), mark);
        market.putMark(instruments.get(first + 1), mark);
        int events = 0;
        for (int i = 0; i < 1_000; i++) {
            AccountMargin margin = recompute();
            Lifecycle.Outcome outcome = Lifecycle.decide(LifecycleState.NEW, new Lifecycle.Situation("ACC", new Lifecycle.Figures(
                    margin.equity(), margin.initialMargin(), margin.maintenanceMargin()), LifecycleRules.DEFAULT, next,
                    false, positionsPerAccount, (target, wholeBook) -> ReductionPlan.NOTHING));
            events += outcome.events().size();
        }
        return events;
    }
}
