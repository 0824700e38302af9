package io.marginflow.risk.stats;

import java.util.Arrays;

/**
 * An underlying's recent price history, sampled on a fixed grid of stream time: the close of
 * each interval (the last index price seen in it) for the last {@code length + 1} intervals, so
 * {@code length} log returns. Built from the index prices the engine journals, so a replay
 * rebuilds it exactly; seeded by publishing historical index prices with their event times.
 * Immutable.
 *
 * @param interval the sampling interval in milliseconds (a day: 86,400,000)
 * @param bucket the interval the latest price fell in (event time / interval)
 * @param lastPrice the latest price, the close of {@code bucket} so far
 * @param closes closes of the completed intervals, oldest first, at most length + 1
 * @param closeBuckets the interval of each close (intervals without a price have none)
 */
public record ReturnHistory(long interval, long bucket, double lastPrice, double[] closes, long[] closeBuckets) {

    public ReturnHistory {
        if (interval <= 0) {
            throw new IllegalArgumentException("a sampling interval is positive: " + interval);
        }
        if (closes.length != closeBuckets.length) {
            throw new IllegalArgumentException("one interval per close");
        }
        closes = closes.clone();
        closeBuckets = closeBuckets.clone();
    }

    /** A history whose first price is {@code price} at {@code millis}. */
    public static ReturnHistory starting(long interval, long millis, double price) {
        return new ReturnHistory(interval, Math.floorDiv(millis, interval), price, new double[0], new long[0]);
    }

    /** The history as it stood when interval {@code at} began: only the closes of earlier intervals. */
    public ReturnHistory asOf(long at) {
        int kept = 0;
        while (kept < closeBuckets.length && closeBuckets[kept] < at) {
            kept++;
        }
        if (kept == closes.length) {
            return this;
        }
        return new ReturnHistory(interval, at, closes[Math.max(0, kept - 1)], Arrays.copyOf(closes, kept),
                Arrays.copyOf(closeBuckets, kept));
    }

    /**
     * The history after an index price at {@code millis}: in the same interval it replaces the
     * close so far; in a later one the previous interval's close is kept (at most
     * {@code length + 1} closes); an earlier time changes nothing (stream time does not go back).
     */
    public ReturnHistory with(long millis, double price, int length) {
        long at = Math.floorDiv(millis, interval);
        if (at < bucket) {
            return this;
        }
        if (at == bucket) {
            return new ReturnHistory(interval, bucket, price, closes, closeBuckets);
        }
        double[] kept = Arrays.copyOf(closes, closes.length + 1);
        long[] keptBuckets = Arrays.copyOf(closeBuckets, closeBuckets.length + 1);
        kept[closes.length] = lastPrice;
        keptBuckets[closes.length] = bucket;
        if (kept.length > length + 1) {
            kept = Arrays.copyOfRange(kept, kept.length - (length + 1), kept.length);
            keptBuckets = Arrays.copyOfRange(keptBuckets, keptBuckets.length - (length + 1), keptBuckets.length);
        }
        return new ReturnHistory(interval, at, price, kept, keptBuckets);
    }

    /** Log returns between consecutive closes, oldest first. */
    public double[] returns() {
        double[] returns = new double[Math.max(0, closes.length - 1)];
        for (int i = 0; i < returns.length; i++) {
            returns[i] = Math.log(closes[i + 1] / closes[i]);
        }
        return returns;
    }

    public int returnCount() {
        return Math.max(0, closes.length - 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReturnHistory h && h.interval == interval && h.bucket == bucket
                && Double.compare(h.lastPrice, lastPrice) == 0 && Arrays.equals(h.closes, closes)
                && Arrays.equals(h.closeBuckets, closeBuckets);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(bucket) + Arrays.hashCode(closes);
    }
}
