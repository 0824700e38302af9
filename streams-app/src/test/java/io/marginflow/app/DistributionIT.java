package io.marginflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The distribution {@code mvn package} assembles ({@code target/marginflow-streams-app-VERSION-dist}),
 * as a user runs it: {@code bin/marginflow} with nothing but a Java runtime, from another
 * directory, and a {@code lib/} that carries no test, benchmark or broker jar.
 */
class DistributionIT {

    private static final List<String> NOT_AT_RUN_TIME = List.of("junit", "assertj", "byte-buddy", "mockito", "opentest4j",
            "archunit", "jmh", "kafka_2.13", "kafka-server", "kafka-test", "kafka-streams-test-utils", "apicurio",
            "error_prone", "scala-library");

    @Test
    void libHoldsTheApplicationAndItsRuntimeDependenciesOnly() throws IOException {
        List<String> jars;
        try (Stream<Path> files = Files.list(home().resolve("lib"))) {
            jars = files.map(path -> path.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).anyMatch(jar -> jar.startsWith("marginflow-streams-app-"))
                .anyMatch(jar -> jar.startsWith("kafka-streams-")).anyMatch(jar -> jar.startsWith("picocli-"));
        for (String forbidden : NOT_AT_RUN_TIME) {
            assertThat(jars).as("no %s jar at run time", forbidden).noneMatch(jar -> jar.startsWith(forbidden));
        }
    }

    @Test
    void binMarginflowRunsWithOnlyAJavaRuntimeFromAnyDirectory() throws Exception {
        Path elsewhere = Files.createTempDirectory("marginflow-user-");
        Process version = start(elsewhere, "--version");
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).isZero();
        assertThat(new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("marginflow ");

        Process mistake = start(elsewhere, "run", "--config", "missing.properties");
        assertThat(mistake.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(mistake.exitValue()).isEqualTo(2);
        assertThat(new String(mistake.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
                .isEqualTo("marginflow: cannot read the configuration file " + elsewhere.toRealPath().resolve("missing.properties")
                        + ": no such file");
    }

    /** {@code run} logs through the distribution's conf/logback.xml: its start line, then a WARN that the brokers are not there. */
    @Test
    void runLogsItsStartAndAnUnreachableClusterThroughConfLogback() throws Exception {
        assertThat(home().resolve("conf/logback.xml")).exists();
        Path elsewhere = Files.createTempDirectory("marginflow-user-");
        Files.writeString(elsewhere.resolve("unreachable.properties"), String.join("\n", "bootstrap.servers=127.0.0.1:1",
                "schema.registry.url=http://127.0.0.1:1", "api.listen=127.0.0.1:0", "state.dir=" + elsewhere.resolve("state"))
                + "\n");
        Process run = start(elsewhere, "run", "--config", "unreachable.properties");
        List<String> lines = new java.util.ArrayList<>();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(40).toNanos();
            for (String line = reader.readLine(); line != null && System.nanoTime() < deadline; line = reader.readLine()) {
                lines.add(line);
                if (line.contains(" WARN ") && line.contains("cannot reach the")) {
                    break;
                }
            }
        } finally {
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(lines).as("the log").anyMatch(line -> line.contains(" INFO ") && line.contains("starting: configuration from"))
                .anyMatch(line -> line.contains(" WARN ") && line.contains("cannot reach the"))
                .noneMatch(line -> line.contains("|-INFO in ch.qos.logback"));
    }

    /** {@code bin/marginflow ARGS} in {@code directory}, with only the running Java runtime on the path. */
    private static Process start(Path directory, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(home().resolve("bin/marginflow").toString()),
                Stream.of(args)).toList()).directory(directory.toFile()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        return builder.start();
    }

    private static Path home() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        try (Stream<Path> dists = Files.list(target)) {
            Path dist = dists.filter(p -> p.getFileName().toString().endsWith("-dist") && Files.isDirectory(p)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no distribution under target/: run mvn package"));
            try (Stream<Path> homes = Files.list(dist)) {
                return homes.findFirst().orElseThrow();
            }
        }
    }
}
