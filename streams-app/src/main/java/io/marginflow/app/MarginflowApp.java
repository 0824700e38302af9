package io.marginflow.app;

import io.marginflow.api.ApiServer;
import io.marginflow.config.BuildInfo;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.engine.CheckpointKeys;
import io.marginflow.errors.FailureWatch;
import io.marginflow.errors.Failures;
import io.marginflow.errors.OutputLimits;
import io.marginflow.liquidation.LiquidationService;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.registry.SchemaRegistries;
import io.marginflow.registry.SchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line ({@code scripts/marginflow}), on picocli: every command has {@code --help},
 * {@code marginflow --version} prints the version, and a mistake (an unknown option or key, a
 * missing file, a bad number) is one line on standard error and exit code 2, never a stack trace.
 * Relative paths are taken from the directory the command was started in.
 */
@Command(name = "marginflow", mixinStandardHelpOptions = true, versionProvider = MarginflowApp.Version.class,
        description = "Real-time margin for a derivatives clearinghouse, on Kafka Streams.",
        subcommands = {MarginflowApp.Run.class, MarginflowApp.CreateTopics.class, MarginflowApp.SeedHistory.class,
                MarginflowApp.HeartbeatCommand.class, MarginflowApp.Liquidate.class, TailCommand.class, ProduceCommand.class,
                ConfigCommand.class, KeygenCommand.class, AuditCommand.class, StressCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed while working (the broker or schema registry refused, a record was refused)",
                "2:a mistake in the command line or the configuration",
                "3:audit: a published figure is not reproduced (audit --help)"},
        footer = {"", "Configuration: the defaults, then --config FILE, then MARGINFLOW_* environment variables"
                + " (README, Configuration)."})
