package io.marginflow.app;

import io.marginflow.config.MarginflowConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the application's progress on every partition it reads (the six inputs and the
 * journal) from outside its stream threads, as the group's committed offsets against the
 * partitions' ends: a partition with records waiting whose committed offset stays put for
 * {@code stuckAfter} is logged as an ERROR naming the topic, partition and offset (and again
 * every {@code stuckAfter} while it lasts). A caught-up partition is never stuck. Reading the
 * group from the broker sees a partition whose task keeps failing as well as one whose task is
 * slow, whichever thread or instance holds it. This is monitoring, on the wall clock; it decides
 * nothing about the data.
 */
public final class ProgressWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressWatch.class);

    /** A partition that has not moved while records wait. */
    public record Stall(TopicPartition partition, long offset, long behind, Duration since) {
        @Override
        public String toString() {
            return "Marginflow has not moved past " + partition.topic() + " partition " + partition.partition()
                    + " offset " + offset + " for " + since.toSeconds() + " s, with " + behind + " records waiting";
        }
    }

    private record Position(long offset, long sinceMillis, long reportedMillis) {}

    private final Admin admin;
    private final String group;
    private final List<String> topics;
    private final long stuckAfterMillis;
    private final Map<TopicPartition, Position> positions = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final ScheduledFuture<?> checks;

    private ProgressWatch(Admin admin, String group, List<String> topics, Duration stuckAfter, Duration interval) {
        this.admin = admin;
        this.group = group;
        this.topics = List.copyOf(topics);
        this.stuckAfterMillis = stuckAfter.toMillis();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "marginflow-progress-watch");
            thread.setDaemon(true);
            return thread;
        });
        checks = timer.scheduleWithFixedDelay(() -> {
            try {
                check(System.currentTimeMillis());
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                LOG.warn("progress check failed: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks the application {@code config} describes every {@code monitoring.check-interval.ms} until closed. */
    public static ProgressWatch start(MarginflowConfig config) {
        return start(config, config.monitoring().stuckAfter(), config.monitoring().checkInterval());
    }

    /** Checks every {@code interval}, reporting partitions stalled for {@code stuckAfter}. */
    public static ProgressWatch start(MarginflowConfig config, Duration stuckAfter, Duration interval) {
        List<String> read = new ArrayList<>(config.topics().inputs());
        read.add(config.topics().journal());
        return new ProgressWatch(Admin.create(config.adminProperties()), config.get("application.id"), read, stuckAfter,
                interval);
    }

    /** The stalls as of {@code nowMillis}, each logged when first seen and every {@code stuckAfter} after. */
    synchronized List<Stall> check(long nowMillis) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((topic, description) ->
                description.partitions().forEach(info -> {
                    TopicPartition partition = new TopicPartition(topic, info.partition());
                    latest.put(partition, OffsetSpec.latest());
                    earliest.put(partition, OffsetSpec.earliest());
                }));
        ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        var ends = admin.listOffsets(latest, readCommitted).all().get(10, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest, readCommitted).all().get(10, TimeUnit.SECONDS);
        List<Stall> stalls = new ArrayList<>();
        for (TopicPartition partition : latest.keySet().stream().sorted(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition)).toList()) {
            OffsetAndMetadata done = committed.get(partition);
            // nothing committed yet: the application starts reading at the partition's beginning
            long at = done != null ? done.offset() : starts.get(partition).offset();
            long end = ends.get(partition).offset();
            if (at >= end) {
                positions.remove(partition);
                continue;
            }
            Position before = positions.get(partition);
            Position now = before == null || before.offset() != at ? new Position(at, nowMillis, 0) : before;
            long stalledFor = nowMillis - now.sinceMillis();
            if (stalledFor >= stuckAfterMillis) {
                Stall stall = new Stall(partition, at, end - at, Duration.ofMillis(stalledFor));
                stalls.add(stall);
                if (nowMillis - now.reportedMillis() >= stuckAfterMillis) {
                    LOG.error("no progress: {}", stall);
                    now = new Position(now.offset(), now.sinceMillis(), nowMillis);
                }
            }
            positions.put(partition, now);
        }
        return stalls;
    }

    /** The stalls now. */
    public List<Stall> stalls() throws ExecutionException, InterruptedException, TimeoutException {
        return check(System.currentTimeMillis());
    }

    @Override
    public void close() {
        checks.cancel(true);
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
