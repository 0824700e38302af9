package io.marginflow.app;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.errors.FailureWatch;
import io.marginflow.errors.Failures;
import io.marginflow.errors.OutputLimits;
import io.marginflow.liquidation.LiquidationService;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line: {@code create-topics} creates every topic, {@code run} starts the pipeline against
 * an existing Kafka cluster, {@code seed-history --index BTC --csv FILE} publishes historical index
 * prices to seed the engine's return history ({@link HistorySeeder}), {@code heartbeat} publishes
 * the clearinghouse's clock ({@link Heartbeat}), {@code liquidate} runs the example liquidation
 * service ({@link LiquidationService}). All take
 * {@code --config FILE}; environment variables {@code MARGINFLOW_*} override the file.
 */
public final class MarginflowApp {

    private static final Logger LOG = LoggerFactory.getLogger(MarginflowApp.class);

    private MarginflowApp() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !List.of("run", "create-topics", "seed-history", "heartbeat", "liquidate").contains(args[0])) {
            usage();
        }
        Map<String, String> options = new java.util.TreeMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage();
            }
            options.put(args[i], args[i + 1]);
        }
        Optional<Path> file = Optional.ofNullable(options.get("--config")).map(Path::of);
        MarginflowConfig config = MarginflowConfig.load(file, System.getenv(), Map.of());
        switch (args[0]) {
            case "create-topics" -> {
                try (Admin admin = Admin.create(config.adminProperties())) {
                    System.out.println("created: " + TopicSetup.createMissing(admin, config.topics()));
                    TopicSetup.retentionWarnings(admin, config.topics()).forEach(w -> System.err.println("warning: " + w));
                }
            }
            case "seed-history" -> {
                if (!options.containsKey("--index") || !options.containsKey("--csv")) {
                    usage();
                }
                List<HistorySeeder.Line> prices;
                try {
                    prices = HistorySeeder.parse(java.nio.file.Files.readAllLines(Path.of(options.get("--csv"))),
                            options.get("--index"), config.inputBounds());
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage());
                    System.exit(2);
                    return;
                }
                int sent;
                try {
                    sent = HistorySeeder.publish(config, SchemaRegistries.fromConfig(config.registryConfig()),
                            options.get("--index"), prices);
                } catch (IllegalStateException e) {
                    System.err.println(e.getMessage());
                    System.exit(2);
                    return;
                }
                System.out.println("published " + sent + " INDEX prices of " + options.get("--index") + " to "
                        + config.topics().prices());
            }
            case "heartbeat" -> {
                long every = positive(options.getOrDefault("--every", "1"), "--every");
                long count = options.containsKey("--count") ? positive(options.get("--count"), "--count") : 0;
                long sent = Heartbeat.run(config, SchemaRegistries.fromConfig(config.registryConfig()),
                        java.time.Duration.ofSeconds(every), count, java.time.Clock.systemUTC());
                System.out.println("published " + sent + " clock ticks to " + config.topics().clock());
            }
            case "liquidate" -> liquidate(config, options.getOrDefault("--group", "marginflow-liquidation-service"),
                    options.getOrDefault("--transactional-id", "marginflow-liquidation-service"));
            default -> run(config);
        }
    }

    private static long positive(String value, String option) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println(option + " takes a positive whole number, not " + value);
        System.exit(2);
        return 0;
    }

    /** Runs the example liquidation service until the JVM is asked to stop. */
    private static void liquidate(MarginflowConfig config, String group, String transactionalId) throws InterruptedException {
        LiquidationService service = new LiquidationService(config, SchemaRegistries.fromConfig(config.registryConfig()),
                group, transactionalId);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.stop();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "liquidation-service-shutdown"));
        try {
            service.run();
        } finally {
            service.close();
            stopped.countDown();
        }
    }

    private static void usage() {
        System.err.print("""
                usage: marginflow run|create-topics [--config FILE]
                       marginflow seed-history --index UNDERLYING --csv FILE [--config FILE]
                       marginflow heartbeat [--every SECONDS] [--count N] [--config FILE]
                       marginflow liquidate [--group ID] [--transactional-id ID] [--config FILE]
                """);
        System.exit(2);
    }

    /** Starts the pipeline and blocks until the JVM is asked to stop. */
    static void run(MarginflowConfig config) throws InterruptedException {
        KafkaStreams streams = start(config, SchemaRegistries.fromConfig(config.registryConfig()));
        ProgressWatch progress = ProgressWatch.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            progress.close();
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
        return start(config, registry, new FailureWatch(config.monitoring().stuckAfterFailures()));
    }

    /** Starts the pipeline; {@code watch} counts the failures a stuck input causes. */
    public static KafkaStreams start(MarginflowConfig config, SchemaRegistry registry, FailureWatch watch) {
        OutputLimits limits = new OutputLimits(config.engine().maxOutputBytes(), topic -> TopicSetup.recordLimit(config, topic));
        TopicSetup.recordLimits(config).forEach(limits::topicLimit);
        KafkaStreams streams = new KafkaStreams(MarginflowTopology.build(config, registry, limits),
                MarginflowTopology.properties(config, registry, watch, limits));
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.warn("a stream thread failed and is replaced: {}", Failures.describe(exception));
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return streams;
    }
}
