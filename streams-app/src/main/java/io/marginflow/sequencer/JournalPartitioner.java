package io.marginflow.sequencer;

import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Routes journal entries (KIP-837 multicast): an account event goes to its account's partition,
 * chosen as Kafka's default partitioner chooses (murmur2 of the key), and a market, reference-data
 * or parameter event goes to every partition, so each engine task holds a full replica of market
 * state.
 */
public final class JournalPartitioner implements StreamPartitioner<String, JournalEntry> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, JournalEntry entry, int numPartitions) {
        if (isAccountEvent(entry)) {
            return Optional.of(Set.of(accountPartition(key, numPartitions)));
        }
        return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }

    public static boolean isAccountEvent(JournalEntry entry) {
        return entry.getPayload() instanceof Fill || entry.getPayload() instanceof CollateralMovement;
    }

    /** The partition Kafka's default partitioner gives {@code account}. */
    public static int accountPartition(String account, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
