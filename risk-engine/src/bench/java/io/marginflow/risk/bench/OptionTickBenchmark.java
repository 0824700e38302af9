package io.marginflow.risk.bench;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.VolatilityScan;
import io.marginflow.risk.options.OptionType;
import io.marginflow.risk.options.VolSurface;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
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
 * A tick on an underlying with 500 listed options (10 expiries × 25 strikes × call and put) and
 * 100,000 accounts holding them, 10 positions each (options and a perpetual), on one thread.
 * The scenario grid is 9 price points × vol up / unchanged / down + 2 extremes = 29 scenarios.
 *
 * <ul>
 *   <li>{@code repriceOptions}: an index tick, then every option's scenario vector recomputed
 *       (29 full Black-76 revaluations each) — the instrument work per tick per task, in ms;</li>
 *   <li>{@code recompute}: one account against the warm market — account recomputes per second;</li>
 *   <li>{@code tickThenRecomputeAll}: the whole fan-out of a tick, repricing and all 100,000
 *       accounts, per account.</li>
 * </ul>
 * With {@code -p historyDays=1001} the statistical layer is on: each option is also revalued in
 * 1,000 FHS scenarios per tick, and accounts compute VaR and ES.
 * Run with {@code scripts/bench engine}; results in BENCHMARKS.md.
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class OptionTickBenchmark {

    private static final long NOW = 1_589_500_000_000L;
    private static final long DAY = 24L * 3600 * 1000;
    private static final int EXPIRIES = 10;
    private static final int STRIKES = 25;

    @Param({"100000"})
    int accounts;

    @Param({"10"})
    int positionsPerAccount;

    /** Daily index history before the tick: 0 leaves the statistical layer off; 1,001 gives 1,000 FHS scenarios. */
    @Param({"0"})
    int historyDays;

    private Market market;
    private final MarginCalculator calculator = new MarginCalculator();
    private final List<String> options = new ArrayList<>();
    private AccountRiskView[] views;
    private int next;
    private double index = 10_000.0;

    @Setup
    public void setUp() {
        MarginParameters parameters = MarginParameters.builder("*")
                .extremeMove(-0.66, 0.3).extremeMove(5.0, 0.3)
                .volatility(new VolatilityScan(0.3, 0.2, 0.5, true))
                .shortOptionMinimum(0.01)
                .callGracePeriodMillis(3_600_000)
                .build();
        market = new Market(parameters, Set.of("USD"), new Market.HistorySettings(DAY, Math.max(historyDays, 1_000), 250));
        Random history = new Random(3);
        double price = 10_000.0;
        for (int day = -historyDays; day <= 0; day++) {
            price *= Math.exp(0.03 * history.nextGaussian());
            market.recordIndexPrice("BTC", NOW + day * DAY, historyDays == 0 ? 10_000.0 : price);
        }
        List<VolSurface.Smile> smiles = new ArrayList<>();
        for (int e = 0; e < EXPIRIES; e++) {
            long expiry = NOW + (1 + 7L * e * e) * DAY; // 1 day to about 1.5 years
            double[] strikes = new double[STRIKES];
            double[] vols = new double[STRIKES];
            for (int k = 0; k < STRIKES; k++) {
                strikes[k] = 5_000 + 500.0 * k;
                double x = Math.log(strikes[k] / 10_000);
                vols[k] = 0.7 + 0.3 * x * x; // a smile
            }
            smiles.add(new VolSurface.Smile(expiry, 10_000.0, strikes, vols));
            for (double strike : strikes) {
                for (OptionType type : OptionType.values()) {
                    String id = "BTC-" + e + "-" + (long) strike + "-" + type.name().charAt(0);
                    market.putInstrument(new InstrumentSpec(id, InstrumentSpec.Kind.OPTION, "BTC", OptionalLong.of(expiry),
                            new BigDecimal("0.1"), "USD", true, Optional.of(new InstrumentSpec.OptionTerms(type, strike))));
                    options.add(id);
                }
            }
        }
        market.putIndexPrice("BTC", index);
        market.putSurface(VolSurface.of("BTC", NOW, smiles), OptionalDouble.of(index));
        market.advanceValuationTime("BTC", NOW);
        market.putInstrument(new InstrumentSpec("BTC-PERPETUAL", InstrumentSpec.Kind.PERPETUAL, "BTC", OptionalLong.empty(),
                BigDecimal.ONE, "USD", true));
        market.putMark("BTC-PERPETUAL", index);

        Random random = new Random(42);
        views = new AccountRiskView[accounts];
        for (int a = 0; a < accounts; a++) {
            Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", BigDecimal.valueOf(100_000))
                    .withFill(market.instrument("BTC-PERPETUAL").orElseThrow(), BigDecimal.valueOf(random.nextInt(21) - 10 + 0.5),
                            10_000.0, BigDecimal.ZERO, "USD");
            for (int p = 1; p < positionsPerAccount; p++) {
                String id = options.get(random.nextInt(options.size()));
                BigDecimal quantity = BigDecimal.valueOf(random.nextInt(40) - 20 + 0.5);
                portfolio = portfolio.withFill(market.instrument(id).orElseThrow(), quantity, 100.0, BigDecimal.ZERO, "USD");
            }
            views[a] = AccountRiskView.of(portfolio, market);
        }
    }

    /** An index tick and every option repriced under every scenario, as the first account to need them would. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public double repriceOptions() {
        tick();
        double sum = 0;
        for (String option : options) {
            sum += market.risk(option).mark();
        }
        return sum;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public AccountMargin recompute() {
        AccountRiskView view = views[next];
        next = next + 1 == views.length ? 0 : next + 1;
        return calculator.margin(view, market);
    }

    /** One tick's whole fan-out: repricing (on first use) and every account recomputed; per account. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(100_000)
    public double tickThenRecomputeAll() {
        tick();
        double sum = 0;
        for (AccountRiskView view : views) {
            sum += calculator.margin(view, market).initialMargin();
        }
        return sum;
    }

    private void tick() {
        index = index == 10_000.0 ? 10_010.0 : 10_000.0;
        market.putIndexPrice("BTC", index);
    }
}
