package io.marginflow.risk.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.Position;
import io.marginflow.risk.VolatilityScan;
import io.marginflow.risk.options.OptionType;
import io.marginflow.risk.options.VolSurface;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reduction plans, checked by executing them: every plan is applied as fills at its marks to the
 * ledger and the account margined again, independently of how the planner searched.
 */
class ReductionPlannerTest {

    private static final long DAY = 24L * 3_600_000;
    private static final long NOW = 1_700_000_000_000L;
    private static final double RELEASE = 1.05;

    /** ±16% in 9 steps, vol ±30%/−20%, extremes −50%/+60% at 30%, 1% short option minimum. */
    private static final MarginParameters PARAMETERS = MarginParameters.builder("*")
            .extremeMove(-0.5, 0.3).extremeMove(0.6, 0.3)
            .volatility(new VolatilityScan(0.3, 0.2, 0.5, true))
            .shortOptionMinimum(0.01)
            .build();

    private final List<InstrumentSpec> instruments = new ArrayList<>();
    private final Market market = market();
    private final MarginCalculator calculator = new MarginCalculator();
    private final ReductionPlanner planner = new ReductionPlanner();

    @Test
    void executingThePlanAtTheMarksRestoresTheReleaseLevelWithoutGrowingAPositionAndKeepsHedgesTogether() {
        Random random = new Random(12);
        int restored = 0;
        int wholeBooks = 0;
        for (int book = 0; book < 400; book++) {
            Portfolio positions = Portfolio.EMPTY;
            for (int leg = 0; leg < 1 + random.nextInt(8); leg++) {
                InstrumentSpec spec = instruments.get(random.nextInt(instruments.size()));
                BigDecimal lots = BigDecimal.valueOf(1 + random.nextInt(40)).multiply(spec.lotSize());
                positions = positions.withFill(spec, random.nextBoolean() ? lots : lots.negate(),
                        market.risk(spec.id()).mark(), BigDecimal.ZERO, "USD");
            }
            double im = margin(positions).initialMargin();
            if (positions.positions().isEmpty() || im <= 0.0) {
                continue;
            }
            double equity = im * (-0.3 + 1.25 * random.nextDouble());
            Portfolio account = positions.withMovement("USD", BigDecimal.valueOf(equity - margin(positions).equity()));
            double target = equity / RELEASE;

            ReductionPlan plan = planner.plan(account, market, target, equity <= 0.0);

            Portfolio after = execute(account, plan);
            String context = "book " + book + " " + account.positions().values() + " equity " + equity + " plan " + plan;
            assertThat(margin(after).equity()).as(context).isCloseTo(margin(account).equity(),
                    org.assertj.core.api.Assertions.within(1e-6 * Math.max(1.0, Math.abs(equity))));
            if (plan.restores()) {
                restored++;
                assertThat(margin(after).initialMargin()).as(context).isLessThanOrEqualTo(target + 1e-9 * im);
                assertThat(plan.initialMarginAfter()).as(context).isCloseTo(margin(after).initialMargin(),
                        org.assertj.core.api.Assertions.within(1e-6 * im));
            } else {
                wholeBooks++;
                assertThat(after.positions()).as(context).isEmpty();
            }
            assertReduceOnly(account, plan, context);
            assertHedgesKeptTogether(account, plan, context);
        }
        assertThat(restored).isGreaterThan(100);
        assertThat(wholeBooks).isGreaterThan(20);
    }

    @Test
    void thePositionsThatFreeTheMostMarginPerNotionalCloseFirstAndAHedgedPairIsLeftAlone() {
        InstrumentSpec btcPerp = spec("BTC-PERPETUAL");
        InstrumentSpec btcFuture = spec("BTC-FUT");
        InstrumentSpec ethPerp = spec("ETH-PERPETUAL");
        Portfolio positions = fill(fill(fill(Portfolio.EMPTY, btcPerp, "10"), btcFuture, "-10"), ethPerp, "100");
        double im = margin(positions).initialMargin();
        Portfolio account = positions.withMovement("USD", BigDecimal.valueOf(0.8 * im));

        ReductionPlan plan = planner.plan(account, market, 0.8 * im / RELEASE, false);

        assertThat(plan.restores()).isTrue();
        assertThat(plan.steps()).extracting(ReductionPlan.Step::instrument).containsExactly("ETH-PERPETUAL");
        ReductionPlan.Step step = plan.steps().get(0);
        assertThat(step.side()).isEqualTo(ReductionPlan.Side.SELL);
        assertThat(step.quantity()).isLessThan(new BigDecimal("100"));
        assertThat(step.marginReleased()).isPositive();
    }

