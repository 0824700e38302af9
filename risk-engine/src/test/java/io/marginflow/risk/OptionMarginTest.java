package io.marginflow.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.options.Black76;
import io.marginflow.risk.options.OptionType;
import io.marginflow.risk.options.VolSurface;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario margin of option portfolios: the properties a risk-array margin must have, each
 * checked over many options, and the scenario arithmetic checked against Black-76 evaluated
 * directly (Black76Test checks Black-76 against Haug and Hull).
 */
class OptionMarginTest {

    private static final long DAY = 24L * 3600 * 1000;
    private static final long NOW = 1_589_500_000_000L; // 2020-05-14T23:46:40Z
    private static final long[] EXPIRIES = {NOW + 7 * DAY, NOW + 30 * DAY, NOW + 90 * DAY};
    private static final double[] STRIKES = {6_000, 8_000, 9_000, 10_000, 11_000, 12_000, 15_000};
    private static final double[] SMILE = {0.95, 0.80, 0.74, 0.70, 0.72, 0.76, 0.88};

    /** ±16% in 9 steps; vol +30% / −20%, scaled by (30/days)^0.5; extremes −66% and +100% at 30%. */
    static final MarginParameters OPTIONS = MarginParameters.builder("*")
            .extremeMove(-0.66, 0.3).extremeMove(1.0, 0.3)
            .volatility(new VolatilityScan(0.3, 0.2, 0.5, true))
            .build();

    private Market market;
    private final MarginCalculator calculator = new MarginCalculator();

    @BeforeEach
    void market() {
        market = marketWithVolsScaledBy(1.0, OPTIONS);
    }

    @ParameterizedTest
    @EnumSource(OptionType.class)
    void aLongOptionNeverNeedsMoreThanItsPremium(OptionType type) {
        for (long expiry : EXPIRIES) {
            for (double strike : new double[] {3_000, 6_000, 9_500, 10_000, 10_500, 14_000, 30_000}) {
                InstrumentSpec option = option(type, strike, expiry, "0.1");
                AccountMargin margin = margin(Portfolio.EMPTY.withFill(option, new BigDecimal("3"), 1.0, BigDecimal.ZERO, "USD"));
                double premium = 3 * 0.1 * market.risk(option.id()).mark();

                assertThat(margin.initialMargin()).as("%s", option.id()).isLessThanOrEqualTo(premium + 1e-9);
                assertThat(margin.initialMargin()).as("%s", option.id()).isGreaterThanOrEqualTo(0.0);
            }
        }
    }

    @Test
    void randomBooksOfLongOptionsNeverNeedMoreThanTheirValueAndNoBookGivesNaN() {
        java.util.Random random = new java.util.Random(4);
        OptionType[] types = OptionType.values();
        for (int book = 0; book < 300; book++) {
            Portfolio longs = Portfolio.EMPTY;
            Portfolio mixed = Portfolio.EMPTY;
            double value = 0.0;
            for (int leg = 0; leg < 1 + random.nextInt(6); leg++) {
                InstrumentSpec option = option(types[random.nextInt(2)], 500.0 * (6 + random.nextInt(40)),
                        EXPIRIES[random.nextInt(EXPIRIES.length)], "1");
                int quantity = 1 + random.nextInt(5);
                longs = fill(longs, option, quantity);
                mixed = fill(mixed, option, random.nextBoolean() ? quantity : -quantity);
                value += quantity * market.risk(option.id()).mark();
            }
            double longRequirement = requirement(longs);
            assertThat(longRequirement).as("book %d", book).isBetween(0.0, value + 1e-6);
            AccountMargin margin = margin(mixed);
            assertThat(margin.initialMargin()).as("book %d", book).isFinite().isNotNegative();
            UnderlyingRisk btc = margin.underlyings().get(0);
            assertThat(List.of(btc.netDelta(), btc.gamma(), btc.vega(), btc.theta(), btc.unrealizedPnl()))
                    .as("book %d", book).allSatisfy(x -> assertThat(x).isFinite());
        }
    }

