package io.marginflow.embedded;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group (a Kafka Streams application id) is behind on some topics. */
public final class ConsumerGroupLag {

    private ConsumerGroupLag() {}

    /**
     * Records on {@code topics} not yet committed by {@code group}. A partition {@code slack} or
     * fewer records behind counts as caught up: a topic written transactionally ends in a commit
     * marker that no consumer commits past until more data arrives.
     */
    public static long of(Admin admin, String group, List<String> topics, long slack)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (var description : admin.describeTopics(topics).allTopicNames().get().values()) {
            description.partitions().forEach(partition ->
                    request.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest()));
        }
        long lag = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end
                : admin.listOffsets(request).all().get().entrySet()) {
            OffsetAndMetadata position = committed.get(end.getKey());
            long behind = end.getValue().offset() - (position == null ? 0 : position.offset());
            lag += behind > slack ? behind : 0;
        }
        return lag;
    }
}
