package io.marginflow.demo;

import io.marginflow.api.ApiServer;
import io.marginflow.app.Instruments;
import io.marginflow.app.MarginflowApp;
import io.marginflow.app.TopicSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.embedded.ConsumerGroupLag;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.engine.CheckpointKeys;
import io.marginflow.errors.FailureWatch;
import io.marginflow.liquidation.LiquidationService;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallTransition;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The embedded demo, README's first command: a real Kafka broker in this JVM, the topics, the
 * Marginflow application, and Black Thursday (2020-03-11 to 2020-03-14, real Binance hourly
 * BTC and ETH prices) replayed against a seeded population of synthetic accounts trading
 * perpetuals, futures and BTC options. Options are priced from a volatility surface with the
 * smile of a real Deribit chain ({@link DemoSurface}), republished every hour; the options of
 * the first expiry settle in the middle of the crash. Prints progress, then a summary a risk
 * officer would want, and cleans up after itself.
 *
 * An example liquidation service runs alongside and executes every liquidation plan. One
 * fat-fingered BTC perpetual mark, at a tenth of its value, is published between two snapshots:
 * the price guard holds it and then discards it, and the summary says what it did.
 *
 * <p>Arguments: {@code [accounts]} (default 2000), {@code --no-price-hold} (price jumps are
 * reported but applied: the summary then counts what the fat finger set off).
 */
public final class Demo {

    private final int accountCount;
    private final Path work;
    private final DemoTally tally = new DemoTally();
    private final Scenario scenario;
    private final long started = System.nanoTime();

    private Demo(int accountCount, boolean holdPrices, Path work) {
        this.accountCount = accountCount;
        this.work = work;
        this.scenario = new Scenario(accountCount, holdPrices, tally);
    }

