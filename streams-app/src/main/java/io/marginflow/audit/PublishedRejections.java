package io.marginflow.audit;

import io.marginflow.engine.Sha256;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.RejectionStage;
import io.marginflow.serde.PlainAvroSerde;
import io.marginflow.serde.SpecificAvroDeserializer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The journal entries the engine refused, as published on the dead-letter topic for the entries
 * in an audit's scope, for {@code audit replay} to match the rejections it makes with: by content
 * (a dead letter has no chain), so the same rejection twice is matched twice. Only the engine's
 * own rejections are judged (stage {@code ENGINE}, read from an input it names, not from the
 * journal record itself): the sequencer's are not in the journal, and those Kafka Streams' handlers
 * write (a journal record that could not be read, a record the broker refused) are not the
 * engine's to reproduce.
 */
final class PublishedRejections {

    /** A published rejection no replayed one matched. */
    record Left(JournalReplay.Coordinates at, int journalPartition, long journalOffset) {}

    private final String journal;
    private final SpecificAvroDeserializer<DeadLetter> reader;
    private final PlainAvroSerde<DeadLetter> canonical = new PlainAvroSerde<>(DeadLetter.class);
    private final Map<String, Deque<Left>> byContent = new LinkedHashMap<>();
    private final List<PublishedOutputs.Unreadable> unreadable = new ArrayList<>();

    PublishedRejections(String journal, SchemaRegistry registry) {
        this.journal = journal;
        this.reader = new SpecificAvroDeserializer<>(DeadLetter.class, registry);
    }

    void add(ConsumerRecord<byte[], byte[]> record, JournalScope scope) {
        if (record.value() == null) {
            return;
        }
        DeadLetter letter;
        try {
            letter = reader.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            unreadable.add(new PublishedOutputs.Unreadable(record.topic(), record.partition(), record.offset(), e.getMessage()));
            return;
        }
        if (letter.getStage() == RejectionStage.ENGINE && letter.getJournalPartition() != null
                && !letter.getSource().getTopic().equals(journal)
                && scope.holds(letter.getJournalPartition(), letter.getJournalOffset())) {
            byContent.computeIfAbsent(digest(letter), d -> new ArrayDeque<>()).add(new Left(
                    new JournalReplay.Coordinates(record.topic(), record.partition(), record.offset()),
                    letter.getJournalPartition(), letter.getJournalOffset()));
        }
    }

    /** Whether a published rejection has {@code replayed}'s content; it is then taken. */
    boolean take(DeadLetter replayed) {
        Deque<Left> same = byContent.get(digest(replayed));
        return same != null && same.poll() != null;
    }

    /** The published rejections no replayed one matched, in journal order. */
    List<Left> untaken() {
        List<Left> left = new ArrayList<>();
        byContent.values().forEach(left::addAll);
        left.sort(Comparator.comparingInt(Left::journalPartition).thenComparingLong(Left::journalOffset));
        return left;
    }

    List<PublishedOutputs.Unreadable> unreadable() {
        return List.copyOf(unreadable);
    }

    private String digest(DeadLetter letter) {
        return Sha256.hex(canonical.encode(letter));
    }
}