    @Test
    void aGroupClosedTogetherClosesItsShortOptionsBeforeTheirHedge() {
        InstrumentSpec perp = spec("BTC-PERPETUAL");
        InstrumentSpec call = instruments.stream().filter(s -> s.id().endsWith("-40000-C")).findFirst().orElseThrow();
        InstrumentSpec put = instruments.stream().filter(s -> s.id().endsWith("-30000-P")).findFirst().orElseThrow();
        Portfolio account = fill(fill(fill(Portfolio.EMPTY, perp, "5"), call, "-5"), put, "5")
                .withMovement("USD", new BigDecimal("-1000000"));

        ReductionPlan plan = planner.plan(account, market, -1, true);

        assertThat(plan.restores()).isFalse();
        assertThat(plan.steps()).extracting(ReductionPlan.Step::instrument)
                .containsExactly(call.id(), put.id(), "BTC-PERPETUAL");
        assertThat(plan.steps()).extracting(ReductionPlan.Step::side)
                .containsExactly(ReductionPlan.Side.BUY, ReductionPlan.Side.SELL, ReductionPlan.Side.SELL);
    }

    @Test
    void anAccountAlreadyWithinTheTargetNeedsNoStepAndAnEmptyOneHasNothingToClose() {
        Portfolio account = fill(Portfolio.EMPTY, spec("ETH-PERPETUAL"), "1");

        assertThat(planner.plan(account, market, 1e12, false).steps()).isEmpty();
        assertThat(planner.plan(Portfolio.EMPTY, market, 0, true)).isEqualTo(ReductionPlan.NOTHING);
    }

    private void assertReduceOnly(Portfolio account, ReductionPlan plan, String context) {
        Map<String, BigDecimal> traded = new HashMap<>();
        for (ReductionPlan.Step step : plan.steps()) {
            Position position = account.positions().get(step.instrument());
            assertThat(position).as(context).isNotNull();
            assertThat(step.side()).as(context)
                    .isEqualTo(position.quantity().signum() > 0 ? ReductionPlan.Side.SELL : ReductionPlan.Side.BUY);
            assertThat(traded.put(step.instrument(), step.quantity())).as("one step per instrument; " + context).isNull();
            assertThat(step.quantity()).as(context).isLessThanOrEqualTo(position.quantity().abs());
            BigDecimal lot = market.instrument(step.instrument()).orElseThrow().lotSize();
            boolean whole = step.quantity().compareTo(position.quantity().abs()) == 0;
            assertThat(whole || step.quantity().remainder(lot).signum() == 0).as("a whole lot; " + context).isTrue();
        }
    }

