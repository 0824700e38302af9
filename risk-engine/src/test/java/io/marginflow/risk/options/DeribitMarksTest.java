package io.marginflow.risk.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's Black-76 against the marks and Greeks Deribit published for every listed BTC
 * option in two real snapshots (May 2020): the same forward, strike, expiry and mark IV in, the
 * venue's numbers out. Deribit rounds Greeks to five decimals; rows are a few seconds to minutes
 * apart, so a mark and its IV are not always read at the same instant.
 */
class DeribitMarksTest {

    private static final double DAY = 1.0 / 365;

    @ParameterizedTest
    @ValueSource(strings = {"20200514", "20200521"})
    void pricesAndGreeksAgreeWithDeribitsMarks(String day) {
        List<DeribitChain.Row> rows = TestChains.load(day).rows().stream()
                .filter(row -> row.years() >= DAY) // options in their last day are left to the edge tests
                .toList();
        assertThat(rows).hasSizeGreaterThan(250);
        double[] priceErrorsBtc = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            DeribitChain.Row row = rows.get(i);
            Greeks model = Black76.greeks(row.type(), row.forward(), row.strike(), row.years(), row.markIv(), 0.0);
            priceErrorsBtc[i] = Math.abs(model.price() - row.markUsd()) / row.forward();
            assertThat(model.delta()).as("delta of %s", row.instrument()).isCloseTo(row.delta(), within(5e-5));
            assertThat(model.gamma()).as("gamma of %s", row.instrument()).isCloseTo(row.gamma(), within(6e-6));
            assertThat(model.vega() / 100).as("vega of %s", row.instrument())
                    .isCloseTo(row.vega(), within(5e-4 * Math.max(1.0, row.vega())));
            if (row.years() >= 7 * DAY) {
                assertThat(model.theta() / 365).as("theta of %s", row.instrument())
                        .isCloseTo(row.theta(), within(5e-3 * Math.max(1.0, Math.abs(row.theta()))));
            }
        }
        Arrays.sort(priceErrorsBtc);
        assertThat(priceErrorsBtc[priceErrorsBtc.length / 2]).as("median price error, BTC").isLessThan(2e-5);
        assertThat(priceErrorsBtc[priceErrorsBtc.length - 1]).as("largest price error, BTC").isLessThan(1.5e-3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"20200514", "20200521"})
    void deribitsSurfaceIsAcceptedAndReproducesItsOwnMarks(String day) {
        DeribitChain chain = TestChains.load(day);
        VolSurface surface = chain.surface();
        for (DeribitChain.Row row : chain.rows()) {
            if (row.expiryMillis() > surface.asOfMillis()) {
                // The surface averages the call's and put's IV at a strike; near expiry they differ by up to 5 points.
                assertThat(surface.vol(row.strike(), row.expiryMillis())).as("vol of %s", row.instrument())
                        .isCloseTo(row.markIv(), within(row.years() < 2 * DAY ? 0.03 : 0.008));
            }
        }
    }
}