    @Test
    void aPureFutureLosesAsMuchInADampenedExtremeAsAtTheEdgeWhenTheWeightsSayTheSame() {
        // An extreme of twice the range at weight 1/2 weighs exactly as much as the edge: 10,000 × 0.16 = 1,600.
        MarginParameters parameters = MarginParameters.builder("BTC").version(2)
                .extremeMove(-0.32, 0.5).extremeMove(0.32, 0.5)
                .volatility(new VolatilityScan(0.3, 0.2, 0.5, true))
                .build();
        market.putParameters(parameters);
        InstrumentRisk future = market.risk("BTC-PERPETUAL");
        ScenarioGrid grid = market.grid("BTC");
        int extremeDown = grid.size() - 2;

        assertThat(grid.move(extremeDown)).isEqualTo(-0.32);
        assertThat(-future.pnlPerContract(extremeDown) * grid.weight(extremeDown)).isCloseTo(1_600.0, within(1e-9));
        assertThat(-future.pnlPerContract(0)).isCloseTo(1_600.0, within(1e-9));
        AccountMargin margin = margin(Portfolio.EMPTY.withFill(spec("BTC-PERPETUAL"), BigDecimal.ONE, 10_000.0, BigDecimal.ZERO, "USD"));
        assertThat(margin.initialMargin()).isCloseTo(1_600.0, within(1e-9));
    }

    @Test
    void hedgedPortfoliosNeedLessThanTheirUnhedgedPartsAlone() {
        InstrumentSpec call = option(OptionType.CALL, 10_000, EXPIRIES[1], "1");
        InstrumentSpec put = option(OptionType.PUT, 9_000, EXPIRIES[1], "1");
        InstrumentSpec future = spec("BTC-PERPETUAL");
        double shortCall = requirement(fill(Portfolio.EMPTY, call, -10));
        double longFuture = requirement(fill(Portfolio.EMPTY, future, 10));
        double coveredCall = requirement(fill(fill(Portfolio.EMPTY, future, 10), call, -10));
        double deltaHedgedCall = requirement(fill(fill(Portfolio.EMPTY, call, -10), future, 5));
        double protectivePut = requirement(fill(fill(Portfolio.EMPTY, future, 10), put, 10));
        double callSpread = requirement(fill(fill(Portfolio.EMPTY, call, -10),
                option(OptionType.CALL, 12_000, EXPIRIES[1], "1"), 10));

        assertThat(coveredCall).isLessThan(longFuture).isLessThan(shortCall);
        assertThat(deltaHedgedCall).isLessThan(shortCall);
        assertThat(protectivePut).isLessThan(longFuture);
        // A short 10,000 / long 12,000 call spread can never lose more than the 2,000 strike difference per contract.
        assertThat(callSpread).isLessThan(shortCall).isLessThanOrEqualTo(10 * 2_000.0);
    }

    @Test
    void theRequirementRisesWithImpliedVolatility() {
        MarginParameters coreOnly = MarginParameters.builder("*")
                .volatility(new VolatilityScan(0.3, 0.2, 0.5, true))
                .build();
        for (MarginParameters parameters : List.of(coreOnly, OPTIONS)) {
            for (long expiry : EXPIRIES) {
                market = marketWithVolsScaledBy(1.0, parameters);
                Portfolio shortStraddle = fill(fill(Portfolio.EMPTY, option(OptionType.CALL, 10_000, expiry, "1"), -1),
                        option(OptionType.PUT, 10_000, expiry, "1"), -1);
                Portfolio shortCall = fill(Portfolio.EMPTY, option(OptionType.CALL, 11_000, expiry, "1"), -1);
                Portfolio longPut = fill(Portfolio.EMPTY, option(OptionType.PUT, 9_000, expiry, "1"), 1);
                List<Portfolio> portfolios = List.of(shortStraddle, shortCall, longPut);
                List<AccountMargin> calm = portfolios.stream().map(this::margin).toList();

                market = marketWithVolsScaledBy(1.5, parameters);

                for (int p = 0; p < portfolios.size(); p++) {
                    AccountMargin before = calm.get(p);
                    AccountMargin after = margin(portfolios.get(p));
                    if (parameters.equals(coreOnly) || p == 2) {
                        assertThat(after.initialMargin()).isGreaterThan(before.initialMargin());
                    }
                    // With a +100% extreme a short option's worst loss is its intrinsic value less today's
                    // value, which a higher vol raises; the requirement may then fall a little, but what the
                    // writer must hold beyond its collateral, IM less unrealised P&L, always rises.
                    if (p < 2) {
                        assertThat(after.initialMargin() - after.equity())
                                .isGreaterThan(before.initialMargin() - before.equity());
                    }
                }
            }
        }
    }

