package io.marginflow.metrics;

import io.micrometer.core.instrument.Timer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/** A processor whose {@code process} calls are timed, without its knowing. */
public final class TimedProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {

    private final Processor<KIn, VIn, KOut, VOut> processor;
    private final Timer timer;

    private TimedProcessor(Processor<KIn, VIn, KOut, VOut> processor, Timer timer) {
        this.processor = processor;
        this.timer = timer;
    }

    /** Each processor {@code supplier} makes, timed by {@code timer}. */
    public static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> timed(
            ProcessorSupplier<KIn, VIn, KOut, VOut> supplier, Timer timer) {
        return () -> new TimedProcessor<>(supplier.get(), timer);
    }

    @Override
    public void init(ProcessorContext<KOut, VOut> context) {
        processor.init(context);
    }

    @Override
    public void process(Record<KIn, VIn> record) {
        long start = System.nanoTime();
        try {
            processor.process(record);
        } finally {
            timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        processor.close();
    }
}
