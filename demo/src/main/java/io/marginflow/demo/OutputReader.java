package io.marginflow.demo;

import io.marginflow.config.Topics;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Alert;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every output topic with read_committed, as a liquidation service would, into the tally. */
final class OutputReader implements Runnable {

    private final DemoTally tally;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final SpecificAvroDeserializer<MarginResult> results;
    private final SpecificAvroDeserializer<MarginCallEvent> calls;
    private final SpecificAvroDeserializer<LiquidationSignal> liquidations;
    private final SpecificAvroDeserializer<DeadLetter> deadLetters;
    private final SpecificAvroDeserializer<Alert> alerts;
    private final SpecificAvroDeserializer<io.marginflow.schema.StressResult> stress;
    private final List<String> read;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean caughtUp;

    OutputReader(String bootstrap, Topics topics, SchemaRegistry registry, DemoTally tally) {
        this.topics = topics;
        this.tally = tally;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "marginflow-demo-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(java.util.Locale.ROOT)),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.results = new SpecificAvroDeserializer<>(MarginResult.class, registry);
        this.calls = new SpecificAvroDeserializer<>(MarginCallEvent.class, registry);
        this.liquidations = new SpecificAvroDeserializer<>(LiquidationSignal.class, registry);
        this.deadLetters = new SpecificAvroDeserializer<>(DeadLetter.class, registry);
        this.alerts = new SpecificAvroDeserializer<>(Alert.class, registry);
        this.stress = new SpecificAvroDeserializer<>(io.marginflow.schema.StressResult.class, registry);
        this.read = new java.util.ArrayList<>(topics.outputs());
        read.add(topics.stress());
    }

    @Override
    public void run() {
        try (consumer) {
            consumer.subscribe(read);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String topic = record.topic();
                    if (topic.equals(topics.margin())) {
                        tally.result(results.deserialize(topic, record.value()));
                    } else if (topic.equals(topics.marginCalls())) {
                        tally.call(calls.deserialize(topic, record.value()));
                    } else if (topic.equals(topics.liquidations())) {
                        tally.liquidation(liquidations.deserialize(topic, record.value()));
                    } else if (topic.equals(topics.alerts())) {
                        tally.alert(alerts.deserialize(topic, record.value()));
                    } else if (topic.equals(topics.stress())) {
                        tally.stress(stress.deserialize(topic, record.value()));
                    } else {
                        tally.deadLetter(deadLetters.deserialize(topic, record.value()));
                    }
                }
                Set<TopicPartition> assigned = consumer.assignment();
                Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
                caughtUp = assigned.size() == read.size() * topics.partitions()
                        && ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
            }
        }
    }

    /** Whether the reader has read to the end of every output partition. */
    boolean caughtUp() {
        return caughtUp;
    }

    void stop() {
        running.set(false);
    }
}
