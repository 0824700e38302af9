package io.marginflow.errors;

import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.SourceCoordinates;
import io.marginflow.serde.SpecificAvroSerde;
import io.marginflow.serde.SpecificAvroSerializer;
import io.marginflow.translation.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * What Kafka Streams' exception handlers need to turn a failure into a dead letter on
 * {@code risk.dead-letters}, in the contract's own Avro schema: the topic, the encoder, the
 * limits that keep every dead letter writable, the {@link FailureWatch} for outages and the
 * {@link OutputLimits} the broker has taught. The
 * application puts one into its Kafka Streams configuration under {@link #CONFIG}; the handlers
 * find it there when Kafka Streams configures them.
 */
public final class DeadLetterSink {

    /** The Kafka Streams configuration key under which the handlers find the sink. */
    public static final String CONFIG = "marginflow.dead-letter-sink";

    private final String topic;
    private final DeadLetters deadLetters;
    private final SpecificAvroSerializer<DeadLetter> encoder;
    private final FailureWatch watch;
    private final OutputLimits limits;
    private final MarginflowMetrics metrics;

    public DeadLetterSink(String topic, DeadLetters deadLetters, SchemaRegistry registry, FailureWatch watch,
                          OutputLimits limits, MarginflowMetrics metrics) {
        this.topic = topic;
        this.deadLetters = deadLetters;
        this.encoder = SpecificAvroSerde.forValues(DeadLetter.class, registry).serializer();
        this.watch = watch;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** The sink a handler was configured with. */
    static DeadLetterSink from(Map<String, ?> configs) {
        Object sink = configs.get(CONFIG);
        if (!(sink instanceof DeadLetterSink found)) {
            throw new ConfigException(CONFIG, sink, "Marginflow's exception handlers need the application's dead-letter"
                    + " sink in the Kafka Streams configuration (start the application with MarginflowApp.start)");
        }
        return found;
    }

    public String topic() {
        return topic;
    }

    public FailureWatch watch() {
        return watch;
    }

    public OutputLimits limits() {
        return limits;
    }

    /**
     * Whether {@code failure} is an outage, not the record's fault: then it is counted against
     * the record being processed, which the handler's failing response has retried.
     */
    boolean outage(ErrorHandlerContext context, Exception failure) {
        if (!Failures.isOutage(failure)) {
            return false;
        }
        watch.failed(coordinates(context), failure);
        return true;
    }

    /** Which stage a processor or sink node belongs to. */
    static RejectionStage stageOf(String node) {
        return node != null && node.startsWith("sequencer") ? RejectionStage.SEQUENCER : RejectionStage.ENGINE;
    }

    /**
     * A dead letter for the record being processed when a handler was called, as one record for
     * the handler's response: the stage, the record's coordinates, the given bytes (cut to fit),
     * the error class and the reason.
     */
    List<ProducerRecord<byte[], byte[]>> letter(ErrorHandlerContext context, RejectionStage stage, byte[] key,
                                                byte[] value, String errorClass, String reason) {
        SourceCoordinates source = new SourceCoordinates(context.topic(), context.partition(), context.offset(),
                Instant.ofEpochMilli(Math.max(0L, context.timestamp())));
        boolean journal = stage == RejectionStage.ENGINE;
        DeadLetter letter = deadLetters.handled(source, stage, key, value, errorClass, reason,
                journal ? context.partition() : null, journal ? context.offset() : null);
        metrics.deadLetter(letter);
        String letterKey = DeadLetters.key(key == null ? null : new String(key, StandardCharsets.UTF_8), context.topic());
        return List.of(new ProducerRecord<>(topic, null, letter.getSource().getTimestamp().toEpochMilli(),
                letterKey.getBytes(StandardCharsets.UTF_8), encoder.serialize(topic, letter)));
    }

    /** The coordinates of the record being processed. */
    static FailureWatch.Coordinates coordinates(ErrorHandlerContext context) {
        return new FailureWatch.Coordinates(context.topic(), context.partition(), context.offset());
    }
}
