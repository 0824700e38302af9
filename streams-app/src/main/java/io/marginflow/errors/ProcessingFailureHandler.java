package io.marginflow.errors;

import io.marginflow.schema.RejectionStage;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' processing exception handler for Marginflow: the last line behind the
 * processors' own handling (which dead-letters every failure it can attribute, with a precise
 * reason). An outage fails the task, so that the record is retried, and is counted by the
 * {@link FailureWatch}; anything else dead-letters the record being processed and carries on.
 */
public final class ProcessingFailureHandler implements ProcessingExceptionHandler {

    private DeadLetterSink sink;

    @Override
    public void configure(Map<String, ?> configs) {
        sink = DeadLetterSink.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (sink.outage(context, exception)) {
            return Response.fail();
        }
        RejectionStage stage = DeadLetterSink.stageOf(context.processorNodeId());
        return Response.resume(sink.letter(context, stage, context.sourceRawKey(), context.sourceRawValue(),
                Failures.errorClass(exception), Failures.describe(exception) + "; the record was skipped"));
    }
}
