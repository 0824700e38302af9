package io.marginflow.audit;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Cause;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.serde.PlainAvroSerde;
import io.marginflow.serde.SpecificAvroDeserializer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The chained outputs published on the output topics (margin results, margin calls, liquidation
 * signals), indexed by account and chain sequence, each kept as its coordinates, the journal
 * entry that caused it and a digest of its content, so that an output replayed from the journal
 * is matched with the published one without keeping every published record in memory. The digest
 * is SHA-256 of the record's Avro encoding with the engine's own schema (a record written with
 * another version of its schema is decoded and encoded again), so equal digests mean equal
 * records, hash field included.
 */
final class PublishedOutputs {

    /** Where a published output is, what caused it, and its content's digest. */
    record Published(String topic, int partition, long offset, int journalPartition, long journalOffset, byte[] digest) {}

    /** The types of the chained output topics, by topic. */
    private final Map<String, Chained<?>> topics = new LinkedHashMap<>();
    private final Map<String, Published> byChainPosition = new HashMap<>();
    private final List<Published> duplicates = new ArrayList<>();
    private final List<Unreadable> unreadable = new ArrayList<>();

    /** A published record that does not decode as its topic's type. */
    record Unreadable(String topic, int partition, long offset, String reason) {}

    private record Chained<T extends SpecificRecord>(SpecificAvroDeserializer<T> reader, PlainAvroSerde<T> canonical) {
        byte[] digest(T record) {
            return sha256(canonical.encode(record));
        }
    }

    PublishedOutputs(String margin, String marginCalls, String liquidations, SchemaRegistry registry) {
        topics.put(margin, chained(MarginResult.class, registry));
        topics.put(marginCalls, chained(MarginCallEvent.class, registry));
        topics.put(liquidations, chained(LiquidationSignal.class, registry));
    }

    private static <T extends SpecificRecord> Chained<T> chained(Class<T> type, SchemaRegistry registry) {
        return new Chained<>(new SpecificAvroDeserializer<>(type, registry), new PlainAvroSerde<>(type));
    }

    /** The chained output topics, in the order margin results, margin calls, liquidation signals. */
    List<String> topics() {
        return List.copyOf(topics.keySet());
    }

    /**
     * Indexes {@code record} of one of the chained topics if the journal entry that caused it is
     * in the replay: {@code replayedPartition} holds for its journal partition and its offset is
     * below {@code replayEnd} of that partition.
     */
    void add(ConsumerRecord<byte[], byte[]> record, IntPredicate replayedPartition, ToLongFunction<Integer> replayEnd) {
        if (record.value() == null) {
            return;
        }
        Chained<?> type = topics.get(record.topic());
        SpecificRecord output;
        try {
            output = type.reader().deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            unreadable.add(new Unreadable(record.topic(), record.partition(), record.offset(), e.getMessage()));
            return;
        }
        Cause cause = (Cause) output.get(output.getSchema().getField("cause").pos());
        int journalPartition = cause.getJournalPartition();
        if (!replayedPartition.test(journalPartition) || cause.getJournalOffset() >= replayEnd.applyAsLong(journalPartition)) {
            return;
        }
        Published published = new Published(record.topic(), record.partition(), record.offset(), journalPartition,
                cause.getJournalOffset(), digest(type, output));
        Published earlier = byChainPosition.putIfAbsent(chainPosition(output), published);
        if (earlier != null) {
            duplicates.add(published);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] digest(Chained<T> type, SpecificRecord output) {
        return type.digest((T) output);
    }

    /** The published output at {@code output}'s place in its account's chain, removed from the index; null if none. */
    Published take(SpecificRecord output) {
        return byChainPosition.remove(chainPosition(output));
    }

    /** Whether {@code published} has the content of {@code encoding} (an output's encoding with the engine's schema). */
    static boolean sameContent(Published published, byte[] encoding) {
        return Arrays.equals(published.digest(), sha256(encoding));
    }

    /** The published outputs no replayed output has taken, in journal order. */
    List<Published> untaken() {
        List<Published> left = new ArrayList<>(byChainPosition.values());
        left.sort(java.util.Comparator.comparingInt(Published::journalPartition).thenComparingLong(Published::journalOffset)
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

    private static String chainPosition(SpecificRecord output) {
        return output.get(output.getSchema().getField("account").pos()) + "\u0000"
                + output.get(output.getSchema().getField("sequence").pos());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
