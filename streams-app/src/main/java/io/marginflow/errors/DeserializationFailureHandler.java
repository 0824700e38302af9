package io.marginflow.errors;

import io.marginflow.schema.RejectionStage;
import io.marginflow.serde.RecordDecodingException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Kafka Streams' deserialization exception handler for Marginflow. The sequencer reads raw bytes
 * and decodes them itself, so only a journal entry the engine cannot decode arrives here (written
 * by something other than the sequencer, or with a schema this version cannot read): it is
 * dead-lettered with its bytes and skipped. A schema registry outage fails the task instead, to
 * be retried, and is counted by the {@link FailureWatch}.
 */
public final class DeserializationFailureHandler implements DeserializationExceptionHandler {

    private DeadLetterSink sink;

    @Override
    public void configure(Map<String, ?> configs) {
        sink = DeadLetterSink.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (sink.outage(context, exception)) {
            return Response.fail();
        }
        String errorClass = exception instanceof RecordDecodingException decoding ? decoding.reason().name()
                : Failures.errorClass(exception);
        return Response.resume(sink.letter(context, RejectionStage.ENGINE, record.key(), record.value(), errorClass,
                Failures.describe(exception) + "; the journal entry was skipped"));
    }
}
