package io.marginflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, combined broker and controller, node 1) in a JVM of its own, on
 * ports chosen once: it can be killed and started again on the same log directory and ports, as
 * an operator restarts a broker. Its plaintext listener on loopback ({@link #bootstrapServers})
 * is the one this class checks readiness on.
 */
final class BrokerProcess implements AutoCloseable {

    final Path directory;
    final int plaintextPort;
    private final Path properties;
    private Process broker;

    private BrokerProcess(Path directory, int plaintextPort, Path properties) {
        this.directory = directory;
        this.plaintextPort = plaintextPort;
        this.properties = properties;
    }

    /** A plaintext broker in {@code directory}. */
    static BrokerProcess plaintext(Path directory) throws Exception {
        int port = freePort();
        int controller = freePort();
        return start(directory, port, List.of(
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controller,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "controller.quorum.voters=1@localhost:" + controller), List.of());
    }

    /**
     * Formats {@code directory} and starts a broker whose plaintext listener is on
     * {@code plaintextPort}, with {@code settings} (listeners, security) beside the KRaft and
     * single-node ones, formatted with {@code formatArguments} added (e.g. SCRAM users).
     */
    static BrokerProcess start(Path directory, int plaintextPort, List<String> settings, List<String> formatArguments)
            throws Exception {
        Files.createDirectories(directory);
        Path properties = directory.resolve("server.properties");
        List<String> lines = new ArrayList<>(List.of("process.roles=broker,controller", "node.id=1",
                "controller.listener.names=CONTROLLER", "log.dirs=" + directory.resolve("data"),
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0"));
        lines.addAll(settings);
        Files.writeString(properties, String.join("\n", lines) + "\n");
        List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", properties.toString()));
        format.addAll(formatArguments);
        assertThat(java(directory.resolve("format.log"), format).waitFor(60, TimeUnit.SECONDS)).isTrue();
        BrokerProcess started = new BrokerProcess(directory, plaintextPort, properties);
        started.launch();
        return started;
    }

    String bootstrapServers() {
        return "localhost:" + plaintextPort;
    }

    /** An admin on the plaintext listener. */
    Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
    }

    /** Kills the broker with SIGKILL (no controlled shutdown) and starts it again on its log directory and ports. */
    void restart() throws Exception {
        broker.destroyForcibly();
        assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        launch();
    }

    @Override
    public void close() {
        broker.destroy();
        try {
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            broker.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void launch() throws Exception {
        broker = java(directory.resolve("broker.log"), List.of("kafka.Kafka", properties.toString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new AssertionError("the broker stopped: see " + directory.resolve("broker.log"));
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new AssertionError("the broker was not ready within 60 s: " + last);
    }

    private static Process java(Path log, List<String> mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
