package io.marginflow.errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a stuck input visible. Each time a task fails on an input record (an outage the record
 * is retried for), the record's coordinates are counted here; from the {@code stuckAfter}-th
 * failure on the same record on, every failure is logged as an ERROR naming the topic, partition
 * and offset, so that an operator sees which record the application is stuck on and why, not
 * only a growing lag.
 */
public final class FailureWatch {

    private static final Logger LOG = LoggerFactory.getLogger(FailureWatch.class);
    private static final int REMEMBERED = 1_000;

    /** Where a task failed: an input record's coordinates. */
    public record Coordinates(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + " partition " + partition + " offset " + offset;
        }
    }

    private final int stuckAfter;
    private final Map<Coordinates, Integer> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Coordinates, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };

    public FailureWatch(int stuckAfter) {
        if (stuckAfter < 1) {
            throw new IllegalArgumentException("stuckAfter must be at least 1: " + stuckAfter);
        }
        this.stuckAfter = stuckAfter;
    }

    /** Counts a task failure on the record at {@code at}; returns how often it has failed there. */
    public synchronized int failed(Coordinates at, Throwable failure) {
        int count = failures.merge(at, 1, Integer::sum);
        if (count >= stuckAfter) {
            LOG.error("input stuck: a stream thread has failed {} times on {}; margining of that partition waits"
                    + " until it succeeds: {}", count, at, Failures.describe(failure));
        } else {
            LOG.warn("a stream thread failed on {} (attempt {}), it will retry: {}", at, count, Failures.describe(failure));
        }
        return count;
    }

    /** How often the record at {@code at} has failed, if it has. */
    public synchronized OptionalInt failures(Coordinates at) {
        Integer count = failures.get(at);
        return count == null ? OptionalInt.empty() : OptionalInt.of(count);
    }

    /** Every record that has failed (of the last thousand), with its count. */
    public synchronized Map<Coordinates, Integer> failedSoFar() {
        return new LinkedHashMap<>(failures);
    }

    /** The records that have failed at least {@code stuckAfter} times, with their counts. */
    public synchronized Map<Coordinates, Integer> stuck() {
        Map<Coordinates, Integer> stuck = new LinkedHashMap<>();
        failures.forEach((at, count) -> {
            if (count >= stuckAfter) {
                stuck.put(at, count);
            }
        });
        return stuck;
    }
}