    /** A partly reduced underlying has every position reduced by the same fraction, within a lot each. */
    private void assertHedgesKeptTogether(Portfolio account, ReductionPlan plan, String context) {
        Map<String, Double> fractionByInstrument = new HashMap<>();
        for (ReductionPlan.Step step : plan.steps()) {
            fractionByInstrument.put(step.instrument(),
                    step.quantity().doubleValue() / account.positions().get(step.instrument()).quantity().abs().doubleValue());
        }
        Map<String, List<Position>> byUnderlying = new HashMap<>();
        for (Position position : account.positions().values()) {
            byUnderlying.computeIfAbsent(market.instrument(position.instrument()).orElseThrow().underlying(),
                    u -> new ArrayList<>()).add(position);
        }
        for (List<Position> group : byUnderlying.values()) {
            double low = Double.MAX_VALUE;
            double high = 0.0;
            double slack = 0.0;
            for (Position position : group) {
                double fraction = fractionByInstrument.getOrDefault(position.instrument(), 0.0);
                low = Math.min(low, fraction);
                high = Math.max(high, fraction);
                slack += market.instrument(position.instrument()).orElseThrow().lotSize().doubleValue()
                        / position.quantity().abs().doubleValue();
            }
            assertThat(high - low).as(context).isLessThanOrEqualTo(slack + 1e-12);
        }
        // within an underlying: short options, then long options, then futures and swaps
        int previousRank = -1;
        String previousUnderlying = "";
        for (ReductionPlan.Step step : plan.steps()) {
            InstrumentSpec spec = market.instrument(step.instrument()).orElseThrow();
            int rank = spec.isLinear() ? 2 : step.side() == ReductionPlan.Side.BUY ? 0 : 1;
            if (spec.underlying().equals(previousUnderlying)) {
                assertThat(rank).as(context).isGreaterThanOrEqualTo(previousRank);
            }
            previousRank = rank;
            previousUnderlying = spec.underlying();
        }
    }

    private Portfolio execute(Portfolio account, ReductionPlan plan) {
        Portfolio after = account;
        for (ReductionPlan.Step step : plan.steps()) {
            after = after.withFill(market.instrument(step.instrument()).orElseThrow(), step.signedQuantity(),
                    step.markPrice(), BigDecimal.ZERO, "USD");
        }
        return after;
    }

    private io.marginflow.risk.AccountMargin margin(Portfolio portfolio) {
        return calculator.margin(io.marginflow.risk.AccountRiskView.of(portfolio, market), market);
    }

    private Portfolio fill(Portfolio portfolio, InstrumentSpec spec, String quantity) {
        return portfolio.withFill(spec, new BigDecimal(quantity), market.risk(spec.id()).mark(), BigDecimal.ZERO, "USD");
    }

    private InstrumentSpec spec(String id) {
        return market.instrument(id).orElseThrow();
    }

    /** BTC at 35,000 and ETH at 2,000: a perpetual, a future and calls and puts on a smile for each. */
    private Market market() {
        Market m = new Market(PARAMETERS, Set.of("USD"));
        define(m, "BTC", 35_000, new BigDecimal("0.001"), new double[] {25_000, 30_000, 35_000, 40_000, 50_000});
        define(m, "ETH", 2_000, new BigDecimal("0.01"), new double[] {1_500, 1_800, 2_000, 2_200, 2_800});
        return m;
    }

    private void define(Market m, String underlying, double price, BigDecimal lot, double[] strikes) {
        long expiry = NOW + 30 * DAY;
        double[] vols = {0.75, 0.65, 0.6, 0.62, 0.7};
        m.putSurface(VolSurface.of(underlying, NOW, List.of(new VolSurface.Smile(expiry, price, strikes, vols))),
                OptionalDouble.empty());
        m.advanceValuationTime(underlying, NOW);
        put(m, new InstrumentSpec(underlying + "-PERPETUAL", InstrumentSpec.Kind.PERPETUAL, underlying,
                OptionalLong.empty(), BigDecimal.ONE, "USD", true, Optional.empty(), lot));
        m.putMark(underlying + "-PERPETUAL", price);
        put(m, new InstrumentSpec(underlying + "-FUT", InstrumentSpec.Kind.FUTURE, underlying, OptionalLong.of(expiry),
                BigDecimal.ONE, "USD", true, Optional.empty(), lot));
        m.putMark(underlying + "-FUT", price * 1.01);
        for (double strike : strikes) {
            for (OptionType type : OptionType.values()) {
                put(m, new InstrumentSpec(underlying + "-" + (long) strike + "-" + type.name().charAt(0),
                        InstrumentSpec.Kind.OPTION, underlying, OptionalLong.of(expiry), BigDecimal.ONE, "USD", true,
                        Optional.of(new InstrumentSpec.OptionTerms(type, strike)), BigDecimal.ONE.movePointLeft(1)));
            }
        }
    }

    private void put(Market m, InstrumentSpec spec) {
        m.putInstrument(spec);
        instruments.add(spec);
    }
}
