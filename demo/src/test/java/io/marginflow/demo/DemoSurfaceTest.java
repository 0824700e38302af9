package io.marginflow.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.translation.EngineTypes;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The demo's surfaces are ones the sequencer accepts, and their level does what it says. */
class DemoSurfaceTest {

    private static final Instant START = Instant.parse("2020-03-11T00:00:00Z");
    private static final Instant MARCH_27 = Instant.parse("2020-03-27T08:00:00Z");
    private static final DemoSurface SURFACE = DemoSurface.load("data/deribit_btc_option_chain_20200514.csv.gz", START,
            new TreeMap<>(Map.of(
                    1_589_529_600_000L, Instant.parse("2020-03-12T08:00:00Z"),
                    1_590_739_200_000L, MARCH_27,
                    1_593_158_400_000L, Instant.parse("2020-04-24T08:00:00Z"))));

    @Test
    void everySurfaceTheDemoCanPublishIsFreeOfArbitrage() {
        for (int hour = 0; hour < 96; hour++) {
            Instant time = START.plusSeconds(3_600L * hour);
            for (double level = 1.0; level <= DemoSurface.MAX_LEVEL; level += 0.25) {
                double index = 4_000 + 50.0 * hour; // the window's range, 3,800 to 9,000
                double at = level;
                assertThatCode(() -> EngineTypes.volSurface(SURFACE.at(time, index, at)))
                        .as("hour %d, level %.2f", hour, level).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void theLevelFollowsRealisedVolBetweenOneAndTheCap() {
        double reference = SURFACE.referenceVol();
        assertThat(reference).as("the snapshot's at-the-money vol, 29MAY20").isBetween(0.6, 0.9);
        assertThat(SURFACE.level(0.3)).isEqualTo(1.0);
        assertThat(SURFACE.level(1.5 * reference)).isCloseTo(1.5, within(1e-12));
        assertThat(SURFACE.level(9.0)).isEqualTo(DemoSurface.MAX_LEVEL);
        // Level 2 adds 3 σ_ref² of variance at every quoted strike: an at-the-money vol near σ_ref becomes
        // about 2 σ_ref (about: the forward lies between quoted strikes, and vols interpolate linearly).
        var calm = EngineTypes.volSurface(SURFACE.at(START, 8_000, 1.0));
        var stressed = EngineTypes.volSurface(SURFACE.at(START, 8_000, 2.0));
        double forward = calm.forward(MARCH_27.toEpochMilli());
        double before = calm.vol(forward, MARCH_27.toEpochMilli());
        assertThat(stressed.vol(forward, MARCH_27.toEpochMilli()))
                .isCloseTo(Math.sqrt(before * before + 3 * reference * reference), within(1e-3));
    }
}