    @Test
    void aDeepOutOfTheMoneyShortOptionCarriesTheShortOptionMinimum() {
        MarginParameters withMinimum = MarginParameters.builder("*")
                .volatility(new VolatilityScan(0.3, 0.2, 0.5, true))
                .shortOptionMinimum(0.01)
                .build();
        market = marketWithVolsScaledBy(1.0, withMinimum);
        InstrumentSpec farCall = option(OptionType.CALL, 30_000, EXPIRIES[0], "1");

        AccountMargin margin = margin(fill(Portfolio.EMPTY, farCall, -4));

        // 4 short contracts × 1% of 1 × 10,000 (the 7-day forward) = 400; the scenarios lose far less.
        UnderlyingRisk btc = margin.underlyings().get(0);
        assertThat(btc.shortOptionMinimum()).isCloseTo(400.0, within(1e-9));
        assertThat(btc.worstScenarioLoss()).isLessThan(400.0);
        assertThat(btc.requirement()).isCloseTo(400.0, within(1e-9));
        // A long option carries none.
        assertThat(margin(fill(Portfolio.EMPTY, farCall, 4)).underlyings().get(0).shortOptionMinimum()).isZero();
    }

    @Test
    void eachScenarioRevaluesTheOptionWithItsPriceMoveAndItsExpiryScaledVolShock() {
        // 7.5 days to expiry: vol shocks scale by (30 / 7.5)^0.5 = 2, so +30% becomes +60% and −20% becomes −40%.
        long expiry = NOW + 7 * DAY + DAY / 2;
        InstrumentSpec call = option(OptionType.CALL, 11_000, expiry, "1");
        InstrumentRisk risk = market.risk(call.id());
        ScenarioGrid grid = market.grid("BTC");
        double years = 7.5 / 365;
        VolSurface surface = market.surface("BTC").orElseThrow();
        double vol = surface.vol(11_000, expiry);
        double value = Black76.price(OptionType.CALL, 10_000, 11_000, years, vol, 0.0);

        assertThat(risk.mark()).isCloseTo(value, within(1e-9));
        // Scenario order: price points from −16% up, each with vol up, unchanged, down; then the extremes.
        assertThat(grid.size()).isEqualTo(9 * 3 + 2);
        int upEdgeVolUp = 8 * 3;
        int upEdgeVolDown = 8 * 3 + 2;
        assertThat(grid.move(upEdgeVolUp)).isEqualTo(0.16);
        assertThat(risk.pnlPerContract(upEdgeVolUp)).isCloseTo(
                Black76.price(OptionType.CALL, 11_600, 11_000, years, vol * 1.6, 0.0) - value, within(1e-9));
        assertThat(risk.pnlPerContract(upEdgeVolDown)).isCloseTo(
                Black76.price(OptionType.CALL, 11_600, 11_000, years, vol * 0.6, 0.0) - value, within(1e-9));
        int extremeUp = grid.size() - 1;
        assertThat(risk.pnlPerContract(extremeUp)).isCloseTo(
                Black76.price(OptionType.CALL, 20_000, 11_000, years, vol, 0.0) - value, within(1e-9));
    }

