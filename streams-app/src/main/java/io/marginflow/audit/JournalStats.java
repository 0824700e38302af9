package io.marginflow.audit;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.JournalEntry;
import io.marginflow.serde.SpecificAvroDeserializer;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code audit journal-stats}: what an auditor looks at first. The journal's entries by kind and
 * partition and the event time they span, and the dead letters by stage and error class.
 */
public final class JournalStats {

    /**
     * The counts.
     *
     * @param entries by payload kind (its schema name), then by journal partition
     * @param undecodable journal records that do not decode, by partition
     * @param deadLetters by stage, then error class; records of the dead-letter topic that do not decode count as
     *        stage "?" and class UNREADABLE
     */
    public record Report(JournalScope scope, Map<String, Map<Integer, Long>> entries, Map<Integer, Long> undecodable,
                         Optional<Instant> firstEventTime, Optional<Instant> lastEventTime,
                         Map<String, Map<String, Long>> deadLetters) {
        public long total() {
            return entries.values().stream().flatMap(byPartition -> byPartition.values().stream()).mapToLong(Long::longValue).sum();
        }
    }

    private final SpecificAvroDeserializer<JournalEntry> journal;
    private final SpecificAvroDeserializer<DeadLetter> letters;

    public JournalStats(SchemaRegistry registry) {
        journal = new SpecificAvroDeserializer<>(JournalEntry.class, registry);
        letters = new SpecificAvroDeserializer<>(DeadLetter.class, registry);
    }

    /** Counts the journal entries in {@code scope} and every record of {@code deadLetterTopic}. */
    public Report count(KafkaConsumer<byte[], byte[]> consumer, JournalScope scope, String deadLetterTopic) {
        Map<String, Map<Integer, Long>> entries = new TreeMap<>();
        Map<Integer, Long> undecodable = new TreeMap<>();
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
        scope.ends().forEach((partition, end) -> TopicReader.read(consumer,
                new TopicPartition(scope.journal(), partition), 0, end, record -> {
                    JournalEntry entry;
                    try {
                        entry = journal.deserialize(record.topic(), record.headers(), record.value());
                    } catch (RuntimeException e) {
                        undecodable.merge(partition, 1L, Long::sum);
                        return;
                    }
                    String kind = ((org.apache.avro.specific.SpecificRecord) entry.getPayload()).getSchema().getName();
                    entries.computeIfAbsent(kind, k -> new TreeMap<>()).merge(partition, 1L, Long::sum);
                    long time = entry.getEventTime().toEpochMilli();
                    span[0] = Math.min(span[0], time);
                    span[1] = Math.max(span[1], time);
                }));
        Map<String, Map<String, Long>> deadLetters = new TreeMap<>();
        TopicReader.readAll(consumer, deadLetterTopic, record -> {
            String stage = "?";
            String errorClass = "UNREADABLE";
            try {
                DeadLetter letter = letters.deserialize(record.topic(), record.headers(), record.value());
                stage = letter.getStage().name();
                errorClass = letter.getErrorClass();
            } catch (RuntimeException e) {
                // counted as unreadable
            }
            deadLetters.computeIfAbsent(stage, s -> new TreeMap<>()).merge(errorClass, 1L, Long::sum);
        });
        boolean any = span[0] <= span[1];
        return new Report(scope, entries, undecodable, any ? Optional.of(Instant.ofEpochMilli(span[0])) : Optional.empty(),
                any ? Optional.of(Instant.ofEpochMilli(span[1])) : Optional.empty(), deadLetters);
    }
}
