package io.marginflow.risk.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConcentrationRuleTest {

    @Test
    void aPositionIsAConcentrationFromTheShareOnOnAnInstrumentEnoughAccountsHold() {
        ConcentrationRule rule = new ConcentrationRule(0.25, 3);
        assertThat(rule.concentrated(25, 100, 3)).as("exactly the share").isTrue();
        assertThat(rule.concentrated(-30, 100, 5)).as("a short counts by its size").isTrue();
        assertThat(rule.concentrated(24.9, 100, 5)).isFalse();
        assertThat(rule.concentrated(90, 100, 2)).as("two holders: concentrated by nature").isFalse();
        assertThat(rule.concentrated(1, 0, 5)).as("no open interest").isFalse();
        assertThat(ConcentrationRule.OFF.concentrated(100, 100, 10)).isFalse();
    }

    @Test
    void eachPartitionSendsEveryPositionThatCanHoldTheShare() {
        // At most four longs and four shorts can each hold a quarter of the open interest.
        assertThat(new ConcentrationRule(0.25, 1).largestNeeded()).isEqualTo(8);
        assertThat(new ConcentrationRule(0.3, 1).largestNeeded()).isEqualTo(6);
        assertThat(new ConcentrationRule(0.02, 1).largestNeeded()).isEqualTo(100);
        assertThat(ConcentrationRule.OFF.largestNeeded()).isZero();
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new ConcentrationRule(0.01, 1)).hasMessageContaining("[0.02, 1]");
        assertThatThrownBy(() -> new ConcentrationRule(Double.NaN, 1)).hasMessageContaining("[0.02, 1]");
        assertThatThrownBy(() -> new ConcentrationRule(0.5, 0)).hasMessageContaining("at least 1 holder");
    }
}
