package io.marginflow.risk.bench;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.ExtremeMove;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.RiskModel;
import io.marginflow.risk.VolatilityScan;
import io.marginflow.risk.stats.AntiProcyclicality;
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
 * Account recomputes with the statistical layer on: 4 underlyings with 1,001 daily returns each
 * (1,000 one-day FHS scenarios), correlation offsets, 100,000 accounts of 10 futures positions,
 * on one thread. {@code recompute}: one account (scenario margin per underlying, offsets, the
 * portfolio's 1,000 FHS losses, VaR and ES); {@code tickThenRecompute}: a mark moves (that
 * instrument's grid and FHS vectors are recomputed), then 1,000 accounts; per account.
 * Run with {@code scripts/bench engine}; results in BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class FhsRecomputeBenchmark {

    private static final long DAY = 86_400_000L;

    @Param({"100000"})
    int accounts;

    @Param({"10"})
    int positionsPerAccount;

    /** The volatility forecast: EWMA, or GARCH refitted at every refresh. */
    @Param({"EWMA"})
    String forecast;

    private Market market;
    private final MarginCalculator calculator = new MarginCalculator();
    private AccountRiskView[] views;
    private List<String> instruments;
    private int next;
    private double mark = 100.0;

    @Setup
    public void setUp() {
        RiskModel model = new RiskModel(RiskModel.VolatilityModel.valueOf(forecast), 0.94, 0.99, 0.975, 1, 0.5,
                AntiProcyclicality.NONE, 0.0, 0.0, 0.0, 0.0, 0L);
        MarginParameters parameters = new MarginParameters("*", 1, 0, 0.16, 9,
                List.of(new ExtremeMove(-0.5, 0.25), new ExtremeMove(1.0, 0.25)), VolatilityScan.NONE, 0.0, 0.5,
                new TreeMap<>(), 3_600_000, model);
        market = new Market(parameters, Set.of("USD"), new Market.HistorySettings(DAY, 1_001, 250));
        Random random = new Random(42);
        instruments = new ArrayList<>();
        double[] prices = {10_000, 200, 20, 0.3};
        List<String> underlyings = List.of("BTC", "ETH", "SOL", "XRP");
        for (int day = 0; day <= 1_002; day++) {
            double common = random.nextGaussian();
            for (int u = 0; u < 4; u++) {
                prices[u] *= Math.exp(0.03 * (0.6 * common + 0.8 * random.nextGaussian()));
                market.recordIndexPrice(underlyings.get(u), day * DAY, prices[u]);
            }
        }
        for (String underlying : underlyings) {
            for (int i = 0; i < 5; i++) {
                String id = underlying + "-F" + i;
                market.putInstrument(new InstrumentSpec(id, InstrumentSpec.Kind.FUTURE, underlying, OptionalLong.empty(),
                        BigDecimal.ONE, "USD", true));
                market.putMark(id, 100.0 + i);
                instruments.add(id);
            }
        }
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
        if (calculator.margin(views[0], market).expectedShortfall() <= 0.0) {
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
     * One underlying's statistics refreshed from its 1,000-return history (forecast, GARCH fit if
     * chosen, FHS moves), as on the first event after a refresh boundary; instrument vectors are
     * rebuilt on their next use, which {@code tickThenRecompute} covers.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Object refreshStatistics() {
        market.putHistory("BTC", market.history("BTC").orElseThrow());
        return market.statistics("BTC").orElseThrow();
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public double tickThenRecompute() {
        mark = mark == 100.0 ? 100.1 : 100.0;
        market.putMark(instruments.get(next % instruments.size()), mark);
        double sum = 0;
        for (int i = 0; i < 1_000; i++) {
            sum += recompute().initialMargin();
        }
        return sum;
    }
}
