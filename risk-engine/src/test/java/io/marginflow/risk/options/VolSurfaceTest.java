package io.marginflow.risk.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class VolSurfaceTest {

    private static final long T0 = 1_600_000_000_000L;
    private static final long YEAR = 365L * 24 * 3600 * 1000;

    private static long years(double t) {
        return T0 + Math.round(t * YEAR);
    }

    private static VolSurface.Smile flat(double t, double forward, double vol) {
        return new VolSurface.Smile(years(t), forward, new double[] {forward}, new double[] {vol});
    }

    @Test
    void withinASmileVolIsLinearInLogMoneynessAndFlatBeyondTheWings() {
        VolSurface surface = VolSurface.of("BTC", T0, List.of(new VolSurface.Smile(years(0.25), 10_000,
                new double[] {8_000, 10_000, 12_500}, new double[] {0.9, 0.7, 0.8})));
        long expiry = years(0.25);
        assertThat(surface.vol(10_000, expiry)).isCloseTo(0.7, within(1e-12));
        // halfway in log-moneyness between 10,000 and 12,500 is √(10,000 × 12,500) = 11,180.34
        assertThat(surface.vol(Math.sqrt(10_000.0 * 12_500), expiry)).isCloseTo(0.75, within(1e-12));
        assertThat(surface.vol(3_000, expiry)).isEqualTo(0.9);
        assertThat(surface.vol(40_000, expiry)).isEqualTo(0.8);
    }

    @Test
    void betweenExpiriesTotalVarianceIsLinearInTime() {
        VolSurface surface = VolSurface.of("BTC", T0, List.of(flat(0.1, 10_000, 0.5), flat(0.3, 10_000, 0.7)));
        // σ²T: 0.25 × 0.1 = 0.025 and 0.49 × 0.3 = 0.147; at T = 0.2 halfway: 0.086 → σ = √(0.086 / 0.2)
        assertThat(surface.vol(10_000, years(0.2))).isCloseTo(Math.sqrt(0.086 / 0.2), within(1e-9));
        assertThat(surface.vol(10_000, years(0.05))).as("before the first expiry").isCloseTo(0.5, within(1e-12));
        assertThat(surface.vol(10_000, years(2.0))).as("after the last expiry").isCloseTo(0.7, within(1e-12));
    }

    @Test
    void theForwardIsInterpolatedInTime() {
        VolSurface surface = VolSurface.of("BTC", T0, List.of(flat(0.1, 10_000, 0.5), flat(0.3, 10_400, 0.7)));
        assertThat(surface.forward(years(0.2))).isCloseTo(10_200, within(1e-6));
        assertThat(surface.forward(years(0.01))).isEqualTo(10_000);
    }

    @Test
    void aSurfaceWhoseTotalVarianceFallsWithExpiryIsRefused() {
        assertThatThrownBy(() -> VolSurface.of("BTC", T0, List.of(flat(0.1, 10_000, 0.8), flat(0.2, 10_000, 0.5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("calendar arbitrage");
    }

    @Test
    void aSmileWithAVolSpikeOffersAButterflyAndIsRefused() {
        // At T = 0.1 a call at 10,000 and 70% vol is worth about 881, the average of its neighbours
        // at 50% (about 1,226 at 9,000 and 278 at 11,000) about 752: sell it, buy the wings.
        assertThatThrownBy(() -> VolSurface.of("BTC", T0, List.of(new VolSurface.Smile(years(0.1), 10_000,
                new double[] {9_000, 10_000, 11_000}, new double[] {0.5, 0.7, 0.5}))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("butterfly arbitrage");
        // At 200% the call at 10,000 is worth more than the call at 9,000.
        assertThatThrownBy(() -> VolSurface.of("BTC", T0, List.of(new VolSurface.Smile(years(0.1), 10_000,
                new double[] {9_000, 10_000, 11_000}, new double[] {0.5, 2.0, 0.5}))))
                .hasMessageContaining("call spread arbitrage");
    }

    @Test
    void expiredSmilesAreDroppedAndAllExpiredIsRefused() {
        VolSurface surface = VolSurface.of("BTC", years(0.15), List.of(flat(0.1, 10_000, 0.9), flat(0.3, 10_000, 0.6)));
        assertThat(surface.vol(10_000, years(0.2))).isCloseTo(0.6, within(1e-12));
        assertThatThrownBy(() -> VolSurface.of("BTC", years(0.5), List.of(flat(0.1, 10_000, 0.9))))
                .hasMessageContaining("expired");
    }

    @Test
    void malformedSmilesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> VolSurface.of("BTC", T0, List.of(new VolSurface.Smile(years(0.1), 10_000,
                new double[] {9_000, 8_000}, new double[] {0.5, 0.5})))).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> VolSurface.of("BTC", T0, List.of(flat(0.1, 10_000, Double.NaN))))
                .hasMessageContaining("implied vol");
        assertThatThrownBy(() -> VolSurface.of("BTC", T0, List.of(flat(0.2, 10_000, 0.5), flat(0.1, 10_000, 0.5))))
                .hasMessageContaining("increasing expiry order");
    }
}