    private static final String USAGE = "usage: scripts/demo [ACCOUNTS] [--no-price-hold]   (synthetic accounts, 1 to"
            + " 1,000,000; default 2,000. --no-price-hold: price jumps are reported but applied, not held)";
    private static final String NO_PRICE_HOLD = "--no-price-hold";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        List<String> rest = new java.util.ArrayList<>(List.of(args));
        boolean holdPrices = !rest.remove(NO_PRICE_HOLD);
        int accounts = 2_000;
        try {
            accounts = rest.isEmpty() ? accounts : Integer.parseInt(rest.get(0).replace(",", "").replace("_", ""));
        } catch (NumberFormatException e) {
            accounts = -1;
        }
        if (rest.size() > 1 || accounts < 1 || accounts > 1_000_000) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Path work = Files.createTempDirectory("marginflow-demo-");
        try {
            new Demo(accounts, holdPrices, work).run();
        } finally {
            deleteRecursively(work);
        }
        System.exit(0); // the embedded broker leaves non-daemon threads behind
    }

    private void run() throws Exception {
        say("starting an embedded Kafka broker (KRaft, in this JVM)");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Path signingKey = work.resolve("checkpoints.key");
            say("checkpoints signed with a new Ed25519 key (as scripts/marginflow keygen makes one), id "
                    + CheckpointKeys.generate(signingKey, work.resolve("checkpoints.key.pub")).keyId());
            MarginflowConfig config = MarginflowConfig.of(Map.of(
                    "engine.checkpoint.signing-key", signingKey.toString(),
                    "bootstrap.servers", kafka.bootstrapServers(),
                    "application.id", "marginflow-demo",
                    "schema.registry.url", "mock://marginflow-demo",
                    "topics.partitions", "3",
                    "state.dir", work.resolve("state").toString(),
                    "num.stream.threads", "2",
                    "api.listen", "127.0.0.1:8080"));
            Topics topics = config.topics();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                say("created topics " + TopicSetup.createMissing(admin, topics));
                SchemaRegistry registry = InMemorySchemaRegistry.scope("marginflow-demo");
                PrometheusMeterRegistry metrics = Instruments.prometheus();
                try (KafkaStreams streams = MarginflowApp.start(config, registry,
                        new FailureWatch(config.monitoring().stuckAfterFailures()), new MarginflowMetrics(metrics, Clock.systemUTC()))) {
                    Optional<ApiServer> api = serveApi(config, streams, metrics);
                    try {
                        demonstrate(kafka, config, registry, admin, streams);
                    } finally {
                        api.ifPresent(ApiServer::close);
                    }
                }
            }
        }
    }

    private void demonstrate(EmbeddedKafka kafka, MarginflowConfig config, SchemaRegistry registry, Admin admin,
                             KafkaStreams streams) throws Exception {
        Topics topics = config.topics();
        awaitRunning(streams);
        say("Marginflow is running: sequencer → risk.journal (3 partitions) → margin engine");
        OutputReader reader = new OutputReader(kafka.bootstrapServers(), topics, registry, tally);
        Thread readerThread = new Thread(reader, "demo-output-reader");
        readerThread.start();
        LiquidationService service = new LiquidationService(config, registry,
                "marginflow-demo-liquidation-service", "marginflow-demo-liquidation-service");
        Thread serviceThread = new Thread(service::run, "demo-liquidation-service");
        serviceThread.start();
        say("the example liquidation service is running: it executes every plan on risk.liquidations");
        try (Publisher out = new Publisher(kafka.bootstrapServers(), registry)) {
            scenario.publish(out, topics, () -> {
                try {
                    awaitProcessed(admin, config, topics, reader);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, this::say, this::progress);
            awaitProcessed(admin, config, topics, reader);
            reader.stop();
            readerThread.join();
            service.stop();
            serviceThread.join();
            service.close();
            new Summary(accountCount, scenario, tally, service.plansExecuted(), service.stepsExecuted())
                    .print(out.published, (System.nanoTime() - started) / 1e9);
        }
        audit(config);
    }

    /**
     * The demo's topics audited as an auditor would, with the command line and the topics alone:
     * what the journal holds, the journal replayed into a fresh engine and every output compared,
     * every hash chain and every signed checkpoint checked, an account's head proved to be in the
     * latest checkpoint of its partition, and an account explained in the middle of the crash as rebuilt from
     * the journal (the ninth, a short strangle). A divergence fails the demo.
     */
    private void audit(MarginflowConfig config) throws IOException {
        Path file = work.resolve("marginflow.properties");
        Files.writeString(file, String.join("\n", "bootstrap.servers=" + config.get("bootstrap.servers"),
                "application.id=" + config.get("application.id"), "schema.registry.url=" + config.get("schema.registry.url"))
                + "\n");
        for (List<String> command : List.of(List.of("journal-stats"), List.of("replay"),
                List.of("verify", "--public-key", work.resolve("checkpoints.key.pub").toString()),
                List.of("prove", Scenario.accountId(Math.min(9, accountCount)), "--public-key",
                        work.resolve("checkpoints.key.pub").toString()),
                List.of("explain", Scenario.accountId(Math.min(9, accountCount)), "--at", "2020-03-13T12:00:00Z"))) {
            System.out.println();
            say("as an auditor: scripts/marginflow audit " + String.join(" ", command) + " --config marginflow.properties");
            List<String> line = new java.util.ArrayList<>(List.of("audit"));
            line.addAll(command);
            line.addAll(List.of("--config", file.toString()));
            int code = MarginflowApp.commandLine().execute(line.toArray(String[]::new));
            if (code != 0) {
                throw new IllegalStateException("audit " + command.get(0) + " found the demo's outputs wrong (exit code "
                        + code + ")");
            }
        }
    }

    /**
     * The query API and risk page while the demo runs, on 127.0.0.1:8080; if the port is taken the
     * demo goes on without them.
     */
    private Optional<ApiServer> serveApi(MarginflowConfig config, KafkaStreams streams, PrometheusMeterRegistry metrics) {
        try {
            Optional<ApiServer> api = ApiServer.start(config, streams, metrics);
            api.ifPresent(server -> say("risk page and query API while the demo runs: http://127.0.0.1:" + server.port()
                    + "/#underlyings=BTC,ETH (GET /accounts?status=MARGIN_CALL, /metrics …)"));
            return api;
        } catch (IllegalStateException e) {
            say("no risk page this time: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Waits until the application has consumed every input and journal record and the reader has every output. */
    private void awaitProcessed(Admin admin, MarginflowConfig config, Topics topics, OutputReader reader) throws Exception {
        String group = config.get("application.id");
        int settled = 0;
        while (settled < 3) {
            Thread.sleep(1_000);
            long inputLag = ConsumerGroupLag.of(admin, group, topics.inputs(), 0);
            long journalLag = ConsumerGroupLag.of(admin, group, List.of(topics.journal()), 1);
            progress(String.format("engine at market time %s: %,d input and %,d journal records to go",
                    tally.marketTime == null ? "-" : tally.marketTime, inputLag, journalLag));
            settled = inputLag == 0 && journalLag == 0 && reader.caughtUp() ? settled + 1 : 0;
        }
    }

    private final AtomicLong lastProgress = new AtomicLong();

    private void progress(String stage) {
        long now = System.nanoTime();
        if (now - lastProgress.get() < Duration.ofSeconds(3).toNanos()) {
            return;
        }
        lastProgress.set(now);
        say(String.format("%s | results %,d | calls issued %,d | liquidations triggered %,d",
                stage, tally.results.get(), tally.calls(MarginCallTransition.ISSUED),
                tally.liquidations(LiquidationTransition.TRIGGERED)));
    }

    private void say(String message) {
        System.out.printf("[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, message);
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the application did not start: " + streams.state());
            }
            Thread.sleep(100);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
