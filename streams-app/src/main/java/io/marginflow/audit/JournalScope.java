package io.marginflow.audit;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.schema.Checkpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The journal entries an audit covers: chosen journal partitions, each from its first entry up
 * to (not including) an offset. Outputs are judged only if the entry that caused them is in
 * scope, so that an audit of a running application does not count outputs still to come.
 *
 * <p>A partition may be judged from a checkpoint on ({@link #from}): then the entries before its
 * {@code untilOffset} are still replayed (their state is what the checkpoint commits to), but only
 * the outputs of the entries from it on, and of the fills it names as still parked, are judged.
 *
 * <p>An output can also name a cause that cannot be: a partition the journal does not have, or an
 * offset at or beyond the partition's end when the audit began. No engine wrote it.
 *
 * @param journal the journal topic
 * @param ends each journal partition in scope and its end, in partition order
 * @param partitions how many partitions the journal has
 * @param journalEnds each journal partition's end (last stable offset) when the audit began
 * @param anchors the partitions judged from a checkpoint on, and their checkpoint
 */
public record JournalScope(String journal, NavigableMap<Integer, Long> ends, int partitions,
                           NavigableMap<Integer, Long> journalEnds, NavigableMap<Integer, Checkpoint> anchors) {

    public JournalScope {
        ends = Collections.unmodifiableNavigableMap(new TreeMap<>(ends));
        journalEnds = Collections.unmodifiableNavigableMap(new TreeMap<>(journalEnds));
        anchors = Collections.unmodifiableNavigableMap(new TreeMap<>(anchors));
    }

    public JournalScope(String journal, NavigableMap<Integer, Long> ends, int partitions,
                        NavigableMap<Integer, Long> journalEnds) {
        this(journal, ends, partitions, journalEnds, new TreeMap<>());
    }

    /** This scope, each partition of {@code anchors} judged from its checkpoint on. */
    public JournalScope from(Map<Integer, Checkpoint> anchors) {
        return new JournalScope(journal, ends, partitions, journalEnds, new TreeMap<>(anchors));
    }

    /** The first journal offset of {@code partition} whose outputs are judged: its checkpoint's, or 0. */
    public long start(int partition) {
        Checkpoint anchor = anchors.get(partition);
        return anchor == null ? 0 : anchor.getUntilOffset();
    }

    /** Whether the entry at {@code offset} of journal partition {@code partition} is in scope. */
    public boolean holds(int partition, long offset) {
        Long end = ends.get(partition);
        if (end == null || offset >= end) {
            return false;
        }
        Checkpoint anchor = anchors.get(partition);
        return anchor == null || offset >= anchor.getUntilOffset() || anchor.getParkedOffsets().contains(offset);
    }

    /** Why no engine could have given an output caused by that entry, if none could: the entry is not in the journal. */
    public java.util.Optional<String> impossible(int partition, long offset) {
        if (partition < 0 || partition >= partitions) {
            return java.util.Optional.of("its cause names journal partition " + partition + ", but " + journal + " has "
                    + partitions + " partitions");
        }
        Long end = journalEnds.get(partition);
        if (offset < 0 || (end != null && offset >= end)) {
            return java.util.Optional.of("its cause names " + journal + "-" + partition + "@" + offset + ", which is not"
                    + " in the journal (its end was " + end + " when the audit began)");
        }
        return java.util.Optional.empty();
    }

    /** What an audit does with a published record that names a journal entry, as {@link #judge} finds it. */
    interface Verdicts<T> {
        /** The record does not decode. */
        void unreadable(ConsumerRecord<byte[], byte[]> record, String reason);

        /** The entry it names is not in the journal: no engine wrote it. */
        void foreign(ConsumerRecord<byte[], byte[]> record, T value, String reason);

        /** The entry it names is in scope. */
        void inScope(ConsumerRecord<byte[], byte[]> record, T value);

        /**
         * Verdicts that list what does not decode in {@code unreadable} and what names no journal
         * entry in {@code foreign}, and hand what is in scope to {@code action}.
         */
        static <T> Verdicts<T> listing(List<PublishedOutputs.Unreadable> unreadable, List<PublishedOutputs.Unreadable> foreign,
                                       BiConsumer<ConsumerRecord<byte[], byte[]>, T> action) {
            return new Verdicts<>() {
                @Override
                public void unreadable(ConsumerRecord<byte[], byte[]> record, String reason) {
                    unreadable.add(new PublishedOutputs.Unreadable(record.topic(), record.partition(), record.offset(), reason));
                }

                @Override
                public void foreign(ConsumerRecord<byte[], byte[]> record, T value, String reason) {
                    foreign.add(new PublishedOutputs.Unreadable(record.topic(), record.partition(), record.offset(), reason));
                }

                @Override
                public void inScope(ConsumerRecord<byte[], byte[]> record, T value) {
                    action.accept(record, value);
                }
            };
        }

        /** Verdicts that act on what is in scope only (what does not decode or cannot be is audit verify's to name). */
        static <T> Verdicts<T> inScopeOnly(BiConsumer<ConsumerRecord<byte[], byte[]>, T> action) {
            return new Verdicts<>() {
                @Override
                public void unreadable(ConsumerRecord<byte[], byte[]> record, String reason) {
                    // passed over
                }

                @Override
                public void foreign(ConsumerRecord<byte[], byte[]> record, T value, String reason) {
                    // passed over
                }

                @Override
                public void inScope(ConsumerRecord<byte[], byte[]> record, T value) {
                    action.accept(record, value);
                }
            };
        }
    }

    /**
     * Decodes {@code record} and tells {@code verdicts} where the journal entry it names (journal
     * partition and offset) stands: not in the journal, or in scope; a tombstone, or a record of an
     * entry beyond the scope (still to be judged), is passed over.
     */
    <T> void judge(ConsumerRecord<byte[], byte[]> record, Function<ConsumerRecord<byte[], byte[]>, T> decode,
                   ToIntFunction<T> partition, ToLongFunction<T> offset, Verdicts<T> verdicts) {
        if (record.value() == null) {
            return;
        }
        T value;
        try {
            value = decode.apply(record);
        } catch (RuntimeException e) {
            verdicts.unreadable(record, e.getMessage());
            return;
        }
        java.util.Optional<String> cannotBe = impossible(partition.applyAsInt(value), offset.applyAsLong(value));
        if (cannotBe.isPresent()) {
            verdicts.foreign(record, value, cannotBe.get());
        } else if (holds(partition.applyAsInt(value), offset.applyAsLong(value))) {
            verdicts.inScope(record, value);
        }
    }

    /** E.g. "risk.journal partitions 0, 1, 2 up to offsets 91 / 95 / 103". */
    public String describe() {
        boolean one = ends.size() == 1;
        return journal + (one ? " partition " : " partitions ")
                + ends.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "))
                + (one ? " up to offset " : " up to offsets ")
                + ends.values().stream().map(end -> String.format("%,d", end)).collect(Collectors.joining(" / "))
                + (anchors.isEmpty() ? "" : ", judged from "
                        + anchors.values().stream().map(anchor -> "partition " + anchor.getJournalPartition() + "'s checkpoint "
                                + anchor.getSequence() + " (" + anchor.getCheckpointTime() + ", offset "
                                + String.format("%,d", anchor.getUntilOffset()) + ")").collect(Collectors.joining(", ")));
    }

    /**
     * What the application has processed of {@code partitions} of the journal (all of them if
     * empty): up to its consumer group's committed offset in each (with exactly-once, every output
     * of the entries before it is committed), or the partition's end if the group has committed
     * nothing there.
     *
     * @throws AuditMistake if the journal or a chosen partition does not exist
     */
    public static JournalScope processed(MarginflowConfig config, Admin admin, KafkaConsumer<byte[], byte[]> consumer,
                                         List<Integer> partitions) throws ExecutionException, InterruptedException {
        JournalScope whole = whole(config, consumer, partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.get("application.id"))
                .partitionsToOffsetAndMetadata().get();
        NavigableMap<Integer, Long> processed = new TreeMap<>();
        whole.ends().forEach((partition, end) -> {
            OffsetAndMetadata offset = committed.get(new TopicPartition(whole.journal(), partition));
            processed.put(partition, offset == null ? end : Math.min(end, offset.offset()));
        });
        return new JournalScope(whole.journal(), processed, whole.partitions(), whole.journalEnds());
    }

    /**
     * All of {@code partitions} of the journal (all of them if empty), up to their ends (last
     * stable offsets) now.
     *
     * @throws AuditMistake if the journal or a chosen partition does not exist
     */
    public static JournalScope whole(MarginflowConfig config, KafkaConsumer<byte[], byte[]> consumer, List<Integer> partitions) {
        String journal = config.topics().journal();
        List<TopicPartition> all = consumer.partitionsFor(journal, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(journal, info.partition())).toList();
        if (all.isEmpty()) {
            throw new AuditMistake("there is no topic " + journal + " (topic.journal) on the cluster");
        }
        List<TopicPartition> chosen = new ArrayList<>();
        for (int partition : partitions.isEmpty() ? all.stream().map(TopicPartition::partition).toList() : partitions) {
            TopicPartition topicPartition = new TopicPartition(journal, partition);
            if (!all.contains(topicPartition)) {
                throw new AuditMistake(journal + " has no partition " + partition + " (it has " + all.size() + ")");
            }
            chosen.add(topicPartition);
        }
        NavigableMap<Integer, Long> journalEnds = new TreeMap<>();
        consumer.endOffsets(all, Duration.ofSeconds(30)).forEach((partition, end) -> journalEnds.put(partition.partition(), end));
        NavigableMap<Integer, Long> ends = new TreeMap<>();
        chosen.forEach(partition -> ends.put(partition.partition(), journalEnds.get(partition.partition())));
        return new JournalScope(journal, ends, all.size(), journalEnds);
    }
}
