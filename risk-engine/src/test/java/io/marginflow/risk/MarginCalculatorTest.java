package io.marginflow.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scenario margin of linear portfolios. Every expected figure is worked out by hand in the
 * comment above it: a linear contract's P&amp;L under a relative move m is quantity × multiplier ×
 * mark × m, so with no extreme moves the worst scenario is an edge of the scan range.
 */
class MarginCalculatorTest {

    /** ±16% in 9 steps, maintenance half of initial, no extreme moves. */
    /** ±16% in 9 steps, maintenance at half of initial margin. */
    static final MarginParameters PLAIN = MarginParameters.builder("*").build();

    private Market market;
    private final MarginCalculator calculator = new MarginCalculator();

    @BeforeEach
    void market() {
        market = new Market(PLAIN, Set.of("USD", "USDC"));
        market.putInstrument(linear("BTC-PERPETUAL", "BTC", "1"));
        market.putInstrument(linear("BTC-27MAR20", "BTC", "1"));
        market.putInstrument(linear("ETH-PERPETUAL", "ETH", "10"));
        market.putMark("BTC-PERPETUAL", 5_000.0);
        market.putMark("BTC-27MAR20", 5_100.0);
        market.putMark("ETH-PERPETUAL", 120.0);
    }

    @Test
    void aLongFutureIsMarginedAtTheDownEdgeOfTheScanRange() {
        Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", new BigDecimal("10000"))
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("2"), 5_000.0, BigDecimal.ZERO, "USD");

        AccountMargin margin = margin(portfolio);

