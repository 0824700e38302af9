package io.marginflow.engine;

import io.marginflow.risk.stats.ReturnHistory;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The return-history store's values: a version byte (1), the sampling interval, the current
 * interval, the latest price, then the count and, per close, its interval and its price,
 * big-endian. Derived state, written and read only by the engine.
 */
final class ReturnHistorySerde implements Serde<ReturnHistory> {

    private static final byte VERSION = 1;

    @Override
    public Serializer<ReturnHistory> serializer() {
        return (topic, history) -> {
            if (history == null) {
                return null;
            }
            double[] closes = history.closes();
            long[] buckets = history.closeBuckets();
            ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + 8 + 8 + 4 + 16 * closes.length);
            buffer.put(VERSION).putLong(history.interval()).putLong(history.bucket()).putDouble(history.lastPrice())
                    .putInt(closes.length);
            for (int i = 0; i < closes.length; i++) {
                buffer.putLong(buckets[i]).putDouble(closes[i]);
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
            if (version != VERSION) {
                throw new IllegalStateException("return history written by an unknown version " + version);
            }
            long interval = buffer.getLong();
            long bucket = buffer.getLong();
            double lastPrice = buffer.getDouble();
            double[] closes = new double[buffer.getInt()];
            long[] buckets = new long[closes.length];
            for (int i = 0; i < closes.length; i++) {
                buckets[i] = buffer.getLong();
                closes[i] = buffer.getDouble();
            }
            return new ReturnHistory(interval, bucket, lastPrice, closes, buckets);
        };
    }
}
