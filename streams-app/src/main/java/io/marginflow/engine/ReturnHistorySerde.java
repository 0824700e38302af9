package io.marginflow.engine;

import io.marginflow.risk.stats.ReturnHistory;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The return-history store's values: a version byte (2), the sampling interval, the current
 * interval, the latest price, the current interval's realised variance so far, its latest
 * sub-interval and the sub-return's reference price, then the count and, per close, its interval,
 * its price and its interval's realised variance, big-endian. Version 1 (no realised variances)
 * is still read ({@link ReturnHistory#withoutRealised}). Derived state, written and read only by
 * the engine.
 */
final class ReturnHistorySerde implements Serde<ReturnHistory> {

    private static final byte VERSION = 2;

    @Override
    public Serializer<ReturnHistory> serializer() {
        return (topic, history) -> {
            if (history == null) {
                return null;
            }
            double[] closes = history.closes();
            long[] buckets = history.closeBuckets();
            double[] realised = history.realised();
            ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + 8 + 8 + 8 + 8 + 8 + 4 + 24 * closes.length);
            buffer.put(VERSION).putLong(history.interval()).putLong(history.bucket()).putDouble(history.lastPrice())
                    .putDouble(history.partialRealised()).putLong(history.subBucket()).putDouble(history.subReference())
                    .putInt(closes.length);
            for (int i = 0; i < closes.length; i++) {
                buffer.putLong(buckets[i]).putDouble(closes[i]).putDouble(realised[i]);
            }
            return buffer.array();
        };
    }

    @Override
    public Deserializer<ReturnHistory> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            byte version = buffer.get();
            if (version != 1 && version != VERSION) {
                throw new IllegalStateException("return history written by an unknown version " + version);
            }
            long interval = buffer.getLong();
            long bucket = buffer.getLong();
            double lastPrice = buffer.getDouble();
            double partial = version == 1 ? 0.0 : buffer.getDouble();
            long subBucket = version == 1 ? 0 : buffer.getLong();
            double subReference = version == 1 ? 0.0 : buffer.getDouble();
            double[] closes = new double[buffer.getInt()];
            long[] buckets = new long[closes.length];
            double[] realised = new double[closes.length];
            for (int i = 0; i < closes.length; i++) {
                buckets[i] = buffer.getLong();
                closes[i] = buffer.getDouble();
                realised[i] = version == 1 ? 0.0 : buffer.getDouble();
            }
            return version == 1 ? ReturnHistory.withoutRealised(interval, bucket, lastPrice, closes, buckets)
                    : new ReturnHistory(interval, bucket, lastPrice, closes, buckets, realised, partial, subBucket, subReference);
        };
    }
}
