package io.marginflow.app;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.ClockTick;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.serde.SpecificAvroSerde;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The clearinghouse's clock on {@code topic.clock}: a {@link ClockTick} with the time now, every
 * interval, stamped with that time. Journalled to every partition, it moves each engine task's
 * stream time when the market is silent, so margin-call deadlines expire on time, and on the same
 * entries in every replay. This is the one place Marginflow reads the wall clock: it is the
 * clearinghouse's, published as an input like a price.
 */
public final class Heartbeat {

    private Heartbeat() {}

    /**
     * Publishes a tick every {@code every}, {@code count} times (or until interrupted when
     * {@code count} is 0), each acknowledged before the next.
     *
     * @return how many ticks were published
     */
    public static long run(MarginflowConfig config, SchemaRegistry registry, Duration every, long count, Clock clock)
            throws InterruptedException, ExecutionException {
        String topic = config.topics().clock();
        Serializer<ClockTick> values = SpecificAvroSerde.forValues(ClockTick.class, registry).serializer();
        long sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.producerProperties(),
                new StringSerializer(), (t, bytes) -> bytes)) {
            while (count == 0 || sent < count) {
                if (sent > 0) {
                    Thread.sleep(every.toMillis());
                }
                Instant now = clock.instant();
                producer.send(new ProducerRecord<>(topic, null, now.toEpochMilli(), InputRecords.CLOCK_KEY,
                        values.serialize(topic, new ClockTick(now)))).get();
                sent++;
            }
        }
        return sent;
    }
}
