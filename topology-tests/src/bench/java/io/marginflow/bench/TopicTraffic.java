package io.marginflow.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What an application wrote: records and serialised key and value bytes per topic, read back
 * from the beginning (read_committed, so aborted records and transaction markers do not count);
 * and that reading itself, for benchmarks that check what was written ({@link #forEach}).
 */
record TopicTraffic(Map<String, long[]> byTopic) {

    static TopicTraffic read(String bootstrap, List<String> topics) {
        Map<String, long[]> counts = new TreeMap<>();
        topics.forEach(topic -> counts.put(topic, new long[2]));
        forEach(bootstrap, topics, record -> {
            long[] count = counts.get(record.topic());
            count[0]++;
            count[1] += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
        });
        return new TopicTraffic(counts);
    }

    /**
     * Hands every record of {@code topics}, from the beginning to the end they have now, to
     * {@code action} (read_committed: aborted records and transaction markers are skipped).
     */
    static void forEach(String bootstrap, List<String> topics, Consumer<ConsumerRecord<byte[], byte[]>> action) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo partition : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, partition.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                consumer.poll(Duration.ofMillis(200)).forEach(action);
            }
        }
    }

    long records() {
        return byTopic.values().stream().mapToLong(count -> count[0]).sum();
    }

    long bytes() {
        return byTopic.values().stream().mapToLong(count -> count[1]).sum();
    }
}
