package io.marginflow.risk.stats;

import java.util.Arrays;

/**
 * An underlying's recent price history, sampled on a fixed grid of stream time: the close of
 * each interval (the last index price seen in it) for the last {@code length + 1} intervals, so
 * {@code length} log returns, and each interval's realised variance: the sum of the squared log
 * returns between the closes of its {@link #SUB_INTERVALS} sub-intervals (the hours of a day), the
 * first measured from the previous sub-interval's close. An interval seen through one price only
 * (a history seeded with daily closes) has the squared return from the previous close as its
 * realised variance. Built from the index prices the engine journals, so a replay rebuilds it
 * exactly; seeded by publishing historical index prices with their event times. Immutable.
 *
 * @param interval the sampling interval in milliseconds (a day: 86,400,000)
 * @param bucket the interval the latest price fell in (event time / interval)
 * @param lastPrice the latest price, the close of {@code bucket} so far
 * @param closes closes of the completed intervals, oldest first, at most length + 1
 * @param closeBuckets the interval of each close (intervals without a price have none)
 * @param realised the realised variance of each close's interval
 * @param partialRealised the realised variance of {@code bucket} so far, from its completed sub-intervals
 * @param subBucket the sub-interval the latest price fell in (event time / (interval / {@link #SUB_INTERVALS}))
 * @param subReference the close of the sub-interval before the latest price's: the next sub-return's start
 */
public record ReturnHistory(long interval, long bucket, double lastPrice, double[] closes, long[] closeBuckets,
                            double[] realised, double partialRealised, long subBucket, double subReference) {

    /** Sub-intervals per interval whose closes make an interval's realised variance: hours of a day. */
    public static final int SUB_INTERVALS = 24;

    public ReturnHistory {
        if (interval <= 0) {
            throw new IllegalArgumentException("a sampling interval is positive: " + interval);
        }
        if (closes.length != closeBuckets.length || closes.length != realised.length) {
            throw new IllegalArgumentException("one interval and one realised variance per close");
        }
        closes = closes.clone();
        closeBuckets = closeBuckets.clone();
        realised = realised.clone();
    }

    /** A history whose first price is {@code price} at {@code millis}. */
    public static ReturnHistory starting(long interval, long millis, double price) {
        return new ReturnHistory(interval, Math.floorDiv(millis, interval), price, new double[0], new long[0], new double[0],
                0.0, Math.floorDiv(millis, subInterval(interval)), price);
    }

    /**
     * A history stored without realised variances (before they were kept): each close's is the
     * squared return from the close before it (0 for the first), as for a history seeded with one
     * price per interval; the current interval's starts afresh at its latest price.
     */
    public static ReturnHistory withoutRealised(long interval, long bucket, double lastPrice, double[] closes,
                                                long[] closeBuckets) {
        double[] realised = new double[closes.length];
        for (int i = 1; i < closes.length; i++) {
            double r = Math.log(closes[i] / closes[i - 1]);
            realised[i] = r * r;
        }
        return new ReturnHistory(interval, bucket, lastPrice, closes, closeBuckets, realised, 0.0,
                bucket * SUB_INTERVALS, lastPrice);
    }

    /** The length of a sub-interval: the interval / {@link #SUB_INTERVALS}, at least a millisecond. */
    static long subInterval(long interval) {
        return Math.max(1, interval / SUB_INTERVALS);
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
        double close = closes[Math.max(0, kept - 1)];
        return new ReturnHistory(interval, at, close, Arrays.copyOf(closes, kept), Arrays.copyOf(closeBuckets, kept),
                Arrays.copyOf(realised, kept), 0.0, at * SUB_INTERVALS, close);
    }

    /**
     * The history after an index price at {@code millis}: in the same sub-interval it replaces the
     * close so far; in a later one the sub-interval that ended adds its squared return to the
     * interval's realised variance, and in a later interval the previous interval's close is kept
     * with its realised variance (at most {@code length + 1} closes); an earlier time changes nothing
     * (stream time does not go back).
     */
    public ReturnHistory with(long millis, double price, int length) {
        long at = Math.floorDiv(millis, interval);
        long sub = Math.floorDiv(millis, subInterval(interval));
        if (at < bucket || (at == bucket && sub < subBucket)) {
            return this;
        }
        if (sub == subBucket) {
            return new ReturnHistory(interval, bucket, price, closes, closeBuckets, realised, partialRealised, subBucket,
                    subReference);
        }
        double subReturn = Math.log(lastPrice / subReference);
        double intervalSoFar = partialRealised + subReturn * subReturn;
        if (at == bucket) {
            return new ReturnHistory(interval, bucket, price, closes, closeBuckets, realised, intervalSoFar, sub, lastPrice);
        }
        double[] kept = Arrays.copyOf(closes, closes.length + 1);
        long[] keptBuckets = Arrays.copyOf(closeBuckets, closeBuckets.length + 1);
        double[] keptRealised = Arrays.copyOf(realised, realised.length + 1);
        kept[closes.length] = lastPrice;
        keptBuckets[closes.length] = bucket;
        keptRealised[closes.length] = intervalSoFar;
        if (kept.length > length + 1) {
            int from = kept.length - (length + 1);
            kept = Arrays.copyOfRange(kept, from, kept.length);
            keptBuckets = Arrays.copyOfRange(keptBuckets, from, keptBuckets.length);
            keptRealised = Arrays.copyOfRange(keptRealised, from, keptRealised.length);
        }
        return new ReturnHistory(interval, at, price, kept, keptBuckets, keptRealised, 0.0, sub, lastPrice);
    }

    /** Log returns between consecutive closes, oldest first. */
    public double[] returns() {
        double[] returns = new double[Math.max(0, closes.length - 1)];
        for (int i = 0; i < returns.length; i++) {
            returns[i] = Math.log(closes[i + 1] / closes[i]);
        }
        return returns;
    }

    /** The realised variance of the interval of each return, aligned with {@link #returns()}. */
    public double[] realisedVariances() {
        return closes.length < 2 ? new double[0] : Arrays.copyOfRange(realised, 1, realised.length);
    }

    public int returnCount() {
        return Math.max(0, closes.length - 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReturnHistory h && h.interval == interval && h.bucket == bucket
                && Double.compare(h.lastPrice, lastPrice) == 0 && Arrays.equals(h.closes, closes)
                && Arrays.equals(h.closeBuckets, closeBuckets) && Arrays.equals(h.realised, realised)
                && Double.compare(h.partialRealised, partialRealised) == 0 && h.subBucket == subBucket
                && Double.compare(h.subReference, subReference) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(bucket) + Arrays.hashCode(closes);
    }

    @Override
    public String toString() {
        return "ReturnHistory[interval=" + interval + ", bucket=" + bucket + ", closes=" + closes.length + "]";
    }
}
