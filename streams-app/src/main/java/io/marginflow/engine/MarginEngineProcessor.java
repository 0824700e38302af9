package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.schema.JournalEntry;
import io.marginflow.translation.DeadLetters;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The margin engine ({@link MarginEngine}) as a Kafka Streams processor of one journal partition:
 * its stores are the task's changelogged state stores, its outputs go to the topology's sinks.
 */
final class MarginEngineProcessor implements Processor<String, JournalEntry, String, Object> {

    private final MarginEngine engine;
    private ProcessorContext<String, Object> context;

    /**
     * @param maxOutputBytes the largest output record (key and value bytes) each output sink's
     *        topic takes ({@link io.marginflow.errors.OutputLimits})
     */
    MarginEngineProcessor(EngineSettings settings, DeadLetters deadLetters, ToLongFunction<String> maxOutputBytes) {
        this.engine = new MarginEngine(settings, deadLetters, maxOutputBytes);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        engine.start(new EngineIo() {
            @Override
            public <V> Store<V> store(String name) {
                return EngineIo.Store.of(context.getStateStore(name));
            }

            @Override
            public void forward(Record<String, Object> record, String sink) {
                context.forward(record, sink);
            }
        });
    }

    @Override
    public void process(Record<String, JournalEntry> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        engine.process(record.key(), record.value(), metadata.partition(), metadata.offset());
    }
}
