package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.T0;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.index;
import static io.marginflow.pipeline.Inputs.option;
import static io.marginflow.pipeline.Inputs.optionParameters;
import static io.marginflow.pipeline.Inputs.perpetual;
import static io.marginflow.pipeline.Inputs.settlement;
import static io.marginflow.pipeline.Inputs.surface;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.risk.options.Black76;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.UnderlyingMargin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Options through the pipeline: valued from the live surface, margined under price and vol
 * scenarios, repriced by a surface update alone, and settled out of the portfolios at expiry.
 * Expected figures come from Black-76 evaluated directly (risk-engine's Black76Test checks it
 * against Haug and Hull) and the reasoning in the comments.
 */
class OptionPipelineSpec {

    private static final Instant EXPIRY = T0.plus(Duration.ofDays(30));
    private static final double[] STRIKES = {8_000, 10_000, 12_000};
    private static final double MILLIS_PER_YEAR = 365.0 * 24 * 3600 * 1000;

    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        pipeline = new PipelineDriver();
        // ±16% in 9 steps, vol +30% / −20% with every price point, no extremes, no short-option minimum.
        pipeline.publish(optionParameters("BTC", 0.16, 9, 0.3, 0.2, 0.0));
        pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
        pipeline.publish(perpetual("ETH-PERPETUAL", "ETH"));
        pipeline.publish(option("BTC-30D-10000-C", "BTC", OptionType.CALL, 10_000, EXPIRY));
        pipeline.publish(option("BTC-30D-9000-P", "BTC", OptionType.PUT, 9_000, EXPIRY));
        pipeline.publish(index("BTC", 10_000.0, 1));
        pipeline.publish(surface("BTC", 2, EXPIRY, 10_000.0, STRIKES, new double[] {0.6, 0.6, 0.6}));
    }

    @AfterEach
    void stop() {
        pipeline.close();
    }

    @Test
    void aSurfaceUpdateAloneRepricesTheOptionAccountsAndMayIssueAMarginCall() {
        double years = years(T0.plusSeconds(120));
        double premium = Black76.price(io.marginflow.risk.options.OptionType.CALL, 10_000, 10_000, years, 0.6, 0.0);
        pipeline.publish(deposit("M-A", "ACC-WRITER", "USD", "1600"));
        pipeline.publish(fill("F-A", "ACC-WRITER", "BTC-30D-10000-C", "-1", premium));
        pipeline.publish(deposit("M-B", "ACC-FUTURES", "USD", "5000"));
        pipeline.publish(fill("F-B", "ACC-FUTURES", "BTC-PERPETUAL", "1", 10_000.0));
        pipeline.publish(deposit("M-C", "ACC-ETH", "USD", "5000"));
        pipeline.publish(fill("F-C", "ACC-ETH", "ETH-PERPETUAL", "1", 150.0));

        // A short call loses most when the price and the vol both rise: +16% and vol 0.6 × 1.3.
        double calmRequirement = call(11_600, years, 0.78) - premium;
        MarginResult writer = pipeline.margin().stream().filter(r -> r.getAccount().equals("ACC-WRITER"))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(writer.getInitialMargin().doubleValue()).isCloseTo(calmRequirement, within(1e-6));
        assertThat(writer.getStatus()).isEqualTo(MarginStatus.NORMAL);
        UnderlyingMargin btc = writer.getUnderlyings().get(0);
        assertThat(btc.getWorstPriceMove()).isEqualTo(0.16);
        assertThat(btc.getWorstVolShock()).isEqualTo(0.3);
        assertThat(btc.getNetDelta()).isCloseTo(-Black76.greeks(io.marginflow.risk.options.OptionType.CALL,
                10_000, 10_000, years, 0.6, 0.0).delta(), within(1e-9));
        assertThat(btc.getVega()).isNegative();
        assertThat(btc.getTheta()).isPositive();

        pipeline.publish(surface("BTC", 3, EXPIRY, 10_000.0, STRIKES, new double[] {1.2, 1.2, 1.2}));

        // Only the option writer moved: the futures account's margin does not depend on vol, and ETH is not BTC.
        List<MarginResult> repriced = pipeline.margin(); // the results since the last read
        assertThat(repriced).extracting(MarginResult::getAccount).containsExactly("ACC-WRITER");
        double later = years(T0.plusSeconds(180));
        double value = call(10_000, later, 1.2);
        MarginResult stressed = repriced.get(0);
        assertThat(stressed.getInitialMargin().doubleValue()).isCloseTo(call(11_600, later, 1.56) - value, within(1e-6));
        // The call it wrote for ~685 is now worth ~1,366: equity 1,600 − 681 ≈ 920 < IM ≈ 1,448, above MM ≈ 724.
        assertThat(stressed.getEquity().doubleValue()).isCloseTo(1_600 + premium - value, within(1e-6));
        assertThat(stressed.getCause().getSource().getTopic()).isEqualTo("market.vol-surfaces");
        // decided once the surface's instant is over: the next entry of the partition
        pipeline.publish(Inputs.clock(4));
        assertThat(last(pipeline.margin()).getStatus()).isEqualTo(MarginStatus.MARGIN_CALL);
        assertThat(last(pipeline.marginCalls())).satisfies(call -> {
            assertThat(call.getAccount()).isEqualTo("ACC-WRITER");
            assertThat(call.getTransition()).isEqualTo(MarginCallTransition.ISSUED);
            assertThat(call.getCause().getSource().getTopic()).isEqualTo("market.clock");
        });
    }

    @Test
    void theIndexMovesTheForwardsOfTheOptionsAndAHedgeOffsetsThem() {
        double years = years(T0.plusSeconds(120));
        pipeline.publish(deposit("M-A", "ACC-A", "USD", "100000"));
        pipeline.publish(fill("F-A1", "ACC-A", "BTC-30D-9000-P", "10", 300.0));
        double naked = last(pipeline.margin()).getInitialMargin().doubleValue();
        // Ten long puts can lose at most their value.
        double putValue = Black76.price(io.marginflow.risk.options.OptionType.PUT, 10_000, 9_000, years, 0.6, 0.0);
        assertThat(naked).isLessThanOrEqualTo(10 * putValue + 1e-6);

        pipeline.publish(fill("F-A2", "ACC-A", "BTC-PERPETUAL", "3", 10_000.0));
        MarginResult hedged = last(pipeline.margin());
        assertThat(hedged.getInitialMargin().doubleValue()).as("long puts protect long futures")
                .isLessThan(3 * 10_000 * 0.16);
        double deltaBefore = hedged.getUnderlyings().get(0).getNetDelta();

        pipeline.publish(index("BTC", 11_000.0, 4));

        // The forward moved with the index to 11,000: the 9,000 puts are further out of the money,
        // their (negative) delta shrinks, and the account's net delta rises.
        MarginResult moved = last(pipeline.margin());
        assertThat(moved.getCause().getSource().getTopic()).isEqualTo("market.prices");
        assertThat(moved.getUnderlyings().get(0).getNetDelta()).isGreaterThan(deltaBefore);
    }

    @Test
    void atExpiryTheSettlementPriceSettlesTheOptionsOutOfThePortfolio() {
        pipeline.publish(deposit("M-A", "ACC-A", "USD", "10000"));
        pipeline.publish(fill("F-A", "ACC-A", "BTC-30D-10000-C", "2", 700.0));
        pipeline.publish(fill("F-B", "ACC-A", "BTC-30D-9000-P", "-1", 200.0));
        assertThat(last(pipeline.margin()).getInitialMargin().signum()).isPositive();

        pipeline.publish(settlement("BTC", 10_450.0, EXPIRY.plusSeconds(60)));

        // Calls: 2 × (450 − 700) = −500; the short put expires worthless: +200. USD 10,000 − 300.
        MarginResult settled = last(pipeline.margin());
        assertThat(settled.getAccount()).isEqualTo("ACC-A");
        assertThat(settled.getInitialMargin()).isEqualByComparingTo("0");
        assertThat(settled.getEquity()).isEqualByComparingTo("9700");
        assertThat(settled.getUnderlyings()).isEmpty();
        assertThat(settled.getCause().getSource().getTopic()).isEqualTo("market.prices");

        pipeline.publish(fill("F-C", "ACC-A", "BTC-30D-10000-C", "1", 10.0));
        pipeline.publish(settlement("BTC-30D-10000-C", 10_450.0, EXPIRY.plusSeconds(120)));
        assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass)
                .containsExactly("EXPIRED_INSTRUMENT", "ALREADY_SETTLED");
    }

    @Test
    void anArbitrageableSurfaceIsDeadLetteredWithTheReasonAndTheLastGoodOneStays() {
        pipeline.journal(); // read what the setup journalled
        // A call at 10,000 dearer than the call at 8,000: a call spread that pays for itself.
        pipeline.publish(surface("BTC", 3, EXPIRY, 10_000.0, STRIKES, new double[] {0.2, 3.0, 0.2}));

        assertThat(pipeline.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.getStage()).isEqualTo(RejectionStage.SEQUENCER);
            assertThat(letter.getErrorClass()).isEqualTo("SURFACE_ARBITRAGE");
            assertThat(letter.getReason()).contains("arbitrage");
        });
        assertThat(pipeline.journal()).isEmpty();
    }

    @Test
    void anOptionFillBeforeItsUnderlyingHasAPriceIsRejectedWithTheReason() {
        pipeline.publish(option("ETH-30D-200-C", "ETH", OptionType.CALL, 200, EXPIRY));
        pipeline.publish(fill("F-E", "ACC-A", "ETH-30D-200-C", "1", 10.0));

        assertThat(pipeline.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.getStage()).isEqualTo(RejectionStage.ENGINE);
            assertThat(letter.getErrorClass()).isEqualTo("UNPRICED_UNDERLYING");
            assertThat(letter.getReason()).contains("ETH has neither an index price nor a volatility surface");
        });
    }

    private static double call(double forward, double years, double vol) {
        return Black76.price(io.marginflow.risk.options.OptionType.CALL, forward, 10_000, years, vol, 0.0);
    }

    private static double years(Instant valuationTime) {
        return (EXPIRY.toEpochMilli() - valuationTime.toEpochMilli()) / MILLIS_PER_YEAR;
    }

    private static <T> T last(List<T> records) {
        return records.get(records.size() - 1);
    }
}