    @Test
    void theBreakdownNamesTheWorstScenarioAndSumsTheGreeks() {
        InstrumentSpec call = option(OptionType.CALL, 10_000, EXPIRIES[1], "1");
        InstrumentSpec put = option(OptionType.PUT, 9_000, EXPIRIES[1], "1");
        AccountMargin margin = margin(fill(fill(Portfolio.EMPTY, call, -2), put, -3));

        UnderlyingRisk btc = margin.underlyings().get(0);
        double years = 30.0 / 365;
        VolSurface surface = market.surface("BTC").orElseThrow();
        var c = Black76.greeks(OptionType.CALL, 10_000, 10_000, years, surface.vol(10_000, EXPIRIES[1]), 0.0);
        var p = Black76.greeks(OptionType.PUT, 10_000, 9_000, years, surface.vol(9_000, EXPIRIES[1]), 0.0);
        assertThat(btc.netDelta()).isCloseTo(-2 * c.delta() - 3 * p.delta(), within(1e-9));
        assertThat(btc.gamma()).isCloseTo(-2 * c.gamma() - 3 * p.gamma(), within(1e-12));
        assertThat(btc.vega()).isCloseTo((-2 * c.vega() - 3 * p.vega()) / 100, within(1e-9));
        assertThat(btc.theta()).isCloseTo((-2 * c.theta() - 3 * p.theta()) / 365, within(1e-9));
        // Short 2 calls and 3 puts, net short gamma and vega: the worst case is an extreme. At +100% the
        // calls lose about 2 × (20,000 − 10,000) = 20,000; at −66% the puts about 3 × (9,000 − 3,400) = 16,800.
        assertThat(btc.worstPriceMove()).isEqualTo(1.0);
        assertThat(btc.worstVolShock()).isZero();
        assertThat(btc.requirement()).isCloseTo(0.3 * btc.worstScenarioLoss(), within(1e-9));
    }

    @Test
    void forwardsMoveWithTheIndexAndVolsStickToMoneyness() {
        market.putIndexPrice("BTC", 10_000.0);
        market.putSurface(market.surface("BTC").orElseThrow(), OptionalDouble.of(10_000.0));
        InstrumentSpec call = option(OptionType.CALL, 11_000, EXPIRIES[1], "1");
        VolSurface surface = market.surface("BTC").orElseThrow();

        market.putIndexPrice("BTC", 11_000.0);

        // The index rose 10%: the forward is 11,000 and the 11,000 call is now at the money,
        // priced with the vol the surface quotes at the money (strike 10,000 before the move).
        double years = 30.0 / 365;
        double atm = surface.vol(10_000, EXPIRIES[1]);
        assertThat(market.risk(call.id()).mark())
                .isCloseTo(Black76.price(OptionType.CALL, 11_000, 11_000, years, atm, 0.0), within(1e-9));
    }

    @Test
    void withoutASurfaceAnOptionIsValuedAtTheVolItsOwnMarkImplies() {
        Market bare = new Market(OPTIONS, Set.of("USD"));
        InstrumentSpec call = new InstrumentSpec("BTC-X-10000-C", InstrumentSpec.Kind.OPTION, "BTC",
                OptionalLong.of(EXPIRIES[1]), BigDecimal.ONE, "USD", true,
                Optional.of(new InstrumentSpec.OptionTerms(OptionType.CALL, 10_000)));
        bare.putInstrument(call);
        bare.putMark(call.id(), 900.0);
        assertThat(bare.whyUnpriceable(call)).get().asString().contains("neither an index price nor a volatility surface");

        bare.putIndexPrice("BTC", 10_000.0);
        bare.advanceValuationTime("BTC", NOW);

        assertThat(bare.whyUnpriceable(call)).isEmpty();
        assertThat(bare.risk(call.id()).mark()).isCloseTo(900.0, within(1e-6));
        // A 30-day at-the-money call worth 900 on 10,000 implies about 0.4 × 900 / 10,000 / √(30/365) ≈ 0.785 vol.
        assertThat(bare.risk(call.id()).vegaPerContract()).isGreaterThan(0.0);
    }

    @Test
    void atExpiryAnOptionIsWorthItsIntrinsicValueAndSettlesOutOfThePortfolio() {
        InstrumentSpec call = option(OptionType.CALL, 9_000, EXPIRIES[0], "0.5");
        double paid = market.risk(call.id()).mark();
        Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", new BigDecimal("1000"))
                .withFill(call, new BigDecimal("2"), paid, BigDecimal.ZERO, "USD");

        market.advanceValuationTime("BTC", EXPIRIES[0]);

        assertThat(market.risk(call.id()).mark()).isEqualTo(1_000.0); // forward 10,000 − strike 9,000
        assertThat(market.expiredBy("BTC", EXPIRIES[0])).containsExactly(call);
        // Settled at an index of 9,700: 2 × 0.5 × (700 − paid) realised in USD, the position gone.
        Portfolio settled = portfolio.withSettlement(call, call.finalValue(9_700.0));
        assertThat(settled.positions()).isEmpty();
        assertThat(settled.balances().get("USD").doubleValue()).isCloseTo(1_000 + (700 - paid), within(1e-6));
        assertThat(margin(settled).initialMargin()).isZero();
    }

