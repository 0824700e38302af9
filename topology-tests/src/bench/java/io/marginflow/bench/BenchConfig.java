package io.marginflow.bench;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.embedded.ConsumerGroupLag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;

/** What every end-to-end benchmark sets up the same way: Marginflow's configuration and "caught up". */
final class BenchConfig {

    private BenchConfig() {}

    /**
     * Marginflow on {@code bootstrap} as {@code applicationId} (its in-memory registry scope of the
     * same name), 3 partitions per topic, state under {@code state}, then {@code settings}, then
     * the system properties {@code -Dmarginflow.KEY=VALUE} (from {@code BENCH_JAVA_OPTS}).
     */
    static MarginflowConfig marginflow(String bootstrap, String applicationId, Path state, Map<String, String> settings) {
        Map<String, String> values = new TreeMap<>(Map.of(
                "bootstrap.servers", bootstrap,
                "application.id", applicationId,
                "schema.registry.url", "mock://" + applicationId,
                "topics.partitions", "3",
                "state.dir", state.toString()));
        values.putAll(settings);
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("marginflow."))
                .forEach(name -> values.put(name.substring("marginflow.".length()), System.getProperty(name)));
        return MarginflowConfig.of(values);
    }

    /** Waits until Marginflow has consumed its inputs and journal, at most {@code limit}. */
    static void awaitCaughtUp(Admin admin, MarginflowConfig config, Duration limit) throws Exception {
        Topics topics = config.topics();
        String group = config.get("application.id");
        long deadline = System.nanoTime() + limit.toNanos();
        while (ConsumerGroupLag.of(admin, group, topics.inputs(), 0) > 0
                || ConsumerGroupLag.of(admin, group, List.of(topics.journal()), 1) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Marginflow did not catch up within " + limit);
            }
            Thread.sleep(100);
        }
    }
}
