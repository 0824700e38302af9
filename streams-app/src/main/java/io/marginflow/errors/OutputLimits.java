package io.marginflow.errors;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The largest record Marginflow hands to the producer for each topic it writes: the configured
 * {@code engine.max-output-bytes}, lowered to what the topic takes ({@code max.message.bytes},
 * read from the broker at start) and to what the broker has refused since.
 *
 * <p>Under exactly-once a record the broker refuses fails the whole transaction, and Kafka
 * Streams cannot skip it: the task restarts from its last commit and would send it again,
 * forever. So the processors check every record against these limits before they forward it,
 * and dead-letter the unit that made an oversized one ({@code OUTPUT_TOO_LARGE}); when the
 * broker still refuses a record (its limit was lowered while the application ran), the
 * production handler records the refused size here and the topic's limit is read again, the
 * task restarts once, and the processors then refuse that output themselves.
 */
public final class OutputLimits {

    /** Room for a record batch's own header and the record's framing, within a topic's max.message.bytes. */
    static final int BATCH_OVERHEAD = 256;

    private final long configured;
    private final Function<String, OptionalLong> topicLimits;
    private final Map<String, Long> limits = new ConcurrentHashMap<>();
    private final ExecutorService lookups = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "marginflow-output-limits");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param configured {@code engine.max-output-bytes}
     * @param topicLimits reads a topic's current {@code max.message.bytes} from the broker, when it can
     */
    public OutputLimits(long configured, Function<String, OptionalLong> topicLimits) {
        this.configured = configured;
        this.topicLimits = topicLimits;
    }

    /** Limits that only know {@code configured} and what they are told. */
    public OutputLimits(long configured) {
        this(configured, topic -> OptionalLong.empty());
    }

    /** The largest record, key and value bytes together, to send to {@code topic}. */
    public long maxBytes(String topic) {
        Long limit = limits.get(topic);
        return limit == null ? configured : Math.min(configured, limit);
    }

    /** {@code topic} takes record batches of at most {@code maxMessageBytes}. */
    public void topicLimit(String topic, long maxMessageBytes) {
        limits.merge(topic, maxMessageBytes - BATCH_OVERHEAD, Math::min);
    }

    /**
     * The broker refused a record of {@code bytes} (key and value) on {@code topic}: nothing that
     * large goes there again, and the topic's limit is read again in the background, to be known
     * before the task that failed runs again (a smaller record of the same transaction may have
     * been too large as well).
     */
    public void refused(String topic, long bytes) {
        limits.merge(topic, bytes - 1, Math::min);
        lookups.execute(() -> topicLimits.apply(topic).ifPresent(limit -> topicLimit(topic, limit)));
    }
}
