package io.marginflow.risk.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.options.OptionType;
import io.marginflow.risk.options.VolSurface;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Stress revaluation, member sums and the Cover figures, checked by hand; the options' values by an
 * independent Black-76 evaluation (Python, math.erf: see each figure).
 */
class StressTestTest {

    private static final long NOW = 1_589_500_000_000L;
    private static final long EXPIRY = NOW + 30L * 24 * 3600 * 1000;

    private static final StressScenario CRASH = new StressScenario("CRASH", StressScenario.Kind.HYPOTHETICAL,
            "BTC -50%, vols x2; ETH -60%", new TreeMap<>(Map.of(
                    "BTC", new StressScenario.Shock(-0.5, 2.0), "ETH", new StressScenario.Shock(-0.6, 1.0))));
    private static final StressScenario RALLY = new StressScenario("RALLY", StressScenario.Kind.HYPOTHETICAL,
            "BTC +30%", new TreeMap<>(Map.of("BTC", new StressScenario.Shock(0.3, 1.0))));

    private final Market market = market();

    @Test
    void futuresMoveWithTheirMarkAndAnUnnamedUnderlyingStaysPut() {
        Portfolio book = fill(fill(Portfolio.EMPTY, "BTC-PERPETUAL", "2", 10_000), "ETH-PERPETUAL", "-5", 200);

        double[] pnl = new StressTest(market, List.of(CRASH, RALLY)).pnl(view(book));

        // CRASH: 2 × 1 × 10,000 × −0.5 = −10,000; short 5 × 10 × 200 × −0.6 gains 6,000.
        assertThat(pnl[0]).isCloseTo(-10_000.0 + 6_000.0, within(1e-9));
        // RALLY: 2 × 10,000 × 0.3 = 6,000; ETH does not move.
        assertThat(pnl[1]).isCloseTo(6_000.0, within(1e-9));
    }

    @Test
    void optionsAreFullyRevaluedAtTheMovedForwardAndScaledVol() {
        Portfolio book = fill(fill(Portfolio.EMPTY, "BTC-C-10000", "-1", 900), "BTC-P-9000", "2", 450);

        double[] pnl = new StressTest(market, List.of(CRASH)).pnl(view(book));

        // Black-76, F 10,000, T 30/365, vol 0.8 (flat): call K 10,000 = 912.98407818; put K 9,000 = 456.77951333.
        // At F 5,000, vol 1.6: call 90.93077385, put 4,143.11340149. Short call gains 822.05330434; 2 puts gain 2 × 3,686.33388816.
        assertThat(pnl[0]).isCloseTo(822.0533043358032 + 2 * 3686.3338881585114, within(1e-6));
    }

    @Test
    void collateralThatIsAnUnderlyingMovesWithItAfterItsHaircut() {
        Portfolio book = Portfolio.EMPTY.withMovement("BTC", new BigDecimal("1.5")).withMovement("USD", new BigDecimal("1000"));

        double[] pnl = new StressTest(market, List.of(CRASH)).pnl(view(book));

        // 1.5 BTC at the 10,000 index, no haircut configured: worth 15,000, loses half. USD does not move.
        assertThat(pnl[0]).isCloseTo(-7_500.0, within(1e-9));
    }

    @Test
    void uncoveredLossIsWhatEachAccountsEquityDoesNotCoverSummedPerMember() {
        MemberLosses losses = new MemberLosses(1);
        // Account a: loses 10,000 with equity 4,000 → 6,000 uncovered. Account b (same member): gains → none,
        // and its 50,000 equity does not cover a's loss. Account c: loses 3,000 with equity 5,000 → none.
        losses.addAccount("M1", new double[] {-10_000}, 2_500, 4_000);
        losses.addAccount("M1", new double[] {2_000}, 1_000, 50_000);
        losses.addAccount("M2", new double[] {-3_000}, 3_000, 5_000);

        MemberLosses.Totals m1 = losses.scenario(0).get("M1");
        assertThat(m1).isEqualTo(new MemberLosses.Totals(2, 8_000.0, 3_500.0, 54_000.0, 6_000.0));
        assertThat(losses.scenario(0).get("M2").uncoveredLoss()).isZero();
    }

    @Test
    void coverOneAndTwoAreTheLargestAndTwoLargestMembers() {
        Cover cover = Cover.of(Map.of("A", 5.0, "B", 9.0, "C", 5.0, "D", 0.0));
        assertThat(cover).isEqualTo(new Cover(9.0, 14.0, List.of("B", "A")));
        assertThat(Cover.of(Map.of("A", 0.0, "B", 3.0))).isEqualTo(new Cover(3.0, 3.0, List.of("B")));
        assertThat(Cover.of(Map.of())).isEqualTo(new Cover(0.0, 0.0, List.of()));
    }

    @Test
    void nonsenseShocksAreRefused() {
        assertThatThrownBy(() -> new StressScenario.Shock(Double.NaN, 1.0)).hasMessageContaining("price move");
        assertThatThrownBy(() -> new StressScenario.Shock(-1.0, 1.0)).hasMessageContaining("above -100%");
        assertThatThrownBy(() -> new StressScenario.Shock(-0.5, 0.0)).hasMessageContaining("vol factor");
        assertThatThrownBy(() -> new StressScenario("X", StressScenario.Kind.HISTORICAL, "", new TreeMap<>()))
                .hasMessageContaining("moves no underlying");
    }

    private static Market market() {
        Market m = new Market(MarginParameters.builder("*").build(), Set.of("USD"));
        double[] strikes = {5_000, 9_000, 10_000, 15_000};
        m.putSurface(VolSurface.of("BTC", NOW, List.of(new VolSurface.Smile(EXPIRY, 10_000.0, strikes,
                new double[] {0.8, 0.8, 0.8, 0.8}))), OptionalDouble.empty());
        m.advanceValuationTime("BTC", NOW);
        m.putIndexPrice("BTC", 10_000.0);
        m.putInstrument(linear("BTC-PERPETUAL", "BTC", "1"));
        m.putInstrument(linear("ETH-PERPETUAL", "ETH", "10"));
        m.putMark("BTC-PERPETUAL", 10_000.0);
        m.putMark("ETH-PERPETUAL", 200.0);
        m.putInstrument(option("BTC-C-10000", OptionType.CALL, 10_000));
        m.putInstrument(option("BTC-P-9000", OptionType.PUT, 9_000));
        return m;
    }

    private static InstrumentSpec linear(String id, String underlying, String multiplier) {
        return new InstrumentSpec(id, InstrumentSpec.Kind.PERPETUAL, underlying, OptionalLong.empty(),
                new BigDecimal(multiplier), "USD", true);
    }

    private static InstrumentSpec option(String id, OptionType type, double strike) {
        return new InstrumentSpec(id, InstrumentSpec.Kind.OPTION, "BTC", OptionalLong.of(EXPIRY), BigDecimal.ONE, "USD",
                true, Optional.of(new InstrumentSpec.OptionTerms(type, strike)));
    }

    private Portfolio fill(Portfolio book, String instrument, String quantity, double price) {
        return book.withFill(market.instrument(instrument).orElseThrow(), new BigDecimal(quantity), price, BigDecimal.ZERO, "USD");
    }

    private AccountRiskView view(Portfolio book) {
        return AccountRiskView.of(book, market);
    }
}
