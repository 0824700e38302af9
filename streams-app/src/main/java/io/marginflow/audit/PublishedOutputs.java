package io.marginflow.audit;

import io.marginflow.engine.Sha256;
import io.marginflow.schema.Cause;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The chained outputs published in the replay's scope, indexed by account and chain sequence,
 * each kept as its coordinates, the journal entry that caused it and a digest of its content
 * ({@link ChainedTopics#digest}), so that an output replayed from the journal is matched with the
 * published one without keeping every published record in memory.
 */
final class PublishedOutputs {

    /** Where a published output is, what caused it, and its content's digest. */
    record Published(String topic, int partition, long offset, int journalPartition, long journalOffset, byte[] digest) {}

    /** A published record that does not decode as its topic's type, or whose cause is not in the journal: why. */
    record Unreadable(String topic, int partition, long offset, String reason) {}

    private final ChainedTopics chained;
    private final Map<String, Published> byChainPosition = new HashMap<>();
    private final List<Published> duplicates = new ArrayList<>();
    private final List<Unreadable> unreadable = new ArrayList<>();
    private final List<Unreadable> foreign = new ArrayList<>();

    PublishedOutputs(ChainedTopics chained) {
        this.chained = chained;
    }

    /** Indexes {@code record}, of a chained topic, if {@code scope} holds the journal entry that caused it. */
    void add(ConsumerRecord<byte[], byte[]> record, JournalScope scope) {
        chained.judge(record, scope, JournalScope.Verdicts.listing(unreadable, foreign, (read, output) -> {
            Cause cause = ChainedTopics.cause(output);
            Published published = new Published(read.topic(), read.partition(), read.offset(),
                    cause.getJournalPartition(), cause.getJournalOffset(), chained.digest(read.topic(), output));
            if (byChainPosition.putIfAbsent(chainPosition(output), published) != null) {
                duplicates.add(published);
            }
        }));
    }

    /** The published output at {@code output}'s place in its account's chain, removed from the index; null if none. */
    Published take(SpecificRecord output) {
        return byChainPosition.remove(chainPosition(output));
    }

    /** Whether {@code published} has the content of {@code encoding} (an output's encoding with the engine's schema). */
    static boolean sameContent(Published published, byte[] encoding) {
        return Arrays.equals(published.digest(), Sha256.of(encoding));
    }

    /** The published outputs no replayed output has taken, in journal order. */
    List<Published> untaken() {
        List<Published> left = new ArrayList<>(byChainPosition.values());
        left.sort(Comparator.comparingInt(Published::journalPartition).thenComparingLong(Published::journalOffset)
                .thenComparing(Published::topic).thenComparingLong(Published::offset));
        return left;
    }

    /** Second records published at a chain position already taken by an earlier one. */
    List<Published> duplicates() {
        return List.copyOf(duplicates);
    }

    /** Published records that do not decode. */
    List<Unreadable> unreadable() {
        return List.copyOf(unreadable);
    }

    /** Published records whose cause is not in the journal: no engine wrote them. */
    List<Unreadable> foreign() {
        return List.copyOf(foreign);
    }

    private static String chainPosition(SpecificRecord output) {
        return ChainedTopics.account(output) + "\u0000" + ChainedTopics.sequence(output);
    }
}