    @Test
    void cmeSpansSixteenScenariosAreExpressible() {
        // CME SPAN's standard risk array (e.g. Table 12.1 in LPU's DCOM510 Financial Derivatives;
        // CME Group, "Components of SPAN"): price 0, ±1/3, ±2/3, ±3/3 of the scan range, each with
        // vol up and down; then ±2 ranges, vol unchanged, 35% of the loss.
        ScenarioGrid grid = MarginParameters.builder("*")
                .priceScan(0.09, 7)
                .extremeMove(0.18, 0.35).extremeMove(-0.18, 0.35)
                .volatility(new VolatilityScan(0.25, 0.25, 0.0, false))
                .build().scenarioGrid();

        List<String> scenarios = new ArrayList<>();
        for (int k = 0; k < grid.size(); k++) {
            scenarios.add(String.format(java.util.Locale.ROOT, "%+.2f %+d %.2f",
                    grid.move(k) / 0.09, grid.volDirection(k), grid.weight(k)));
        }
        assertThat(scenarios).containsExactlyInAnyOrder(
                "+0.00 +1 1.00", "+0.00 -1 1.00", "+0.33 +1 1.00", "+0.33 -1 1.00", "-0.33 +1 1.00", "-0.33 -1 1.00",
                "+0.67 +1 1.00", "+0.67 -1 1.00", "-0.67 +1 1.00", "-0.67 -1 1.00", "+1.00 +1 1.00", "+1.00 -1 1.00",
                "-1.00 +1 1.00", "-1.00 -1 1.00", "+2.00 +0 0.35", "-2.00 +0 0.35");
    }

    private Market marketWithVolsScaledBy(double factor, MarginParameters parameters) {
        Market m = new Market(parameters, Set.of("USD"));
        List<VolSurface.Smile> smiles = new ArrayList<>();
        for (long expiry : EXPIRIES) {
            double[] vols = new double[SMILE.length];
            for (int j = 0; j < vols.length; j++) {
                vols[j] = SMILE[j] * factor;
            }
            smiles.add(new VolSurface.Smile(expiry, 10_000.0, STRIKES, vols));
        }
        m.putSurface(VolSurface.of("BTC", NOW, smiles), OptionalDouble.empty());
        m.advanceValuationTime("BTC", NOW);
        m.putInstrument(MarginCalculatorTest.linear("BTC-PERPETUAL", "BTC", "1"));
        m.putMark("BTC-PERPETUAL", 10_000.0);
        if (market != null) {
            // carry the options defined so far over to the new market
            for (String id : definedOptions) {
                m.putInstrument(market.instrument(id).orElseThrow());
            }
        }
        return m;
    }

    private final List<String> definedOptions = new ArrayList<>();

    private InstrumentSpec option(OptionType type, double strike, long expiry, String multiplier) {
        String id = "BTC-" + expiry + "-" + (long) strike + "-" + type.name().charAt(0) + "-" + multiplier;
        if (market.instrument(id).isEmpty()) {
            market.putInstrument(new InstrumentSpec(id, InstrumentSpec.Kind.OPTION, "BTC", OptionalLong.of(expiry),
                    new BigDecimal(multiplier), "USD", true, Optional.of(new InstrumentSpec.OptionTerms(type, strike))));
            definedOptions.add(id);
        }
        return market.instrument(id).orElseThrow();
    }

    private Portfolio fill(Portfolio portfolio, InstrumentSpec instrument, int quantity) {
        // The fill price only sets the average price; margin does not depend on it.
        return portfolio.withFill(instrument, BigDecimal.valueOf(quantity), 1.0, BigDecimal.ZERO, "USD");
    }

    private double requirement(Portfolio portfolio) {
        return margin(portfolio).initialMargin();
    }

    private AccountMargin margin(Portfolio portfolio) {
        return calculator.margin(AccountRiskView.of(portfolio, market), market);
    }

    private InstrumentSpec spec(String id) {
        return market.instrument(id).orElseThrow();
    }
}
