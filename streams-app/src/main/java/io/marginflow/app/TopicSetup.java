package io.marginflow.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates every Marginflow topic that does not exist yet. Fills, collateral, the journal and all
 * outputs are kept forever (they are the record an auditor replays); instruments and parameters
 * are compacted (the latest definition per key is what counts); raw prices and surfaces expire
 * after {@code topics.market-retention.ms}, since the journal keeps every one the engine used.
 * The journal gets as many partitions as the fills topic, so an account's journal partition is
 * its fills partition.
 */
public final class TopicSetup {

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
        plan.put(topics.instruments(), compacted);
        plan.put(topics.parameters(), compacted);
        plan.put(topics.journal(), forever);
        for (String output : topics.outputs()) {
            plan.put(output, forever);
        }
        return plan;
    }

    /**
     * Creates the missing topics and checks that the journal and the fills topic have the same
     * number of partitions.
     *
     * @return the names of the topics created
     */
    public static List<String> createMissing(Admin admin, Topics topics) throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        int fillsPartitions = existing.contains(topics.fills())
                ? describe(admin, topics.fills()).partitions().size()
                : topics.partitions();
        List<NewTopic> missing = new ArrayList<>();
        plan(topics).forEach((name, config) -> {
            if (!existing.contains(name)) {
                int partitions = name.equals(topics.journal()) ? fillsPartitions : topics.partitions();
                missing.add(new NewTopic(name, partitions, topics.replicationFactor()).configs(config));
            }
        });
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get();
        }
        int journalPartitions = describe(admin, topics.journal()).partitions().size();
        if (journalPartitions != fillsPartitions) {
            throw new IllegalStateException(topics.journal() + " has " + journalPartitions + " partitions but "
                    + topics.fills() + " has " + fillsPartitions + "; they must match");
        }
        return missing.stream().map(NewTopic::name).toList();
    }

    private static TopicDescription describe(Admin admin, String topic) throws ExecutionException, InterruptedException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }
}
