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

    /**
     * Decodes {@code record} of a chained topic and tells {@code verdicts} where the entry that
     * caused it stands ({@link JournalScope#judge}).
     */
    void judge(ConsumerRecord<byte[], byte[]> record, JournalScope scope, JournalScope.Verdicts<SpecificRecord> verdicts) {
        scope.judge(record, read -> topics.get(read.topic()).reader().deserialize(read.topic(), read.headers(), read.value()),
                output -> cause(output).getJournalPartition(), output -> cause(output).getJournalOffset(), verdicts);
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