        // IM = 2 × 1 × 5000 × 0.16 = 1600; MM = 0.5 × 1600 = 800; equity = 10000 + 0 unrealised
        assertThat(margin.initialMargin()).isCloseTo(1_600.0, within(1e-9));
        assertThat(margin.maintenanceMargin()).isCloseTo(800.0, within(1e-9));
        assertThat(margin.equity()).isEqualTo(10_000.0);
        assertThat(margin.status()).isEqualTo(MarginStatus.NORMAL);
        assertThat(margin.underlyings()).singleElement().satisfies(btc -> {
            assertThat(btc.worstPriceMove()).isEqualTo(-0.16);
            assertThat(btc.netDelta()).isEqualTo(2.0);
        });
    }

    @Test
    void aFallingMarkLowersEquityAndTheRequirement() {
        Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", new BigDecimal("10000"))
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("2"), 5_000.0, BigDecimal.ZERO, "USD");
        market.putMark("BTC-PERPETUAL", 4_000.0);

        AccountMargin margin = margin(portfolio);

        // unrealised = 2 × (4000 − 5000) = −2000 → equity 8000; IM = 2 × 4000 × 0.16 = 1280
        assertThat(margin.equity()).isCloseTo(8_000.0, within(1e-9));
        assertThat(margin.initialMargin()).isCloseTo(1_280.0, within(1e-9));
        assertThat(margin.underlyings().get(0).unrealizedPnl()).isCloseTo(-2_000.0, within(1e-9));
    }

    @Test
    void aShortIsMarginedAtTheUpEdge() {
        Portfolio portfolio = Portfolio.EMPTY
                .withFill(spec("ETH-PERPETUAL"), new BigDecimal("-3"), 120.0, BigDecimal.ZERO, "USD");

        AccountMargin margin = margin(portfolio);

        // −3 × 10 × 120 × (+0.16) = −576 → IM 576 at +16%
        assertThat(margin.initialMargin()).isCloseTo(576.0, within(1e-9));
        assertThat(margin.underlyings().get(0).worstPriceMove()).isEqualTo(0.16);
        assertThat(margin.underlyings().get(0).netDelta()).isEqualTo(-30.0);
    }

    @Test
    void aFutureHedgedWithAPerpetualOnTheSameUnderlyingIsMarginedAsTheHedge() {
        Portfolio portfolio = Portfolio.EMPTY
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("2"), 5_000.0, BigDecimal.ZERO, "USD")
                .withFill(spec("BTC-27MAR20"), new BigDecimal("-1"), 5_100.0, BigDecimal.ZERO, "USD");

        AccountMargin margin = margin(portfolio);

        // per scenario: (2×5000 − 1×5100) × m = 4900 m → worst at −16%: 784 (naked legs: 1600 + 816)
        assertThat(margin.initialMargin()).isCloseTo(784.0, within(1e-9));
    }

    @Test
    void underlyingsAddUpWithoutOffsetsAndEachUsesItsOwnMaintenanceRatio() {
        market.putParameters(MarginParameters.builder("ETH").version(2).priceScan(0.20, 5).maintenanceToInitial(0.8).build());
        Portfolio portfolio = Portfolio.EMPTY
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("1"), 5_000.0, BigDecimal.ZERO, "USD")
                .withFill(spec("ETH-PERPETUAL"), new BigDecimal("-1"), 120.0, BigDecimal.ZERO, "USD");

        AccountMargin margin = margin(portfolio);

        // BTC: 1 × 5000 × 0.16 = 800, MM 400. ETH (±20%): 1 × 10 × 120 × 0.20 = 240, MM 0.8 × 240 = 192.
        assertThat(margin.initialMargin()).isCloseTo(1_040.0, within(1e-9));
        assertThat(margin.maintenanceMargin()).isCloseTo(592.0, within(1e-9));
        assertThat(margin.underlyings()).extracting(UnderlyingRisk::underlying).containsExactly("BTC", "ETH");
    }

    @Test
    void aWeightedExtremeMoveSetsTheRequirementWhenItsWeightedLossIsLarger() {
        market.putParameters(MarginParameters.builder("BTC").version(2)
                .extremeMove(-0.66, 0.3).extremeMove(5.0, 0.3)
                .build());
        Portfolio portfolio = Portfolio.EMPTY
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("2"), 5_000.0, BigDecimal.ZERO, "USD");

        AccountMargin margin = margin(portfolio);

        // core edge: 1600; extreme −66% × 0.3: 2 × 5000 × 0.66 × 0.3 = 1980 → 1980
        assertThat(margin.initialMargin()).isCloseTo(1_980.0, within(1e-9));
        assertThat(margin.underlyings().get(0).worstPriceMove()).isEqualTo(-0.66);
    }

    @Test
    void collateralIsValuedAtIndexPricesLessHaircutsAndCashAtPar() {
        market.putParameters(MarginParameters.builder("BTC").version(2).haircut("BTC", 0.1).build());
        market.putIndexPrice("BTC", 5_000.0);
        Portfolio portfolio = Portfolio.EMPTY
                .withMovement("USDC", new BigDecimal("1000"))
                .withMovement("BTC", new BigDecimal("0.5"))
                .withMovement("DOGE", new BigDecimal("100"));

        AccountMargin margin = margin(portfolio);

        // 1000 USDC at par + 0.5 BTC × 5000 × (1 − 0.1) = 2250 + DOGE with no price = 0 → 3250
        assertThat(margin.collateralValue()).isCloseTo(3_250.0, within(1e-9));
        assertThat(margin.initialMargin()).isZero();
        assertThat(margin.status()).isEqualTo(MarginStatus.NORMAL);
    }

    @Test
    void statusFollowsEquityAgainstInitialAndMaintenanceMargin() {
        // long 10 BTC @ 5000: IM = 10 × mark × 0.16, MM = half; collateral 1000 USD
        Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", new BigDecimal("1000"))
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("10"), 5_000.0, BigDecimal.ZERO, "USD");

        // mark 5000: equity 1000, IM 8000, MM 4000 → liquidation
        assertThat(margin(portfolio).status()).isEqualTo(MarginStatus.LIQUIDATION);
        // mark 5500: equity 1000 + 5000 = 6000, IM 8800, MM 4400 → margin call
        market.putMark("BTC-PERPETUAL", 5_500.0);
        assertThat(margin(portfolio).status()).isEqualTo(MarginStatus.MARGIN_CALL);
        // mark 6000: equity 11000, IM 9600 → normal
        market.putMark("BTC-PERPETUAL", 6_000.0);
        assertThat(margin(portfolio).status()).isEqualTo(MarginStatus.NORMAL);
    }

    @Test
    void feesAndRealisedPnlMoveCashBalances() {
        Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", new BigDecimal("1000"))
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("1"), 5_000.0, new BigDecimal("2.5"), "USD")
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("-1"), 5_200.0, new BigDecimal("2.6"), "USD");

        // 1000 − 2.5 − 2.6 + (5200 − 5000) = 1194.9, and no position left
        assertThat(portfolio.balances()).containsOnlyKeys("USD");
        assertThat(portfolio.balances().get("USD")).isEqualByComparingTo("1194.9");
        assertThat(portfolio.positions()).isEmpty();
    }

    @Test
    void anAccountIsExposedToItsUnderlyingsAndNonCashCollateralOnly() {
        Portfolio portfolio = Portfolio.EMPTY.withMovement("USD", new BigDecimal("1000"))
                .withMovement("ETH", new BigDecimal("2"))
                .withFill(spec("BTC-PERPETUAL"), new BigDecimal("1"), 5_000.0, BigDecimal.ZERO, "USD");

        assertThat(AccountRiskView.of(portfolio, market).exposures(Set.of("USD", "USDC")))
                .containsExactly("BTC", "ETH");
    }

    private AccountMargin margin(Portfolio portfolio) {
        return calculator.margin(AccountRiskView.of(portfolio, market), market);
    }

    private InstrumentSpec spec(String id) {
        return market.instrument(id).orElseThrow();
    }

    static InstrumentSpec linear(String id, String underlying, String multiplier) {
        return new InstrumentSpec(id, id.endsWith("PERPETUAL") ? InstrumentSpec.Kind.PERPETUAL : InstrumentSpec.Kind.FUTURE,
                underlying, OptionalLong.empty(), new BigDecimal(multiplier), "USD", true);
    }
}
