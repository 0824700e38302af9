package io.marginflow.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Positions from fills, checked against hand calculations written beside each case. */
class PositionTest {

    private static final BigDecimal ONE = BigDecimal.ONE;

    private static Position.AfterFill fill(Position position, String quantity, double price, String multiplier) {
        return position.apply(new BigDecimal(quantity), price, new BigDecimal(multiplier));
    }

    @Test
    void buyingMoreAveragesTheEntryPrice() {
        // 2 @ 100 then 1 @ 130: (2×100 + 1×130) / 3 = 110
        Position position = fill(Position.flat("BTC-PERPETUAL"), "2", 100.0, "1").position();
        Position.AfterFill after = fill(position, "1", 130.0, "1");

        assertThat(after.position().quantity()).isEqualByComparingTo("3");
        assertThat(after.position().averagePrice()).isEqualTo(110.0);
        assertThat(after.realizedPnl()).isEqualByComparingTo("0");
    }

    @Test
    void sellingPartOfALongRealisesAtTheAverageAndKeepsIt() {
        // long 3 @ 110, sell 2 @ 120: realised 2 × (120 − 110) × 1 = +20; 1 left @ 110
        Position.AfterFill after = fill(new Position("X", new BigDecimal("3"), 110.0), "-2", 120.0, "1");

        assertThat(after.realizedPnl()).isEqualByComparingTo("20");
        assertThat(after.position().quantity()).isEqualByComparingTo("1");
        assertThat(after.position().averagePrice()).isEqualTo(110.0);
    }

    @Test
    void aFillThroughZeroClosesTheOldSideAndOpensTheRestAtTheFillPrice() {
        // long 1 @ 110, sell 3 @ 90: close 1 → (90 − 110) × 1 = −20; open short 2 @ 90
        Position.AfterFill after = fill(new Position("X", ONE, 110.0), "-3", 90.0, "1");

        assertThat(after.realizedPnl()).isEqualByComparingTo("-20");
        assertThat(after.position().quantity()).isEqualByComparingTo("-2");
        assertThat(after.position().averagePrice()).isEqualTo(90.0);
    }

    @Test
    void aShortGainsWhenItIsBoughtBackLower() {
        // short 4 @ 200 with multiplier 0.5, buy 4 @ 150: 4 × (200 − 150) × 0.5 = +100, flat
        Position.AfterFill after = fill(new Position("X", new BigDecimal("-4"), 200.0), "4", 150.0, "0.5");

        assertThat(after.realizedPnl()).isEqualByComparingTo("100");
        assertThat(after.position().isFlat()).isTrue();
    }

    @Test
    void realisedPnlIsRoundedToEightDecimalPlaces() {
        // long 0.001 @ 5000.123456789, sell 0.001 @ 5000.2: 0.001 × 0.076543211 = 0.000076543211 → 0.00007654
        Position.AfterFill after = fill(new Position("X", new BigDecimal("0.001"), 5000.123456789), "-0.001", 5000.2, "1");

        assertThat(after.realizedPnl()).isEqualTo(new BigDecimal("0.00007654"));
    }

    @Test
    void zeroQuantitiesAndBadPricesAreRefused() {
        assertThatThrownBy(() -> fill(Position.flat("X"), "0", 100.0, "1")).hasMessageContaining("non-zero");
        assertThatThrownBy(() -> fill(Position.flat("X"), "1", Double.NaN, "1")).hasMessageContaining("finite");
        assertThatThrownBy(() -> fill(Position.flat("X"), "1", -5.0, "1")).hasMessageContaining("positive");
    }
}
