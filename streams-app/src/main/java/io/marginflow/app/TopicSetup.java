package io.marginflow.app;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every Marginflow topic that does not exist yet. Fills, collateral, the journal and all
 * outputs are kept forever (they are the record an auditor replays); instruments and parameters
 * are compacted (the latest definition per key is what counts), and so is the latest margin result per account; prices, snapshots, surfaces and clock ticks are kept for
 * {@code topics.market-retention.ms}, by default forever too: the broker deletes by record
 * timestamp whether or not the sequencer has read a record, and prices published with their
 * historical time are old on arrival, so a time-based retention can delete input before it is
 * journalled ({@link #retentionWarnings} names existing topics where it could). The journal gets
 * as many partitions as the fills topic, so an account's journal partition is its fills partition.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    /** Topic name → the configuration it is created with. */
    public static Map<String, Map<String, String>> plan(Topics topics) {
        Map<String, String> forever = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        Map<String, String> market = Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topics.marketRetentionMillis()));
        Map<String, Map<String, String>> plan = new LinkedHashMap<>();
        plan.put(topics.fills(), forever);
        plan.put(topics.collateral(), forever);
        plan.put(topics.prices(), market);
        plan.put(topics.volSurfaces(), market);
        plan.put(topics.snapshots(), market);
        plan.put(topics.clock(), market);
        plan.put(topics.instruments(), compacted);
        plan.put(topics.parameters(), compacted);
        plan.put(topics.stressScenarios(), compacted);
        plan.put(topics.journal(), forever);
        for (String output : topics.outputs()) {
            plan.put(output, forever);
        }
        plan.put(topics.marginLatest(), compacted);
        plan.put(topics.checkpoints(), forever);
        // Each partition's share of a stress run lives until the run is complete: a week is ample.
        plan.put(topics.stressPartials(), Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(7L * 24 * 3600 * 1000)));
        plan.put(topics.stress(), forever);
        return plan;
    }

    /**
     * Creates the missing topics and checks that the journal and the fills topic have the same
     * number of partitions. Safe to run from several instances at once: a topic that another
     * instance has just created (and that broker metadata may not show yet) counts as existing.
     *
     * @return the names of the topics this call created
     */
    public static List<String> createMissing(Admin admin, Topics topics) throws ExecutionException, InterruptedException {
        Set<String> listed = admin.listTopics().names().get();
        Map<String, Map<String, String>> plan = plan(topics);
        List<String> created = new ArrayList<>();
        boolean fillsCreated = !listed.contains(topics.fills())
                && create(admin, new NewTopic(topics.fills(), topics.partitions(), topics.replicationFactor())
                        .configs(plan.get(topics.fills())));
        if (fillsCreated) {
            created.add(topics.fills());
        }
        int fillsPartitions = fillsCreated ? topics.partitions() : partitionsOf(admin, topics.fills());
        for (Map.Entry<String, Map<String, String>> topic : plan.entrySet()) {
            String name = topic.getKey();
            if (name.equals(topics.fills()) || listed.contains(name)) {
                continue;
            }
            int partitions = name.equals(topics.journal()) ? fillsPartitions : topics.partitions();
            if (create(admin, new NewTopic(name, partitions, topics.replicationFactor()).configs(topic.getValue()))) {
                created.add(name);
            }
        }
        int journalPartitions = partitionsOf(admin, topics.journal());
        if (journalPartitions != fillsPartitions) {
            throw new IllegalStateException(topics.journal() + " has " + journalPartitions + " partitions but "
                    + topics.fills() + " has " + fillsPartitions + "; they must match");
        }
        return created;
    }

    /**
     * Why an existing input topic could lose records before the sequencer journals them: one line
     * per input topic whose cleanup deletes by time or size. Compaction alone only ever removes a
     * record superseded by a later one for the same key.
     */
    public static List<String> retentionWarnings(Admin admin, Topics topics) throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<ConfigResource> inputs = topics.inputs().stream().filter(existing::contains)
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<ConfigResource, Config> configs = describe(admin, inputs);
        List<String> warnings = new ArrayList<>();
        for (ConfigResource topic : inputs) {
            retentionWarning(topic.name(), configs.get(topic)).ifPresent(warnings::add);
        }
        return warnings;
    }

    /** Why {@code topic}, configured as {@code config}, could delete records the sequencer has not read. */
    static Optional<String> retentionWarning(String topic, Config config) {
        if (!config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value().contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
            return Optional.empty();
        }
        long millis = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
        long bytes = Long.parseLong(config.get(TopicConfig.RETENTION_BYTES_CONFIG).value());
        List<String> limits = new ArrayList<>();
        if (millis >= 0) {
            limits.add("records with a timestamp older than " + Duration.ofMillis(millis) + " (retention.ms=" + millis
                    + "), read or not, so records published with their historical time or while Marginflow is down"
                    + " longer than that");
        }
        if (bytes >= 0) {
            limits.add("the oldest records beyond " + bytes + " bytes per partition (retention.bytes=" + bytes + ")");
        }
        return limits.isEmpty() ? Optional.empty() : Optional.of(topic + " deletes " + String.join(", and ", limits)
                + ": input can be lost before it is journalled; set retention.ms=-1 and retention.bytes=-1 on it");
    }

    /**
     * The largest record batch each topic Marginflow writes takes: the journal's, the outputs' and
     * the dead letters' {@code max.message.bytes}, each no more than the producer's
     * {@code max.request.size}. Read at start so that no record the broker would refuse is ever
     * sent (under exactly-once a refused record fails its whole transaction); empty, with a
     * warning, if the broker cannot be asked.
     */
    public static Map<String, Long> recordLimits(MarginflowConfig config) {
        Topics topics = config.topics();
        List<String> written = new ArrayList<>(List.of(topics.journal()));
        written.addAll(topics.outputs());
        written.add(topics.marginLatest());
        written.add(topics.checkpoints());
        return recordLimits(config, written);
    }

    /** The largest record batch {@code topic} takes now, if the broker says. */
    public static OptionalLong recordLimit(MarginflowConfig config, String topic) {
        Long limit = recordLimits(config, List.of(topic)).get(topic);
        return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    private static Map<String, Long> recordLimits(MarginflowConfig config, List<String> topics) {
        Properties streams = config.streamsProperties();
        long maxRequest = Long.parseLong(String.valueOf(streams.getOrDefault("producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                streams.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576"))));
        Map<String, Long> limits = new LinkedHashMap<>();
        try (Admin admin = Admin.create(config.adminProperties())) {
            List<ConfigResource> resources = topics.stream()
                    .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
            Map<ConfigResource, Config> configs = describe(admin, resources);
            for (ConfigResource topic : resources) {
                long maxMessage = Long.parseLong(configs.get(topic).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
                limits.put(topic.name(), Math.min(maxMessage, maxRequest));
            }
        } catch (ExecutionException | RuntimeException e) {
            LOG.warn("cannot read the record limits of {} ({}); outputs are limited by engine.max-output-bytes alone",
                    topics, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return limits;
    }

    /** A topic's configuration, waiting up to 30 s for broker metadata to show a topic just created. */
    public static Config config(Admin admin, String topic) throws ExecutionException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return describe(admin, List.of(resource)).get(resource);
    }

    /** The topics' configurations, waiting up to 30 s for broker metadata to show topics just created. */
    private static Map<ConfigResource, Config> describe(Admin admin, List<ConfigResource> topics)
            throws ExecutionException, InterruptedException {
        return onceMetadataShows(() -> admin.describeConfigs(topics).all().get());
    }

    /** What {@code ask} answers once broker metadata shows the topics it names. */
    private interface MetadataQuestion<T> {
        T ask() throws ExecutionException, InterruptedException;
    }

    /**
     * {@code question}'s answer, asked again for up to 30 s while the broker does not know a topic
     * yet: the controller acknowledges a creation before every broker's metadata cache has it.
     */
    private static <T> T onceMetadataShows(MetadataQuestion<T> question) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return question.ask();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Creates {@code topic}; false if it exists already. */
    private static boolean create(Admin admin, NewTopic topic) throws ExecutionException, InterruptedException {
        try {
            admin.createTopics(List.of(topic)).all().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    /** The partition count of an existing topic, waiting up to 30 s for broker metadata to show it. */
    /**
     * How many partitions the journal has: its own count, or the fills topic's while it does not
     * exist yet (the journal gets as many), or {@code topics.partitions} while neither does.
     */
    public static int journalPartitions(MarginflowConfig config) {
        try (Admin admin = Admin.create(config.adminProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            Topics topics = config.topics();
            for (String topic : List.of(topics.journal(), topics.fills())) {
                if (existing.contains(topic)) {
                    return partitionsOf(admin, topic);
                }
            }
            return topics.partitions();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the journal's partitions: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the journal's partitions", e);
        }
    }

    public static int partitionsOf(Admin admin, String topic) throws ExecutionException, InterruptedException {
        return onceMetadataShows(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic))
                .partitions().size();
    }
}
