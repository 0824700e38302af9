package io.marginflow.audit;

import io.marginflow.config.Topics;
import io.marginflow.engine.Sha256;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Cause;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.serde.PlainAvroSerde;
import io.marginflow.serde.SpecificAvroDeserializer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The topics whose records form the accounts' hash chains (margin results, margin calls,
 * liquidation signals), how to decode their records (with each record's writer schema, into the
 * engine's own types), and the fields every chained output has.
 */
final class ChainedTopics {

    private record Chained<T extends SpecificRecord>(SpecificAvroDeserializer<T> reader, PlainAvroSerde<T> canonical) {
        @SuppressWarnings("unchecked")
        byte[] encode(SpecificRecord record) {
            return canonical.encode((T) record);
        }
    }

    private final Map<String, Chained<?>> topics = new LinkedHashMap<>();

    ChainedTopics(Topics topics, SchemaRegistry registry) {
        this.topics.put(topics.margin(), chained(MarginResult.class, registry));
        this.topics.put(topics.marginCalls(), chained(MarginCallEvent.class, registry));
        this.topics.put(topics.liquidations(), chained(LiquidationSignal.class, registry));
    }

    private static <T extends SpecificRecord> Chained<T> chained(Class<T> type, SchemaRegistry registry) {
        return new Chained<>(new SpecificAvroDeserializer<>(type, registry), new PlainAvroSerde<>(type));
    }

    /** The chained topics: margin results, margin calls, liquidation signals. */
    List<String> names() {
        return List.copyOf(topics.keySet());
    }

    boolean contains(String topic) {
        return topics.containsKey(topic);
    }

    /** What an audit does with a record of a chained topic, as {@link #judge} finds it. */
    interface Verdicts {
        /** The record does not decode as its topic's type. */
        void unreadable(ConsumerRecord<byte[], byte[]> record, String reason);

        /** Its cause is not in the journal: no engine wrote it. */
        void foreign(ConsumerRecord<byte[], byte[]> record, SpecificRecord output, String reason);

        /** The journal entry that caused it is in the audit's scope. */
        void inScope(ConsumerRecord<byte[], byte[]> record, SpecificRecord output, Cause cause);
    }

    /**
     * Decodes {@code record} of a chained topic and tells {@code verdicts} what it is; a tombstone,
     * or an output of an entry beyond the scope (still to be judged), is passed over.
     */
    void judge(ConsumerRecord<byte[], byte[]> record, JournalScope scope, Verdicts verdicts) {
        if (record.value() == null) {
            return;
        }
        SpecificRecord output;
        try {
            output = topics.get(record.topic()).reader().deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            verdicts.unreadable(record, e.getMessage());
            return;
        }
        Cause cause = cause(output);
        java.util.Optional<String> impossible = scope.impossible(cause.getJournalPartition(), cause.getJournalOffset());
        if (impossible.isPresent()) {
            verdicts.foreign(record, output, impossible.get());
        } else if (scope.holds(cause.getJournalPartition(), cause.getJournalOffset())) {
            verdicts.inScope(record, output, cause);
        }
    }

    /**
     * SHA-256 of {@code output}'s Avro encoding with the engine's own schema, of the type {@code topic}
     * carries: equal digests, equal records (hash field included), whatever schema version each was written with.
     */
    byte[] digest(String topic, SpecificRecord output) {
        return Sha256.of(topics.get(topic).encode(output));
    }

    static String account(SpecificRecord output) {
        return output.get(output.getSchema().getField("account").pos()).toString();
    }

    static long sequence(SpecificRecord output) {
        return (Long) output.get(output.getSchema().getField("sequence").pos());
    }

    static Cause cause(SpecificRecord output) {
        return (Cause) output.get(output.getSchema().getField("cause").pos());
    }

    static String hash(SpecificRecord output) {
        return output.get(output.getSchema().getField("hash").pos()).toString();
    }

    static String previousHash(SpecificRecord output) {
        return output.get(output.getSchema().getField("previousHash").pos()).toString();
    }
}
