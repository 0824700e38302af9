package io.marginflow.engine;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the margin engine needs from where it runs: its stores, by name, and its sinks. Kafka
 * Streams provides them live ({@link MarginEngineProcessor}: changelogged RocksDB stores and the
 * topology's sinks); the audit tool's replay provides them offline ({@link OfflineEngine}: stores
 * in memory, outputs collected).
 */
interface EngineIo {

    /** The store named {@code name} (one of {@link MarginEngineTopology#storeValues}). */
    <V> Store<V> store(String name);

    /** Sends {@code record} to the sink named {@code sink}. */
    void forward(Record<String, Object> record, String sink);

    /** A key-value store with string keys, iterated in the order of the keys' UTF-8 bytes. */
    interface Store<V> {

        V get(String key);

        void put(String key, V value);

        void delete(String key);

        /** The entries from {@code from} on ({@code null}: all), in key order. */
        KeyValueIterator<String, V> from(String from);

        /** The entries whose key starts with {@code prefix}, in key order. */
        KeyValueIterator<String, V> prefixScan(String prefix);

        /** {@code store}, a Kafka Streams state store. */
        static <V> Store<V> of(KeyValueStore<String, V> store) {
            return new StateStore<>(store);
        }
    }

    /** A Kafka Streams state store as the engine's store. */
    record StateStore<V>(KeyValueStore<String, V> store) implements Store<V> {

        @Override
        public V get(String key) {
            return store.get(key);
        }

        @Override
        public void put(String key, V value) {
            store.put(key, value);
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }

        @Override
        public KeyValueIterator<String, V> from(String from) {
            return store.range(from, null);
        }

        @Override
        public KeyValueIterator<String, V> prefixScan(String prefix) {
            return store.prefixScan(prefix, new StringSerializer());
        }
    }
}
