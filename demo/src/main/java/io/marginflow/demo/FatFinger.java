package io.marginflow.demo;

import io.marginflow.config.Topics;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The demo's price guard and the one fat-fingered mark it is shown on: the BTC perpetual marked at
 * a tenth of its price, a minute after the second snapshot of hour {@link #HOUR}. Held (the default)
 * or, with {@code --no-price-hold}, applied and reported.
 */
final class FatFinger {

    /**
     * The price guard's allowance, in standard deviations of the forecast volatility over the time
     * between two prices. Black Thursday's real 15-minute moves reach 95 of them on BTC (33% in the
     * hour of 2020-03-13 02:00, against a daily forecast of 3.4% from the calm year before) and 55 on
     * ETH; a mark at a tenth of its value is about 650.
     */
    static final double PRICE_JUMP_SIGMAS = 150.0;
    /** How long a jump waits, held, for a price to confirm it. */
    static final Duration PRICE_HOLD = Duration.ofMinutes(30);
    static final int HOUR = 14;
    static final double SHARE = 0.1;

    final boolean holdPrices;
    /** When the mark was published; null before. */
    Instant at;

    FatFinger(boolean holdPrices) {
        this.holdPrices = holdPrices;
    }

    /** {@code parameters} with the demo's price guard. */
    RiskParameters.Builder guarded(RiskParameters.Builder parameters) {
        return parameters.setPriceJumpSigmas(PRICE_JUMP_SIGMAS).setPriceJumpHoldMillis(holdPrices ? PRICE_HOLD.toMillis() : 0);
    }

    /** Publishes the fat-fingered mark if the snapshot just published at {@code time}, priced {@code price}, is its one. */
    void publishAfter(Publisher out, Topics topics, int hour, int tick, Instant time, double price, DemoTally tally) {
        if (hour != HOUR || tick != 1) {
            return;
        }
        at = time.plus(1, ChronoUnit.MINUTES);
        tally.fatFingerMark = SHARE * price;
        out.send(topics.prices(), "BTC-PERPETUAL", PriceUpdate.newBuilder().setInstrument("BTC-PERPETUAL")
                .setPrice(tally.fatFingerMark).setKind(PriceKind.MARK).setEventTime(at).build(), "fat-fingered marks");
    }
}
