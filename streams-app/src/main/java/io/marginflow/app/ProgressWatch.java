package io.marginflow.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a running application for a task that has records to read but makes no progress:
 * an input partition whose committed offset stays put while records wait behind it for
 * {@code stuckAfter} is logged as an ERROR naming the task, topic, partition and offset (and
 * again every {@code stuckAfter} while it lasts). A quiet partition, with nothing to read, is
 * never stuck. This is monitoring, on the wall clock; it decides nothing about the data.
 */
public final class ProgressWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressWatch.class);

    /** An input partition that has not moved while records wait. */
    public record Stall(String task, TopicPartition partition, long offset, long behind, Duration since) {
        @Override
        public String toString() {
            return "task " + task + " has not moved past " + partition.topic() + " partition " + partition.partition()
                    + " offset " + offset + " for " + since.toSeconds() + " s, with " + behind + " records waiting";
        }
    }

    private record Position(long offset, long sinceMillis, long reportedMillis) {}

    private final KafkaStreams streams;
    private final long stuckAfterMillis;
    private final Map<TopicPartition, Position> positions = new HashMap<>();
    private final ScheduledExecutorService timer;

    private ProgressWatch(KafkaStreams streams, Duration stuckAfter, Duration interval) {
        this.streams = streams;
        this.stuckAfterMillis = stuckAfter.toMillis();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "marginflow-progress-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check(System.currentTimeMillis());
            } catch (RuntimeException e) {
                LOG.warn("progress check failed: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks {@code streams} every {@code interval} until closed. */
    public static ProgressWatch start(KafkaStreams streams, Duration stuckAfter, Duration interval) {
        return new ProgressWatch(streams, stuckAfter, interval);
    }

    /** The stalls as of {@code nowMillis}, each logged when first seen and every {@code stuckAfter} after. */
    synchronized List<Stall> check(long nowMillis) {
        List<Stall> stalls = new ArrayList<>();
        Map<TopicPartition, Position> seen = new HashMap<>();
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            positions.clear();
            return stalls;
        }
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                task.committedOffsets().forEach((partition, committed) -> {
                    Long end = task.endOffsets().get(partition);
                    if (committed == null || committed < 0 || end == null || committed >= end) {
                        return;
                    }
                    Position before = positions.get(partition);
                    Position now = before == null || before.offset() != committed
                            ? new Position(committed, nowMillis, 0) : before;
                    long stalledFor = nowMillis - now.sinceMillis();
                    if (stalledFor >= stuckAfterMillis) {
                        Stall stall = new Stall(task.taskId().toString(), partition, committed, end - committed,
                                Duration.ofMillis(stalledFor));
                        stalls.add(stall);
                        if (nowMillis - now.reportedMillis() >= stuckAfterMillis) {
                            LOG.error("no progress: {}", stall);
                            now = new Position(now.offset(), now.sinceMillis(), nowMillis);
                        }
                    }
                    seen.put(partition, now);
                });
            }
        }
        positions.clear();
        positions.putAll(seen);
        return stalls;
    }

    /** The stalls now. */
    public List<Stall> stalls() {
        return check(System.currentTimeMillis());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
