package io.marginflow.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioGridTest {

    @Test
    void sixteenPercentInNineStepsIsFourPercentApartWithExactEdgesAndZero() {
        ScenarioGrid grid = ScenarioGrid.of(0.16, 9, List.of());

        double[] expected = {-0.16, -0.12, -0.08, -0.04, 0.0, 0.04, 0.08, 0.12, 0.16};
        assertThat(grid.size()).isEqualTo(9);
        for (int k = 0; k < 9; k++) {
            assertThat(grid.move(k)).isCloseTo(expected[k], within(1e-15));
            assertThat(grid.weight(k)).isEqualTo(1.0);
        }
        assertThat(grid.move(0)).isEqualTo(-0.16);
        assertThat(grid.move(4)).isEqualTo(0.0);
        assertThat(grid.move(8)).isEqualTo(0.16);
    }

    @Test
    void extremeMovesFollowTheCoreRangeWithTheirWeights() {
        ScenarioGrid grid = ScenarioGrid.of(0.16, 3, List.of(new ExtremeMove(-0.66, 0.3), new ExtremeMove(5.0, 0.3)));

        assertThat(grid.size()).isEqualTo(5);
        assertThat(grid.move(3)).isEqualTo(-0.66);
        assertThat(grid.weight(3)).isEqualTo(0.3);
        assertThat(grid.move(4)).isEqualTo(5.0);
    }
}
