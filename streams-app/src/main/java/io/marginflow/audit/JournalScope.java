package io.marginflow.audit;

import io.marginflow.config.MarginflowConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The journal entries an audit covers: chosen journal partitions, each from its first entry up
 * to (not including) an offset. Outputs are judged only if the entry that caused them is in
 * scope, so that an audit of a running application does not count outputs still to come.
 *
 * @param journal the journal topic
 * @param ends each journal partition in scope and its end, in partition order
 */
public record JournalScope(String journal, NavigableMap<Integer, Long> ends) {

    public JournalScope {
        ends = Collections.unmodifiableNavigableMap(new TreeMap<>(ends));
    }

    /** Whether the entry at {@code offset} of journal partition {@code partition} is in scope. */
    public boolean holds(int partition, long offset) {
        Long end = ends.get(partition);
        return end != null && offset < end;
    }

    /** E.g. "risk.journal partitions 0, 1, 2 up to offsets 91 / 95 / 103". */
    public String describe() {
        boolean one = ends.size() == 1;
        return journal + (one ? " partition " : " partitions ")
                + ends.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "))
                + (one ? " up to offset " : " up to offsets ")
                + ends.values().stream().map(end -> String.format("%,d", end)).collect(Collectors.joining(" / "));
    }

    /**
     * What the application has processed of {@code partitions} of the journal (all of them if
     * empty): up to its consumer group's committed offset in each (with exactly-once, every output
     * of the entries before it is committed), or the partition's end if the group has committed
     * nothing there.
     *
     * @throws IllegalArgumentException if the journal or a chosen partition does not exist
     */
    public static JournalScope processed(MarginflowConfig config, Admin admin, KafkaConsumer<byte[], byte[]> consumer,
                                         List<Integer> partitions) throws ExecutionException, InterruptedException {
        JournalScope whole = whole(config, consumer, partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.get("application.id"))
                .partitionsToOffsetAndMetadata().get();
        NavigableMap<Integer, Long> processed = new TreeMap<>();
        whole.ends().forEach((partition, end) -> {
            OffsetAndMetadata offset = committed.get(new TopicPartition(whole.journal(), partition));
            processed.put(partition, offset == null ? end : Math.min(end, offset.offset()));
        });
        return new JournalScope(whole.journal(), processed);
    }

    /**
     * All of {@code partitions} of the journal (all of them if empty), up to their ends (last
     * stable offsets) now.
     *
     * @throws IllegalArgumentException if the journal or a chosen partition does not exist
     */
    public static JournalScope whole(MarginflowConfig config, KafkaConsumer<byte[], byte[]> consumer, List<Integer> partitions) {
        String journal = config.topics().journal();
        List<TopicPartition> all = consumer.partitionsFor(journal, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(journal, info.partition())).toList();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("there is no topic " + journal + " (topics.journal) on the cluster");
        }
        List<TopicPartition> chosen = new ArrayList<>();
        for (int partition : partitions.isEmpty() ? all.stream().map(TopicPartition::partition).toList() : partitions) {
            TopicPartition topicPartition = new TopicPartition(journal, partition);
            if (!all.contains(topicPartition)) {
                throw new IllegalArgumentException(journal + " has no partition " + partition + " (it has " + all.size() + ")");
            }
            chosen.add(topicPartition);
        }
        NavigableMap<Integer, Long> ends = new TreeMap<>();
        consumer.endOffsets(chosen, Duration.ofSeconds(30)).forEach((partition, end) -> ends.put(partition.partition(), end));
        return new JournalScope(journal, ends);
    }
}
