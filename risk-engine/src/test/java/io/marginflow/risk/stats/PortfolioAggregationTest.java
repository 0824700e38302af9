package io.marginflow.risk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Correlation offsets, anti-procyclicality, dynamic scan ranges and FHS scenarios, worked by hand. */
class PortfolioAggregationTest {

    @Test
    void correlationOffsetsAsWorkedByHand() {
        double[] r = {300, 400};
        // ρ = 1: √(300² + 400² + 2·300·400) = 700, no credit.
        assertThat(CorrelationOffset.combine(r, new double[][] {{1, 1}, {1, 1}}, 0.5)).isCloseTo(700, within(1e-9));
        // ρ = 0: √(300² + 400²) = 500, credit 200 of 700 (29%), under a 50% cap.
        assertThat(CorrelationOffset.combine(r, new double[][] {{1, 0}, {0, 1}}, 0.5)).isCloseTo(500, within(1e-9));
        // ρ = −1: |300 − 400| = 100, credit 600 capped at 30% of 700 = 210 → 490.
        assertThat(CorrelationOffset.combine(r, new double[][] {{1, -1}, {-1, 1}}, 0.3)).isCloseTo(490, within(1e-9));
    }

    @Test
    void offsetsNeverMakeMarginNegativeNorExceedTheCap() {
        Random random = new Random(5);
        for (int sample = 0; sample < 1_000; sample++) {
            int n = 1 + random.nextInt(5);
            double[][] returns = new double[n][60];
            for (double[] series : returns) {
                for (int t = 0; t < series.length; t++) {
                    series[t] = random.nextGaussian();
                }
            }
            double[][] rho = CorrelationOffset.correlations(returns);
            double[] r = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                r[i] = 1_000 * random.nextDouble();
                sum += r[i];
            }
            double cap = random.nextDouble();
            double combined = CorrelationOffset.combine(r, rho, cap);
            assertThat(combined).isNotNegative().isLessThanOrEqualTo(sum + 1e-9)
                    .isGreaterThanOrEqualTo((1 - cap) * sum - 1e-9);
        }
    }

    @Test
    void theBufferIsHeldInCalmAndUsedUpAsVolatilityRises() {
        AntiProcyclicality buffer = new AntiProcyclicality(AntiProcyclicality.Tool.BUFFER, 0.25, 0.0);
        // Calm (σ = σ₁₀ = 2%): calculated 1,000 → 1,250 called.
        assertThat(buffer.margin(1_000, 0.02, 0.02)).isCloseTo(1_250, within(1e-9));
        // σ up 20% → calculated 1,200; the buffer shrinks to 1.25 / 1.2: still 1,250 called.
        assertThat(buffer.margin(1_200, 0.024, 0.02)).isCloseTo(1_250, within(1e-9));
        // σ up 50% → calculated 1,500, the buffer is gone: 1,500 called.
        assertThat(buffer.margin(1_500, 0.03, 0.02)).isCloseTo(1_500, within(1e-9));
    }

    @Test
    void stressedWeightAndTenYearFloorRaiseACalmVolatility() {
        AntiProcyclicality weight = new AntiProcyclicality(AntiProcyclicality.Tool.STRESSED_WEIGHT, 0.0, 0.25);
        assertThat(weight.volatility(0.02, 0.06, 0.03)).isCloseTo(0.75 * 0.02 + 0.25 * 0.06, within(1e-15));
        AntiProcyclicality floor = new AntiProcyclicality(AntiProcyclicality.Tool.TEN_YEAR_FLOOR, 0.0, 0.0);
        assertThat(floor.volatility(0.02, 0.06, 0.03)).isEqualTo(0.03);
        assertThat(floor.volatility(0.05, 0.06, 0.03)).isEqualTo(0.05);
        assertThat(AntiProcyclicality.NONE.margin(1_000, 0.02, 0.03)).isEqualTo(1_000);
    }

    @Test
    void theScanRangeFollowsVolatilityBetweenItsFloorAndCap() {
        // z(0.99) = 2.326348; σ = 2% a day over 2 days: 1 − exp(−2.326348 × 0.02 × 1.414214) = 1 − exp(−0.065799)
        // = 0.063681.
        assertThat(DynamicScanRange.of(0.02, 2, 0.99, 0.05, 0.5)).isCloseTo(0.063681, within(1e-6));
        assertThat(DynamicScanRange.of(0.002, 2, 0.99, 0.05, 0.5)).isEqualTo(0.05);
        assertThat(DynamicScanRange.of(0.5, 2, 0.99, 0.05, 0.5)).isEqualTo(0.5);
    }

    @Test
    void filteredHistoricalSimulationRescalesHistoryToTodaysVolatility() {
        // History alternating ±1%: its EWMA volatility is exactly 1% throughout (seeded at the mean square,
        // and every update adds (1 − λ) × 1e-4 to λ × 1e-4). So each day filters to ±1, and with today's
        // forecast at 3% a two-day window of (+1, −1) is a move of exp(0) − 1 = 0 and a one-day window of
        // +1 is exp(0.03) − 1.
        double[][] returns = {{0.01, -0.01, 0.01, -0.01, 0.01, -0.01}, {0.02, 0.02, -0.02, -0.02, 0.02, 0.02}};
        double[][] oneDay = FilteredHistoricalSimulation.scenarioMoves(returns, new double[] {0.03, 0.03}, 0.94, 1);
        assertThat(oneDay[0]).hasSize(6);
        assertThat(oneDay[0][0]).isCloseTo(Math.expm1(0.03), within(1e-12));
        assertThat(oneDay[0][1]).isCloseTo(Math.expm1(-0.03), within(1e-12));
        double[][] twoDay = FilteredHistoricalSimulation.scenarioMoves(returns, new double[] {0.03, 0.03}, 0.94, 2);
        assertThat(twoDay[0]).hasSize(5);
        for (double move : twoDay[0]) {
            assertThat(move).isCloseTo(0.0, within(1e-12));
        }
        // Both underlyings take the same window in the same scenario: day 0–1 is (+1, +1) for the second.
        assertThat(twoDay[1][0]).isGreaterThan(0.0);
    }
}
