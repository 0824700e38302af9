package io.marginflow.audit;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Checkpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The checkpoints published on the checkpoints topic for the journal entries in an audit's scope,
 * indexed by their place (journal partition, sequence), for {@code audit replay} to match the
 * checkpoints it recomputes with.
 */
final class PublishedCheckpoints {

    /** A published checkpoint: where it is, and what it says. */
    record Published(JournalReplay.Coordinates at, Checkpoint checkpoint) {}

    private final CheckpointRecords checkpoints;
    private final Map<String, Published> byPlace = new HashMap<>();
    private final List<Published> duplicates = new ArrayList<>();
    private final List<PublishedOutputs.Unreadable> unreadable = new ArrayList<>();
    private final List<PublishedOutputs.Unreadable> foreign = new ArrayList<>();

    PublishedCheckpoints(SchemaRegistry registry) {
        this.checkpoints = new CheckpointRecords(registry);
    }

    /**
     * Each journal partition's last checkpoint in {@code scope} at or before {@code instant}
     * (partitions with none are left out), for an audit to be judged from.
     */
    static Map<Integer, Checkpoint> atOrBefore(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                               SchemaRegistry registry, JournalScope scope, Instant instant) {
        CheckpointRecords checkpoints = new CheckpointRecords(registry);
        Map<Integer, Checkpoint> latest = new TreeMap<>();
        TopicReader.readAll(consumer, topic, record -> checkpoints.judge(record, scope,
                JournalScope.Verdicts.inScopeOnly((read, checkpoint) -> {
                    if (!checkpoint.getCheckpointTime().isAfter(instant)) {
                        latest.merge(checkpoint.getJournalPartition(), checkpoint,
                                (was, is) -> is.getSequence() > was.getSequence() ? is : was);
                    }
                })));
        return latest;
    }

    void add(ConsumerRecord<byte[], byte[]> record, JournalScope scope) {
        checkpoints.judge(record, scope, JournalScope.Verdicts.listing(unreadable, foreign, (read, checkpoint) -> {
            Published published = new Published(new JournalReplay.Coordinates(read.topic(), read.partition(),
                    read.offset()), checkpoint);
            if (byPlace.putIfAbsent(place(checkpoint), published) != null) {
                duplicates.add(published);
            }
        }));
    }

    /** The published checkpoint at {@code replayed}'s place, removed from the index; null if none. */
    Published take(Checkpoint replayed) {
        return byPlace.remove(place(replayed));
    }

    /** Whether a published checkpoint says what the replayed one says (its signature aside, which signs the hash). */
    static boolean same(Published published, Checkpoint replayed) {
        return published.checkpoint().getHash().equals(replayed.getHash())
                && Checkpoint.newBuilder(published.checkpoint()).setKeyId(null).setSignature(null).build().equals(replayed);
    }

    /** The published checkpoints no replayed one has taken, by journal partition and sequence. */
    List<Published> untaken() {
        List<Published> left = new ArrayList<>(byPlace.values());
        left.sort(Comparator.comparingInt((Published p) -> p.checkpoint().getJournalPartition())
                .thenComparingLong(p -> p.checkpoint().getSequence()));
        return left;
    }

    List<Published> duplicates() {
        return List.copyOf(duplicates);
    }

    List<PublishedOutputs.Unreadable> unreadable() {
        return List.copyOf(unreadable);
    }

    List<PublishedOutputs.Unreadable> foreign() {
        return List.copyOf(foreign);
    }

    private static String place(Checkpoint checkpoint) {
        return checkpoint.getJournalPartition() + "/" + checkpoint.getSequence();
    }
}
