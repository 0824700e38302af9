package io.marginflow.risk.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.UnderlyingRisk;
import io.marginflow.risk.VolatilityScan;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole book of real Deribit BTC options margined by the engine from the surface built out of
 * the same snapshot: the portfolio Greeks the engine reports agree with the sum of the Greeks
 * Deribit published for each option. The engine reads vols off the surface (the mean of a
 * strike's call and put IV, interpolated), not each option's own IV, and one forward per expiry,
 * so the sums agree to within a small fraction of the book's gross Greeks, not exactly.
 */
class DeribitPortfolioTest {

    private static final double WEEK = 7.0 / 365;

    @ParameterizedTest
    @ValueSource(strings = {"20200514", "20200521"})
    void portfolioGreeksAreTheSumOfDeribitsPublishedGreeks(String day) {
        DeribitChain chain = TestChains.load(day);
        VolSurface surface = chain.surface();
        Market market = new Market(MarginParameters.builder("*")
                .extremeMove(-0.66, 0.3).extremeMove(5.0, 0.3)
                .volatility(new VolatilityScan(0.3, 0.2, 0.5, true))
                .shortOptionMinimum(0.005)
                .build(), Set.of("USD"));
        market.putSurface(surface, OptionalDouble.empty());
        market.advanceValuationTime("BTC", surface.asOfMillis());

        Portfolio book = Portfolio.EMPTY;
        double[] published = new double[4];
        double[] gross = new double[4];
        int n = 0;
        int contracts = 0;
        for (DeribitChain.Row row : chain.rows()) {
            if (row.years() < WEEK) {
                continue;
            }
            // A mixed book: long and short, one to three contracts.
            int quantity = (n % 3 + 1) * (n % 2 == 0 ? 1 : -1);
            n++;
            contracts += Math.abs(quantity);
            InstrumentSpec spec = new InstrumentSpec(row.instrument(), InstrumentSpec.Kind.OPTION, "BTC",
                    OptionalLong.of(row.expiryMillis()), BigDecimal.ONE, "USD", true,
                    Optional.of(new InstrumentSpec.OptionTerms(row.type(), row.strike())));
            market.putInstrument(spec);
            book = book.withFill(spec, BigDecimal.valueOf(quantity), row.markUsd(), BigDecimal.ZERO, "USD");
            double[] greeks = {row.delta(), row.gamma(), row.vega(), row.theta()};
            for (int g = 0; g < 4; g++) {
                published[g] += quantity * greeks[g];
                gross[g] += Math.abs(quantity * greeks[g]);
            }
        }
        AccountMargin margin = new MarginCalculator().margin(AccountRiskView.of(book, market), market);

        UnderlyingRisk btc = margin.underlyings().get(0);
        assertThat(n).isGreaterThan(200);
        double[] engine = {btc.netDelta(), btc.gamma(), btc.vega(), btc.theta()};
        String[] names = {"delta", "gamma", "vega (USD per vol point)", "theta (USD per day)"};
        // Measured: delta, vega and theta agree to 0.015% of the gross, gamma to 0.6%: Deribit rounds
        // gamma to 5 decimals, up to 5e-6 per contract, which the gamma tolerance allows for.
        double[] tolerance = {5e-4 * gross[0], 5e-6 * contracts, 5e-4 * gross[2], 5e-4 * gross[3]};
        for (int g = 0; g < 4; g++) {
            assertThat(engine[g]).as("%s of the book on %s", names[g], day)
                    .isCloseTo(published[g], within(tolerance[g]));
        }
        // Filled at Deribit's marks and valued off the surface: the book's unrealised P&L is the
        // difference between the two valuations, measured at 56 and 101 USD on a book of ~230 options.
        assertThat(Math.abs(btc.unrealizedPnl())).isLessThan(250.0);
        assertThat(btc.requirement()).isPositive();
    }
}
