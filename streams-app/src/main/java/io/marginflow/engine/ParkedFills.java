package io.marginflow.engine;

import io.marginflow.schema.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Fills for instruments the engine does not know yet, waiting for the definition
 * ({@code parked-fills} store, keyed {@code <instrument> NUL <journal offset, 19 digits>}, so an
 * instrument's fills are found by prefix in journal order). A fill is applied when its
 * instrument is defined, or dead-lettered when its wait ends ({@link EngineClock.Kind#PARKED}).
 */
final class ParkedFills {

    /** A parked fill: its key, its journal offset and the entry. */
    record Parked(String key, long journalOffset, JournalEntry entry) {}

    private static final char SEPARATOR = '\u0000';

    private final UnitOfWork.Staged<JournalEntry> parked;

    ParkedFills(UnitOfWork unit) {
        parked = unit.store(MarginEngineTopology.PARKED_FILLS);
    }

    /** Parks the fill read from {@code journalOffset}; returns its key. */
    String park(String instrument, long journalOffset, JournalEntry entry) {
        String key = instrument + SEPARATOR + String.format(Locale.ROOT, "%019d", journalOffset);
        parked.put(key, entry);
        return key;
    }

    /** The fills waiting for {@code instrument}, in journal order (committed state: call between units). */
    List<Parked> waitingFor(String instrument) {
        List<Parked> waiting = new ArrayList<>();
        try (KeyValueIterator<String, JournalEntry> entries = parked.prefixScan(instrument + SEPARATOR)) {
            entries.forEachRemaining(entry -> waiting.add(parked(entry.key, entry.value)));
        }
        return waiting;
    }

    /** The journal offsets of every parked fill, in increasing order. */
    List<Long> offsets() {
        List<Long> offsets = new ArrayList<>();
        try (KeyValueIterator<String, JournalEntry> entries = parked.all()) {
            entries.forEachRemaining(entry -> offsets.add(parked(entry.key, entry.value).journalOffset()));
        }
        offsets.sort(null);
        return offsets;
    }

    /** The parked fill under {@code key}, removed; empty if it was applied already. */
    Optional<Parked> take(String key) {
        JournalEntry entry = parked.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        parked.delete(key);
        return Optional.of(parked(key, entry));
    }

    private static Parked parked(String key, JournalEntry entry) {
        return new Parked(key, Long.parseLong(key.substring(key.lastIndexOf(SEPARATOR) + 1)), entry);
    }
}
