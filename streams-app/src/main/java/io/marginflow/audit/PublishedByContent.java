package io.marginflow.audit;

import io.marginflow.engine.Sha256;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Alert;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.StressResult;
import io.marginflow.serde.PlainAvroSerde;
import io.marginflow.serde.SpecificAvroDeserializer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Records the engine publishes outside any account's chain, as published for the entries in an
 * audit's scope, for {@code audit replay} to match the ones it makes with: by content (they have
 * no chain), so the same record twice is matched twice. Two kinds:
 * <ul>
 *   <li>{@link #rejections}: the journal entries the engine refused. Only the engine's own
 *       rejections are judged (stage {@code ENGINE}, read from an input it names, not from the
 *       journal record itself): the sequencer's are not in the journal, and those Kafka Streams'
 *       handlers write (a journal record that could not be read, a record the broker refused)
 *       are not the engine's to reproduce.</li>
 *   <li>{@link #alerts}: the price alerts, each judged at the entry that raised it.</li>
 *   <li>{@link #stress}: the stress runs' outcomes, judged once every partition's share is in scope.</li>
 * </ul>
 */
final class PublishedByContent<T extends SpecificRecord> {

    /** A published record no replayed one matched. */
    record Left(JournalReplay.Coordinates at, int journalPartition, long journalOffset) {}

    /** The journal entry a record was made at. */
    record Place(int journalPartition, long journalOffset) {}

    private final SpecificAvroDeserializer<T> reader;
    private final PlainAvroSerde<T> canonical;
    private final BiFunction<T, JournalScope, Optional<Place>> judgedAt;
    private final Map<String, Deque<Left>> byContent = new LinkedHashMap<>();
    private final List<PublishedOutputs.Unreadable> unreadable = new ArrayList<>();

    /** @param judgedAt where a published record was made, if it is one the replay of a scope judges */
    private PublishedByContent(Class<T> type, SchemaRegistry registry, BiFunction<T, JournalScope, Optional<Place>> judgedAt) {
        this.reader = new SpecificAvroDeserializer<>(type, registry);
        this.canonical = new PlainAvroSerde<>(type);
        this.judgedAt = judgedAt;
    }

    /** The engine's rejections of journal entries, on the dead-letter topic. */
    static PublishedByContent<DeadLetter> rejections(String journal, SchemaRegistry registry) {
        return new PublishedByContent<>(DeadLetter.class, registry, (letter, scope) -> letter.getStage() == RejectionStage.ENGINE
                && letter.getJournalPartition() != null && !letter.getSource().getTopic().equals(journal)
                ? Optional.of(new Place(letter.getJournalPartition(), letter.getJournalOffset())) : Optional.empty());
    }

    /** The alerts, on the alerts topic. */
    static PublishedByContent<Alert> alerts(SchemaRegistry registry) {
        return new PublishedByContent<>(Alert.class, registry, (alert, scope) -> Optional.of(
                new Place(alert.getCause().getJournalPartition(), alert.getCause().getJournalOffset())));
    }

    /**
     * The stress results: judged when the scope holds every journal partition, each up to the entry
     * its share of the run was made before; placed at partition 0's.
     */
    static PublishedByContent<StressResult> stress(SchemaRegistry registry) {
        return new PublishedByContent<>(StressResult.class, registry, (result, scope) -> {
            List<Long> offsets = result.getJournalOffsets();
            boolean whole = scope.ends().size() == scope.partitions() && offsets.size() == scope.partitions();
            for (int partition = 0; whole && partition < offsets.size(); partition++) {
                whole = scope.holds(partition, offsets.get(partition));
            }
            return whole ? Optional.of(new Place(0, offsets.get(0))) : Optional.empty();
        });
    }

    void add(ConsumerRecord<byte[], byte[]> record, JournalScope scope) {
        if (record.value() == null) {
            return;
        }
        T value;
        try {
            value = reader.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            unreadable.add(new PublishedOutputs.Unreadable(record.topic(), record.partition(), record.offset(), e.getMessage()));
            return;
        }
        judgedAt.apply(value, scope).filter(place -> scope.holds(place.journalPartition(), place.journalOffset()))
                .ifPresent(place -> byContent.computeIfAbsent(digest(value), d -> new ArrayDeque<>()).add(new Left(
                        new JournalReplay.Coordinates(record.topic(), record.partition(), record.offset()),
                        place.journalPartition(), place.journalOffset())));
    }

    /** Whether a published record has {@code replayed}'s content; it is then taken. */
    boolean take(T replayed) {
        Deque<Left> same = byContent.get(digest(replayed));
        return same != null && same.poll() != null;
    }

    /**
     * A replayed record made at journal {@code partition} and {@code offset} against the published
     * ones: taken and counted in {@code matched} under {@code topic}, or a divergence saying
     * {@code unmatched}.
     */
    void match(String topic, T replayed, int partition, long offset, Map<String, Long> matched,
               List<JournalReplay.Divergence> divergences, String unmatched) {
        if (take(replayed)) {
            matched.merge(topic, 1L, Long::sum);
        } else {
            divergences.add(new JournalReplay.Divergence(JournalReplay.Kind.NOT_PUBLISHED, topic, Optional.of(replayed),
                    Optional.empty(), partition, offset, unmatched));
        }
    }

    /** The published records no replayed one matched, in journal order. */
    List<Left> untaken() {
        List<Left> left = new ArrayList<>();
        byContent.values().forEach(left::addAll);
        left.sort(Comparator.comparingInt(Left::journalPartition).thenComparingLong(Left::journalOffset));
        return left;
    }

    List<PublishedOutputs.Unreadable> unreadable() {
        return List.copyOf(unreadable);
    }

    private String digest(T value) {
        return Sha256.hex(canonical.encode(value));
    }
}
