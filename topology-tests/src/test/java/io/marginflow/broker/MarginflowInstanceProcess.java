package io.marginflow.broker;

import io.marginflow.app.MarginflowApp;
import io.marginflow.app.SchemaSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistries;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Marginflow instance as a process of its own, for the failover and crash tests:
 * {@code marginflow run --config CONFIG}. Its configuration names an in-memory registry, which
 * this process first fills with every topic's schema in {@link SchemaSetup}'s order, so that every
 * process (and the test) gives each schema the same id, as a shared registry server would. The
 * static methods start such a process and watch it from the test.
 */
public final class MarginflowInstanceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private MarginflowInstanceProcess() {}

    public static void main(String[] args) {
        MarginflowConfig config = MarginflowConfig.load(Optional.of(Path.of(args[0])), Map.of(), Map.of());
        SchemaSetup.registerAll(SchemaRegistries.fromConfig(config.registryConfig()), config.topics());
        MarginflowApp.main(new String[] {"run", "--config", args[0]});
    }

    /**
     * Starts instance {@code name} of application {@code application} in a JVM of its own, its query
     * API on {@code port}, its state in {@code state}, its output in {@code work/name.log};
     * {@code settings} are added to its configuration ({@code key=value}).
     */
    static Process start(Path work, String name, String bootstrapServers, String application, int partitions, int port,
                         Path state, String... settings) throws IOException {
        Path config = work.resolve(name + ".properties");
        List<String> lines = new ArrayList<>(List.of(
                "bootstrap.servers=" + bootstrapServers,
                "application.id=" + application,
                "schema.registry.url=mock://" + application,
                "auto.register.schemas=false",
                "topics.partitions=" + partitions,
                "state.dir=" + state,
                "api.listen=127.0.0.1:" + port,
                "application.server=127.0.0.1:" + port,
                // a dead member is noticed after the session timeout: 6 s, the broker's least
                "session.timeout.ms=6000",
                "heartbeat.interval.ms=1500",
                "commit.interval.ms=100"));
        lines.addAll(List.of(settings));
        Files.writeString(config, String.join("\n", lines) + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                MarginflowInstanceProcess.class.getName(), config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile()))
                .start();
    }

    /** Waits until the instance on {@code port} says it is ready. */
    static void awaitReady(int port, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (status(port, "/health/ready") == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the instance on port " + port + " was not ready within " + patience);
    }

    /** The status code of {@code GET path} on the instance on {@code port}; -1 if it does not answer. */
    static int status(int port, String path) {
        return get(port, path).map(HttpResponse::statusCode).orElse(-1);
    }

    /** {@code GET path} on the instance on {@code port}, if it answers. */
    static Optional<HttpResponse<String>> get(int port, String path) {
        try {
            return Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
