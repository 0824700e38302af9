package io.marginflow.engine;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.errors.OutputLimits;
import io.marginflow.schema.JournalEntry;
import io.marginflow.translation.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The margin engine of one journal partition, offline: the same engine that runs live
 * ({@link MarginEngine}), applying journal entries handed to it in journal order, with no broker,
 * no changelog and nothing written anywhere. Its stores live in memory and keep each value encoded
 * with the live store's serde, ordered by the keys' UTF-8 bytes as RocksDB orders them, so the
 * engine reads back exactly what a changelogged store would give it. What the audit tool's replay
 * runs; not thread-safe.
 */
public final class OfflineEngine {

    /**
     * An output of the engine.
     *
     * @param topic the topic the live engine sends it to
     * @param value a chained output sealed into its account's chain ({@link OutputChain.Sealed}), or a dead letter
     */
    public record Output(String topic, String key, Object value, long timestamp) {}

    private final MarginEngine engine;
    private final Map<String, String> sinkTopics;
    private final List<Output> outputs = new ArrayList<>();
    private final Map<String, MemoryStore<?>> stores = new java.util.HashMap<>();

    /**
     * @param limits the largest output each topic takes, as the live engine was told (an output
     *        beyond it dead-letters its entry there, and so here)
     */
    public OfflineEngine(MarginflowConfig config, OutputLimits limits) {
        sinkTopics = MarginEngineTopology.sinkTopics(config.topics());
        // unsigned: an auditor has no signing key, and a checkpoint's hash does not depend on it
        engine = new MarginEngine(config.engine().unsigned(), new DeadLetters(config.deadLetterLimits()),
                sink -> limits.maxBytes(sinkTopics.get(sink)));
        Map<String, Serde<?>> values = MarginEngineTopology.storeValues();
        engine.start(new EngineIo() {
            @Override
            @SuppressWarnings("unchecked")
            public <V> Store<V> store(String name) {
                return (Store<V>) stores.computeIfAbsent(name, n -> new MemoryStore<>(n, (Serde<V>) values.get(n)));
            }

            @Override
            public void forward(Record<String, Object> record, String sink) {
                outputs.add(new Output(sinkTopics.get(sink), record.key(), record.value(), record.timestamp()));
            }
        });
    }

    /**
     * Applies the journal entry at {@code offset} of {@code partition} (entries must come in
     * journal order) and returns the outputs it gave, in the order the live engine sends them.
     */
    public List<Output> apply(String key, JournalEntry entry, int partition, long offset) {
        outputs.clear();
        engine.process(key, entry, partition, offset);
        return List.copyOf(outputs);
    }

    /** The engine's stores as they stand, read-only, for {@link AccountQuery}. */
    public AccountQuery.Stores stores() {
        return new AccountQuery.Stores() {
            @Override
            public Object get(String store, String key) {
                return stores.get(store).get(key);
            }

            @Override
            public KeyValueIterator<String, ?> all(String store) {
                return stores.get(store).from(null);
            }
        };
    }

    /** A store in memory, values encoded with {@code serde}, keys in UTF-8 byte order. */
    private static final class MemoryStore<V> implements EngineIo.Store<V> {
        private final String name;
        private final Serde<V> serde;
        private final TreeMap<Bytes, byte[]> entries = new TreeMap<>();

        MemoryStore(String name, Serde<V> serde) {
            this.name = name;
            this.serde = serde;
        }

        @Override
        public V get(String key) {
            byte[] value = entries.get(bytes(key));
            return value == null ? null : serde.deserializer().deserialize(name, value);
        }

        @Override
        public void put(String key, V value) {
            if (value == null) {
                delete(key);
            } else {
                entries.put(bytes(key), serde.serializer().serialize(name, value));
            }
        }

        @Override
        public void delete(String key) {
            entries.remove(bytes(key));
        }

        @Override
        public KeyValueIterator<String, V> from(String from) {
            return iterator(from == null ? entries : entries.tailMap(bytes(from), true), null);
        }

        @Override
        public KeyValueIterator<String, V> prefixScan(String prefix) {
            Bytes start = bytes(prefix);
            return iterator(entries.tailMap(start, true), start.get());
        }

        private static Bytes bytes(String key) {
            return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
        }

        /** The entries of {@code map} in order, up to the first whose key does not start with {@code prefix} (if given). */
        private KeyValueIterator<String, V> iterator(NavigableMap<Bytes, byte[]> map, byte[] prefix) {
            Iterator<Map.Entry<Bytes, byte[]>> entries = map.entrySet().iterator();
            return new KeyValueIterator<>() {
                private Map.Entry<Bytes, byte[]> next = advance();

                private Map.Entry<Bytes, byte[]> advance() {
                    if (!entries.hasNext()) {
                        return null;
                    }
                    Map.Entry<Bytes, byte[]> entry = entries.next();
                    return prefix == null || startsWith(entry.getKey().get(), prefix) ? entry : null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public KeyValue<String, V> next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    Map.Entry<Bytes, byte[]> entry = next;
                    next = advance();
                    return KeyValue.pair(new String(entry.getKey().get(), StandardCharsets.UTF_8),
                            serde.deserializer().deserialize(name, entry.getValue()));
                }

                @Override
                public String peekNextKey() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    return new String(next.getKey().get(), StandardCharsets.UTF_8);
                }

                @Override
                public void close() {
                    // nothing held
                }
            };
        }

        private static boolean startsWith(byte[] key, byte[] prefix) {
            if (key.length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (key[i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
