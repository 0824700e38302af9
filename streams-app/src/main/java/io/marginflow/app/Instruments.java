package io.marginflow.app;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/** The registry {@code /metrics} shows: the JVM's meters, Kafka Streams' own client metrics and Marginflow's. */
public final class Instruments {

    private Instruments() {}

    @SuppressWarnings("resource") // the GC meters live as long as the process
    public static PrometheusMeterRegistry prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /** Kafka Streams' metrics (and its clients'), as {@code kafka_stream_*}, {@code kafka_consumer_*}, .... */
    @SuppressWarnings("resource")
    public static void bindKafkaStreams(PrometheusMeterRegistry registry, KafkaStreams streams) {
        new KafkaStreamsMetrics(streams).bindTo(registry);
    }
}
