package io.marginflow.demo;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.serde.SpecificAvroSerde;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A producer of contract records in the wire format, counting what it sends by kind. */
final class Publisher implements AutoCloseable {

    /** Records sent, by kind. */
    final Map<String, Long> published = new TreeMap<>();
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final SchemaRegistry registry;
    private final Map<Class<?>, org.apache.kafka.common.serialization.Serializer<SpecificRecord>> serializers = new HashMap<>();

    Publisher(String bootstrap, SchemaRegistry registry) {
        this.registry = registry;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void send(String topic, String key, SpecificRecord record, String kind) {
        var serializer = serializers.computeIfAbsent(record.getClass(),
                type -> SpecificAvroSerde.forSink((Class) type, registry));
        // Stamped with event time, so that the sequencer merges its inputs in event-time order.
        send(new ProducerRecord<>(topic, null, InputRecords.eventTime(record).toEpochMilli(), key,
                serializer.serialize(topic, record)), kind);
    }

    void sendBytes(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value), "malformed records");
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the callback keeps the first failure; flush() reports it
    private void send(ProducerRecord<String, byte[]> record, String kind) {
        producer.send(record, (metadata, exception) -> {
            if (exception != null) {
                failure.compareAndSet(null, exception);
            }
        });
        synchronized (published) {
            published.merge(kind, 1L, Long::sum);
        }
    }

    /** Waits until the broker has every record sent so far; fails if it refused one. */
    void flush() {
        producer.flush();
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("the broker refused a demo record: " + failed.getMessage(), failed);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