public final class MarginflowApp implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(MarginflowApp.class);

    /** Exit code of a mistake in the command line or the configuration. */
    static final int USAGE = 2;
    /** Exit code of a failure while working. */
    static final int FAILED = 1;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    private MarginflowApp() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with one-line errors and the exit codes above. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new MarginflowApp());
        line.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("marginflow: " + e.getMessage() + " (see " + qualifiedName(e.getCommandLine())
                    + " --help)");
            return USAGE;
        });
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean mistake = e instanceof ConfigException || e instanceof UserMistake;
            commandLine.getErr().println("marginflow: " + (e instanceof ConfigException ? "configuration: " : "")
                    + (mistake ? e.getMessage() : Failures.describe(e)));
            return mistake ? USAGE : FAILED;
        });
        return line;
    }

    private static String qualifiedName(CommandLine line) {
        return line.getCommandSpec().qualifiedName();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** Work that waits on the cluster. */
    @FunctionalInterface
    interface ClusterWork {
        void run() throws java.util.concurrent.ExecutionException, InterruptedException;
    }

    /**
     * Runs {@code work}: a failure the cluster reported becomes the command's failure (exit code 1),
     * an interrupt ends it quietly.
     */
    static void waitOn(ClusterWork work) {
        try {
            work.run();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A mistake the user can mend (a file that cannot be read, a value out of range): exit code 2. */
    static final class UserMistake extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserMistake(String message) {
            super(message);
        }
    }

    /** {@code --config FILE}, shared by the commands that talk to Kafka. */
    static final class ConfigFile {
        @Option(names = "--config", paramLabel = "FILE",
                description = "a properties file over the defaults; MARGINFLOW_* environment variables override it")
        Path file;

        MarginflowConfig load() {
            if (file != null && !Files.isReadable(file)) {
                throw new UserMistake("cannot read the configuration file " + file.toAbsolutePath()
                        + (Files.exists(file) ? ": not readable" : ": no such file"));
            }
            return MarginflowConfig.load(Optional.ofNullable(file), System.getenv(), Map.of());
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs the pipeline (sequencer and margin engine) against the configured cluster until stopped.")
    static final class Run implements Runnable {
        @Mixin
        ConfigFile config;

        @Override
        public void run() {
            try {
                MarginflowApp.run(config.load(), config.file == null ? "the defaults and the environment"
                        : config.file.toAbsolutePath() + ", the defaults and the environment");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Command(name = "create-topics", mixinStandardHelpOptions = true,
            description = "Creates every topic that does not exist yet (partitions, retention, compaction) and registers"
                    + " every topic's value schema, its subject set to BACKWARD compatibility.")
    static final class CreateTopics implements Runnable {
        @Mixin
        ConfigFile config;

        @Override
        public void run() {
            MarginflowConfig loaded = config.load();
            waitOn(() -> {
                try (Admin admin = Admin.create(loaded.adminProperties())) {
                    System.out.println("created: " + TopicSetup.createMissing(admin, loaded.topics()));
                    TopicSetup.retentionWarnings(admin, loaded.topics()).forEach(w -> System.err.println("warning: " + w));
                    System.out.println("registered: " + SchemaSetup.registerAll(
                            SchemaRegistries.fromConfig(loaded.registryConfig()), loaded.topics()));
                }
            });
        }
    }

    @Command(name = "seed-history", mixinStandardHelpOptions = true,
            description = "Publishes historical index prices (time,price lines) to seed the engine's return history.")
    static final class SeedHistory implements Runnable {
        @Mixin
        ConfigFile config;

        @Option(names = "--index", required = true, paramLabel = "UNDERLYING", description = "the index, e.g. BTC")
        String index;

        @Option(names = "--csv", required = true, paramLabel = "FILE", description = "time,price lines (ISO-8601 UTC, USD)")
        Path csv;

        @Override
        public void run() {
            MarginflowConfig loaded = config.load();
            List<HistorySeeder.Line> prices;
            try {
                prices = HistorySeeder.parse(Files.readAllLines(csv, StandardCharsets.UTF_8), index, loaded.inputBounds());
            } catch (IOException e) {
                throw new UserMistake("cannot read " + csv.toAbsolutePath() + ": " + (Files.exists(csv) ? e.getMessage()
                        : "no such file"));
            } catch (IllegalArgumentException e) {
                throw new UserMistake(e.getMessage());
            }
            waitOn(() -> {
                try {
                    int sent = HistorySeeder.publish(loaded, SchemaRegistries.fromConfig(loaded.registryConfig()), index, prices);
                    System.out.println("published " + sent + " INDEX prices of " + index + " to " + loaded.topics().prices());
                } catch (IllegalStateException e) {
                    throw new UserMistake(e.getMessage());
                }
            });
        }
    }

    @Command(name = "heartbeat", mixinStandardHelpOptions = true,
            description = "Publishes the clearinghouse's clock (a ClockTick with the time now) on topic.clock, so that"
                    + " margin-call deadlines expire when the market is quiet.")
    static final class HeartbeatCommand implements Runnable {
        @Mixin
        ConfigFile config;

        @Option(names = "--every", paramLabel = "SECONDS", defaultValue = "1", description = "seconds between ticks (default 1)")
        long every;

        @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "ticks to publish; 0 (default): until stopped")
        long count;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (every <= 0 || count < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), every <= 0
                        ? "--every takes a positive number of seconds, not " + every : "--count cannot be negative");
            }
            MarginflowConfig loaded = config.load();
            waitOn(() -> {
                long sent = Heartbeat.run(loaded, SchemaRegistries.fromConfig(loaded.registryConfig()), Duration.ofSeconds(every),
                        count, Clock.systemUTC());
                System.out.println("published " + sent + " clock ticks to " + loaded.topics().clock());
            });
        }
    }

    @Command(name = "liquidate", mixinStandardHelpOptions = true,
            description = "Runs the example liquidation service: executes every liquidation plan on risk.liquidations"
                    + " as closing fills, exactly once (README, \"What a liquidation service must do\").")
    static final class Liquidate implements Runnable {
        @Mixin
        ConfigFile config;

        @Option(names = "--group", paramLabel = "ID", defaultValue = "marginflow-liquidation-service",
                description = "consumer group: its committed offsets are the service's memory")
        String group;

        @Option(names = "--transactional-id", paramLabel = "ID", defaultValue = "marginflow-liquidation-service",
                description = "the producer's transactional id: a restarted service fences its predecessor")
        String transactionalId;

        @Override
        public void run() {
            MarginflowConfig loaded = config.load();
            LiquidationService service = new LiquidationService(loaded, SchemaRegistries.fromConfig(loaded.registryConfig()),
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
    }

    /** The version the build stamped into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {versionLine()};
        }

        String versionLine() {
            return "marginflow " + BuildInfo.version();
        }
    }

    /** The tasks and input partitions this instance now holds, in task order, one line. */
    private static void logAssignment(KafkaStreams streams) {
        java.util.SortedMap<org.apache.kafka.streams.processor.TaskId, String> tasks = new java.util.TreeMap<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task ->
                tasks.put(task.taskId(), task.taskId() + " " + new java.util.TreeSet<>(task.topicPartitions().stream()
                        .map(Object::toString).toList()))));
        LOG.info("running with active tasks: {}", tasks.isEmpty() ? "none" : String.join(", ", tasks.values()));
    }

    /** Starts the pipeline and blocks until the JVM is asked to stop; {@code source} says where the configuration came from. */
    static void run(MarginflowConfig config, String source) throws InterruptedException {
        String signingKey = config.engine().checkpointSigningKey();
        if (!signingKey.isEmpty()) {
            try {
                LOG.info("checkpoints signed with key {}", CheckpointKeys.signer(Path.of(signingKey)).keyId());
            } catch (CheckpointKeys.BadKeyFile e) {
                throw new UserMistake("engine.checkpoint.signing-key: " + e.getMessage());
            }
        }
        LOG.info("{} starting: configuration from {}; brokers {}; schema registry {}; application id {}; inputs {};"
                + " journal {}; outputs {}", new Version().versionLine(), source, config.get("bootstrap.servers"),
                config.get("schema.registry.url"), config.get("application.id"), config.topics().inputs(),
                config.topics().journal(), config.topics().outputs());
        SchemaRegistry registry = SchemaRegistries.fromConfig(config.registryConfig());
        Reachability.checkInBackground(config, registry);
        PrometheusMeterRegistry prometheus = Instruments.prometheus();
        KafkaStreams streams = start(config, registry, new FailureWatch(config.monitoring().stuckAfterFailures()),
                new MarginflowMetrics(prometheus, Clock.systemUTC()));
        Instruments.bindKafkaStreams(prometheus, streams);
        Optional<ApiServer> api = ApiServer.start(config, streams, prometheus);
        ProgressWatch progress = ProgressWatch.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.ifPresent(ApiServer::close);
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
        return start(config, registry, watch, MarginflowMetrics.none());
    }

    /** The largest record each output topic takes: {@code engine.max-output-bytes} and each topic's own limit. */
    static OutputLimits outputLimits(MarginflowConfig config) {
        OutputLimits limits = new OutputLimits(config.engine().maxOutputBytes(), topic -> TopicSetup.recordLimit(config, topic));
        TopicSetup.recordLimits(config).forEach(limits::topicLimit);
        return limits;
    }

    /** Starts the pipeline, measured by {@code metrics}. */
    public static KafkaStreams start(MarginflowConfig config, SchemaRegistry registry, FailureWatch watch,
                                     MarginflowMetrics metrics) {
        OutputLimits limits = outputLimits(config);
        KafkaStreams streams = new KafkaStreams(MarginflowTopology.build(config, registry, limits, metrics,
                TopicSetup.journalPartitions(config)),
                MarginflowTopology.properties(config, registry, watch, limits, metrics));
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR) {
                LOG.error("Kafka Streams {} -> {}: every stream thread has died", before, now);
            } else {
                LOG.info("Kafka Streams {} -> {}", before, now);
            }
            if (now == KafkaStreams.State.RUNNING) {
                logAssignment(streams);
            }
        });
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.warn("a stream thread failed and is replaced: {}", Failures.describe(exception));
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return streams;
    }
}
