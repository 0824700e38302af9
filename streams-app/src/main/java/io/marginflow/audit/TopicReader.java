package io.marginflow.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads topic partitions with an assigned consumer, from an offset to an end. */
public final class TopicReader {

    private TopicReader() {}

    /**
     * Every record of every partition of {@code topic}, up to the end it has now.
     *
     * @throws AuditMistake if the cluster has no such topic
     */
    public static void readAll(KafkaConsumer<byte[], byte[]> consumer, String topic,
                               Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).sorted(java.util.Comparator
                        .comparingInt(TopicPartition::partition)).toList();
        if (partitions.isEmpty()) {
            throw new AuditMistake("there is no topic " + topic + " on the cluster (see the topic.* settings)");
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (TopicPartition partition : partitions) {
            read(consumer, partition, 0, ends.get(partition), each);
        }
    }

    /** The records of {@code partition} from {@code from} up to {@code to} (exclusive), in order. */
    static void read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long from, long to,
                     Consumer<ConsumerRecord<byte[], byte[]>> each) {
        if (to <= from) {
            return;
        }
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        while (consumer.position(partition) < to) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500)).records(partition)) {
                if (record.offset() >= to) {
                    return;
                }
                each.accept(record);
            }
        }
    }

    /** The record at {@code coordinates}, if it is there. */
    static Optional<ConsumerRecord<byte[], byte[]>> at(KafkaConsumer<byte[], byte[]> consumer, JournalReplay.Coordinates coordinates) {
        TopicPartition partition = new TopicPartition(coordinates.topic(), coordinates.partition());
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>(1);
        Map<TopicPartition, Long> end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30));
        read(consumer, partition, coordinates.offset(), Math.min(coordinates.offset() + 1, end.get(partition)), record -> {
            if (record.offset() == coordinates.offset()) {
                found.add(record);
            }
        });
        return found.stream().findFirst();
    }
}
