package io.marginflow.risk.options;

import static io.marginflow.risk.options.OptionType.CALL;
import static io.marginflow.risk.options.OptionType.PUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Black76Test {

    @Nested
    class PublishedValues {

        /**
         * E. G. Haug, The Complete Guide to Option Pricing Formulas, 2nd ed. (2007), section 1.1.6
         * (options on futures, Black-76): F = 19, K = 19, T = 0.75, r = 10%, σ = 28% gives
         * c = p = 1.7011.
         */
        @Test
        void haugsAtTheMoneyFuturesOption() {
            assertThat(Black76.price(CALL, 19, 19, 0.75, 0.28, 0.10)).isCloseTo(1.7011, within(5e-5));
            assertThat(Black76.price(PUT, 19, 19, 0.75, 0.28, 0.10)).isCloseTo(1.7011, within(5e-5));
        }

        /**
         * J. C. Hull, Options, Futures, and Other Derivatives (Black's model for futures options):
         * a European put on crude-oil futures, F = K = 20, 4 months, r = 9%, σ = 25%, is worth 1.12.
         */
        @Test
        void hullsCrudeOilFuturesPut() {
            assertThat(Black76.price(PUT, 20, 20, 4.0 / 12, 0.25, 0.09)).isCloseTo(1.12, within(0.005));
        }

        /** A worked value computed by hand: F = 100, K = 110, T = 0.5, σ = 0.4, r = 0. */
        @Test
        void anOutOfTheMoneyCallWorkedByHand() {
            // σ√T = 0.282843; d1 = (ln(100/110) + 0.04) / 0.282843 = -0.195553; d2 = -0.478396
            // N(d1) = 0.422479, N(d2) = 0.316187 → c = 100 × 0.422479 − 110 × 0.316187 = 7.467
            assertThat(Black76.price(CALL, 100, 110, 0.5, 0.4, 0.0)).isCloseTo(7.467, within(0.002));
            assertThat(Black76.greeks(CALL, 100, 110, 0.5, 0.4, 0.0).delta()).isCloseTo(0.422479, within(1e-5));
        }
    }

    @Nested
    class Consistency {

        @ParameterizedTest(name = "F={0} K={1} T={2} σ={3} r={4}")
        @CsvSource({
                "9350, 9250, 0.0222, 0.7687, 0", "9350, 12000, 0.0222, 1.1249, 0", "9360, 8000, 0.1199, 0.9026, 0",
                "100, 50, 2.0, 0.2, 0.05", "100, 150, 0.01, 1.5, 0.01", "50000, 20000, 0.002, 3.0, 0",
                "100, 100, 1e-6, 0.5, 0", "100, 100, 30.0, 5.0, 0.02"})
        void putCallParityHolds(double forward, double strike, double years, double vol, double rate) {
            double call = Black76.price(CALL, forward, strike, years, vol, rate);
            double put = Black76.price(PUT, forward, strike, years, vol, rate);
            assertThat(call - put).isCloseTo(Math.exp(-rate * years) * (forward - strike), within(1e-9 * forward));
        }

        @ParameterizedTest(name = "{0} F={1} K={2} T={3} σ={4} r={5}")
        @CsvSource({
                "CALL, 9350, 9250, 0.0222, 0.7687, 0", "PUT, 9350, 9250, 0.0222, 0.7687, 0",
                "CALL, 9360, 8000, 0.1199, 0.9026, 0", "PUT, 9350, 12000, 0.0222, 1.1249, 0",
                "CALL, 100, 80, 2.0, 0.2, 0.05", "PUT, 100, 130, 0.5, 0.6, 0.03"})
        void everyGreekIsTheDerivativeOfThePrice(OptionType type, double forward, double strike, double years,
                                                double vol, double rate) {
            Greeks greeks = Black76.greeks(type, forward, strike, years, vol, rate);
            double h = forward * 1e-4;
            double up = Black76.price(type, forward + h, strike, years, vol, rate);
            double down = Black76.price(type, forward - h, strike, years, vol, rate);
            assertThat(greeks.delta()).isCloseTo((up - down) / (2 * h), within(1e-6));
            assertThat(greeks.gamma()).isCloseTo((up - 2 * greeks.price() + down) / (h * h),
                    within(1e-4 * Math.abs(greeks.gamma()) + 1e-9));
            double dv = 1e-5;
            assertThat(greeks.vega()).isCloseTo((Black76.price(type, forward, strike, years, vol + dv, rate)
                    - Black76.price(type, forward, strike, years, vol - dv, rate)) / (2 * dv), within(1e-4 * greeks.vega() + 1e-9));
            double dt = years * 1e-5;
            // theta is −∂V/∂T with the forward held
            assertThat(greeks.theta()).isCloseTo(-(Black76.price(type, forward, strike, years + dt, vol, rate)
                    - Black76.price(type, forward, strike, years - dt, vol, rate)) / (2 * dt),
                    within(1e-4 * Math.abs(greeks.theta()) + 1e-7));
        }

        @Test
        void moreVolatilityIsWorthMore() {
            double previous = 0.0;
            for (double vol = 0.05; vol < 5; vol += 0.05) {
                double price = Black76.price(PUT, 9000, 8000, 0.1, vol, 0.0);
                assertThat(price).isGreaterThan(previous);
                previous = price;
            }
        }

        @Test
        void impliedVolRecoversTheVolatility() {
            for (double vol : new double[] {0.05, 0.4, 0.8, 1.5, 4.0}) {
                double price = Black76.price(CALL, 9000, 10000, 0.25, vol, 0.0);
                assertThat(Black76.impliedVol(CALL, 9000, 10000, 0.25, price, 0.0)).hasValueCloseTo(vol, within(1e-8));
            }
            assertThat(Black76.impliedVol(CALL, 9000, 8000, 0.25, 999.0, 0.0)).as("below intrinsic").isEmpty();
        }
    }

    @Nested
    class Edges {

        @Test
        void atExpiryAnOptionIsWorthItsIntrinsicValue() {
            Greeks call = Black76.greeks(CALL, 110, 100, 0.0, 0.8, 0.0);
            assertThat(call.price()).isEqualTo(10.0);
            assertThat(call.delta()).isEqualTo(1.0);
            assertThat(call.gamma()).isZero();
            assertThat(Black76.greeks(PUT, 110, 100, 0.0, 0.8, 0.0).price()).isZero();
            assertThat(Black76.greeks(PUT, 110, 100, 0.0, 0.8, 0.0).delta()).isZero();
        }

        @Test
        void noInputInTheAcceptedRangeGivesNaN() {
            double[] forwards = {1e-8, 1.0, 9350.0, 1e9};
            double[] strikes = {1e-8, 1.0, 9350.0, 1e9};
            double[] years = {0.0, 1e-12, 1e-6, 1.0 / 365, 1.0, 50.0};
            double[] vols = {0.0, 1e-9, 0.01, 0.8, 20.0, 1e3};
            for (OptionType type : OptionType.values()) {
                for (double forward : forwards) {
                    for (double strike : strikes) {
                        for (double t : years) {
                            for (double vol : vols) {
                                Greeks g = Black76.greeks(type, forward, strike, t, vol, 0.0);
                                assertThat(new double[] {g.price(), g.delta(), g.gamma(), g.vega(), g.theta()})
                                        .as("%s F=%s K=%s T=%s σ=%s", type, forward, strike, t, vol)
                                        .doesNotContain(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
                                assertThat(g.price()).isGreaterThanOrEqualTo(0.0)
                                        .isLessThanOrEqualTo(type == CALL ? forward : strike);
                            }
                        }
                    }
                }
            }
        }

        @Test
        void hugeVolatilityApproachesTheForwardOrStrikeBound() {
            assertThat(Black76.price(CALL, 100, 100, 1.0, 100.0, 0.0)).isCloseTo(100.0, within(1e-9));
            assertThat(Black76.price(PUT, 100, 100, 1.0, 100.0, 0.0)).isCloseTo(100.0, within(1e-9));
        }

        @Test
        void unusableInputsAreRefusedWithTheReason() {
            assertThatThrownBy(() -> Black76.price(CALL, Double.NaN, 100, 1, 0.5, 0)).hasMessageContaining("forward");
            assertThatThrownBy(() -> Black76.price(CALL, 100, 0, 1, 0.5, 0)).hasMessageContaining("strike");
            assertThatThrownBy(() -> Black76.price(CALL, 100, 100, -1, 0.5, 0)).hasMessageContaining("time to expiry");
            assertThatThrownBy(() -> Black76.price(CALL, 100, 100, 1, -0.5, 0)).hasMessageContaining("volatility");
        }
    }
}
