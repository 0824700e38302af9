package io.marginflow.risk.stats;

import java.util.Optional;

/**
 * A price that moved further than its underlying's volatility makes plausible in the time since
 * the price it is compared with: more than k standard deviations of the forecast volatility
 * scaled to the elapsed time, k σ √(Δt / interval) in log terms, with Δt at least a floor (two
 * prices a millisecond apart are not held to a move of nothing). A fat-fingered mark at a tenth of
 * its value is a move of ln 10 = 2.3: hundreds of standard deviations of any minute.
 *
 * @param logMove |ln(price / reference)|
 * @param threshold k σ √(Δt / interval), the largest move taken as plausible
 * @param sigmas the move in standard deviations of the elapsed time
 */
public record PriceJump(double logMove, double threshold, double sigmas) {

    /**
     * The jump from {@code reference} to {@code price}, if the move is larger than the threshold.
     *
     * @param elapsedMillis stream time between the two prices (0 for a mark against the index of the same instant)
     * @param volPerInterval the forecast volatility per {@code intervalMillis} (the statistics' sampling
     *        interval); not positive: no forecast yet, so nothing is judged
     * @param k how many standard deviations are plausible; positive and finite
     * @param minElapsedMillis the floor of the elapsed time; positive
     * @throws IllegalArgumentException for prices that are not positive and finite, or k, interval or floor out of range
     */
    public static Optional<PriceJump> of(double reference, double price, long elapsedMillis, double volPerInterval,
                                         long intervalMillis, double k, long minElapsedMillis) {
        if (!(reference > 0.0 && price > 0.0 && Double.isFinite(reference) && Double.isFinite(price))) {
            throw new IllegalArgumentException("prices are positive and finite: " + reference + ", " + price);
        }
        if (!(k > 0.0 && Double.isFinite(k))) {
            throw new IllegalArgumentException("k, the plausible standard deviations, is positive and finite: " + k);
        }
        if (intervalMillis <= 0 || minElapsedMillis <= 0) {
            throw new IllegalArgumentException("the interval and the floor of the elapsed time are positive: "
                    + intervalMillis + ", " + minElapsedMillis);
        }
        if (!(volPerInterval > 0.0 && Double.isFinite(volPerInterval))) {
            return Optional.empty();
        }
        double elapsed = Math.max(elapsedMillis, minElapsedMillis);
        double sigma = volPerInterval * Math.sqrt(elapsed / intervalMillis);
        double move = Math.abs(Math.log(price / reference));
        double threshold = k * sigma;
        return move > threshold ? Optional.of(new PriceJump(move, threshold, move / sigma)) : Optional.empty();
    }
}
