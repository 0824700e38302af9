package io.marginflow.errors;

import io.marginflow.schema.RejectionStage;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' production exception handler for Marginflow: what happens when a record cannot
 * be written.
 * <ul>
 *   <li>A record that cannot be serialized (it never reached the producer) is replaced by a dead
 *       letter saying which record was not written and why, with the input's bytes for the
 *       sequencer and the lost output's for the engine, and processing goes on.</li>
 *   <li>A record the broker refused as too large: under exactly-once its transaction is lost
 *       with it, so the record cannot be skipped. Its size is recorded in the {@link OutputLimits},
 *       the task fails and restarts from its last commit (counted by the {@link FailureWatch}), and
 *       on the way through again the processors dead-letter that output themselves
 *       ({@code OUTPUT_TOO_LARGE}).</li>
 *   <li>Retriable errors are retried; anything else (authorization, a fenced producer) fails the
 *       task, because it would fail every record alike.</li>
 * </ul>
 *
 * <p>When one record is refused, the transactional producer aborts its transaction and fails every
 * other record still in it with the same exception (a 25-byte changelog record "too large"). Only
 * the first report of an exception is the record's own: the others are told to fail, as the task
 * does anyway, without recording their sizes as limits or counting them as failures of an input.
 */
public final class ProductionFailureHandler implements ProductionExceptionHandler {

    /** The dead letter's error class for a record that could not be serialized. */
    public static final String NOT_WRITTEN = "NOT_WRITTEN";
    private static final Logger LOG = LoggerFactory.getLogger(ProductionFailureHandler.class);

    private DeadLetterSink sink;
    /** Exceptions already handled: the producer hands the one that aborted a transaction to every record in it. */
    private final Set<Exception> handled = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    @Override
    public void configure(Map<String, ?> configs) {
        sink = DeadLetterSink.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        if (!handled.add(exception)) {
            return Response.fail(); // another record of the transaction this exception aborted
        }
        if (exception instanceof RecordTooLargeException) {
            long size = (record.key() == null ? 0L : record.key().length) + (record.value() == null ? 0L : record.value().length);
            sink.limits().refused(record.topic(), size);
            LOG.error("{} refused a record of {} bytes; the task restarts and the engine will dead-letter that output"
                    + " (check max.message.bytes of {} against engine.max-output-bytes)", record.topic(), size, record.topic());
        } else {
            LOG.error("writing to {} failed, the task fails: {}", record.topic(), Failures.describe(exception));
        }
        sink.watch().failed(DeadLetterSink.coordinates(context), exception);
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (sink.outage(context, exception)) {
            return Response.fail();
        }
        byte[] key = record.key() instanceof String text ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
        return notWritten(context, new ProducerRecord<>(record.topic(), key, null), exception);
    }

    private Response notWritten(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (record.topic().equals(sink.topic())) {
            // A dead letter is cut to fit; one that still cannot be written cannot be reported on its own topic.
            LOG.error("a dead letter for {} partition {} offset {} could not be written: {}", context.topic(),
                    context.partition(), context.offset(), Failures.describe(exception));
            return Response.resume();
        }
        RejectionStage stage = DeadLetterSink.stageOf(context.processorNodeId());
        String reason = "the record for " + record.topic() + " could not be serialized and is not on " + record.topic()
                + ": " + Failures.describe(exception);
        LOG.error("{} partition {} offset {}: {}", context.topic(), context.partition(), context.offset(), reason);
        return stage == RejectionStage.SEQUENCER
                ? Response.resume(sink.letter(context, stage, context.sourceRawKey(), context.sourceRawValue(),
                        NOT_WRITTEN, reason))
                : Response.resume(sink.letter(context, stage, record.key(), null, NOT_WRITTEN, reason));
    }
}
