package io.marginflow.engine;

import io.marginflow.errors.Failures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The state writes and outputs of one unit of the engine's work (a journal entry, or one
 * account's share of a market entry), held back until the unit is done: then applied together,
 * in the order they were made; or, when the unit fails, dropped together, so that a failure
 * leaves every store exactly as it was and forwards nothing ({@link #attempt}). Reads through a
 * {@link Staged} store see the unit's own writes.
 */
final class UnitOfWork {

    private static final Object DELETED = new Object();

    private final EngineIo io;
    private final List<Runnable> effects = new ArrayList<>();
    private final List<Staged<?>> stores = new ArrayList<>();

    UnitOfWork(EngineIo io) {
        this.io = io;
    }

    /** The store named {@code name}, with its writes held in this unit. */
    <V> Staged<V> store(String name) {
        Staged<V> staged = new Staged<>(io.<V>store(name));
        stores.add(staged);
        return staged;
    }

    /** Runs {@code effect} when the unit commits, in order with its writes: for state derived in memory. */
    void afterCommit(Runnable effect) {
        effects.add(effect);
    }

    /** Forwards {@code record} to {@code sink} when the unit commits. */
    void forward(Record<String, Object> record, String sink) {
        effects.add(() -> io.forward(record, sink));
    }

    /**
     * Runs {@code body} as one unit: if it completes, its writes and outputs are applied, in
     * order; if it throws, they are dropped and {@code failed} is told why, unless the failure is
     * an outage ({@link Failures#isOutage}), which is rethrown to fail the task, to be retried.
     *
     * @return what {@code body} returned, or empty if the unit failed
     * @throws StreamsException if applying the held writes fails: a state store failure, not the unit's fault
     */
    <T> Optional<T> attempt(Supplier<T> body, Consumer<RuntimeException> failed) {
        T result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            clear();
            if (Failures.isOutage(e)) {
                throw e;
            }
            failed.accept(e);
            return Optional.empty();
        }
        try {
            for (Runnable effect : effects) {
                effect.run();
            }
        } catch (RuntimeException e) {
            throw e instanceof StreamsException streams ? streams
                    : new StreamsException("applying a unit of work to the engine's stores failed", e);
        } finally {
            clear();
        }
        return Optional.of(result);
    }

    private void clear() {
        effects.clear();
        for (Staged<?> store : stores) {
            store.overlay.clear();
        }
    }

    /** A state store whose writes wait for the unit; gets see them, scans see committed state only. */
    final class Staged<V> {
        private final EngineIo.Store<V> store;
        private final Map<String, Object> overlay = new HashMap<>();

        private Staged(EngineIo.Store<V> store) {
            this.store = store;
        }

        @SuppressWarnings("unchecked")
        V get(String key) {
            Object staged = overlay.get(key);
            if (staged == null) {
                return store.get(key);
            }
            return staged == DELETED ? null : (V) staged;
        }

        void put(String key, V value) {
            overlay.put(key, value);
            effects.add(() -> store.put(key, value));
        }

        void delete(String key) {
            overlay.put(key, DELETED);
            effects.add(() -> store.delete(key));
        }

        /** Every committed entry: for restoring derived state, never inside a unit. */
        KeyValueIterator<String, V> all() {
            return store.from(null);
        }

        /** The committed entries from {@code from} on, in key order. */
        KeyValueIterator<String, V> from(String from) {
            return store.from(from);
        }

        /** The committed entries whose key starts with {@code prefix}, in key order. */
        KeyValueIterator<String, V> prefixScan(String prefix) {
            return store.prefixScan(prefix);
        }
    }
}
