package io.marginflow.app;

import io.marginflow.registry.SchemaRegistries;
import io.marginflow.registry.SchemaRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * Command line: {@code create-topics} creates every topic, {@code run} starts the pipeline against
 * an existing Kafka cluster. Both take {@code --config FILE}; environment variables
 * {@code MARGINFLOW_*} override the file.
 */
public final class MarginflowApp {

    private MarginflowApp() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !List.of("run", "create-topics").contains(args[0])) {
            System.err.println("usage: marginflow run|create-topics [--config FILE]");
            System.exit(2);
        }
        Optional<Path> file = args.length >= 3 && args[1].equals("--config") ? Optional.of(Path.of(args[2])) : Optional.empty();
        MarginflowConfig config = MarginflowConfig.load(file, System.getenv(), Map.of());
        if (args[0].equals("create-topics")) {
            try (Admin admin = Admin.create(config.streamsProperties())) {
                System.out.println("created: " + TopicSetup.createMissing(admin, config.topics()));
            }
            return;
        }
        run(config);
    }

    /** Starts the pipeline and blocks until the JVM is asked to stop. */
    static void run(MarginflowConfig config) throws InterruptedException {
        KafkaStreams streams = start(config, SchemaRegistries.fromConfig(config.registryConfig()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Leave the group, so that a replacement instance takes over the tasks at once.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            stopped.countDown();
        }, "marginflow-shutdown"));
        stopped.await();
    }

    /**
     * Starts the pipeline. A stream thread that dies (for example while the schema registry is
     * unreachable) is replaced; exactly-once processing means its uncommitted work is redone,
     * so nothing is lost or doubled.
     */
    public static KafkaStreams start(MarginflowConfig config, SchemaRegistry registry) {
        KafkaStreams streams = new KafkaStreams(MarginflowTopology.build(config, registry), config.streamsProperties());
        streams.setUncaughtExceptionHandler(exception ->
                StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
        streams.start();
        return streams;
    }
}
