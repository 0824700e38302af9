package io.marginflow.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Confluent-compatible schema registry on loopback: Apicurio Registry 3.3.3, unpacked by
 * Maven from Central into {@code wire/target/apicurio-registry}, run on a Java 21+ runtime,
 * serving its Confluent API over TLS (a self-signed certificate made with keytool) behind HTTP
 * basic authentication, with in-memory storage.
 *
 * <p>The Java runtime is the first of: {@code $APICURIO_JAVA_HOME}, the JVM running the tests, and
 * the JDKs under {@code /usr/lib/jvm}, that is version 21 or later.
 */
final class ApicurioRegistryServer implements AutoCloseable {

    static final String USER = "marginflow";
    static final String PASSWORD = "registry-secret";
    static final String STORE_PASSWORD = "changeit";

    private final Process process;
    private final Path workDirectory;
    private final int httpsPort;
    private final Path truststore;

    private ApicurioRegistryServer(Process process, Path workDirectory, int httpsPort, Path truststore) {
        this.process = process;
        this.workDirectory = workDirectory;
        this.httpsPort = httpsPort;
        this.truststore = truststore;
    }

    /** Where Maven unpacked the registry, or empty when the tests do not run under Maven. */
    static Optional<Path> home() {
        return Optional.ofNullable(System.getProperty("marginflow.apicurio.home"))
                .map(Path::of)
                .filter(home -> Files.isRegularFile(home.resolve("quarkus-run.jar")));
    }

    /** A Java 21+ runtime's home, if this machine has one. */
    static Optional<Path> java21Home() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("APICURIO_JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
        candidates.add(Path.of(System.getProperty("java.home")));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                homes.sorted(Comparator.reverseOrder()).forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return candidates.stream()
                .filter(home -> Files.isExecutable(home.resolve("bin/java")))
                .filter(home -> featureVersion(home) >= 21)
                .findFirst();
    }

    private static int featureVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        try {
            Matcher version = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE)
                    .matcher(Files.readString(release));
            return version.find() ? Integer.parseInt(version.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static ApicurioRegistryServer start(Path home, Path javaHome) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("marginflow-apicurio-");
        Path keystore = work.resolve("registry-keystore.p12");
        Path certificate = work.resolve("registry.crt");
        Path truststore = work.resolve("registry-truststore.p12");
        Path keytool = javaHome.resolve("bin/keytool");
        run(keytool, "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD);
        run(keytool, "-exportcert", "-rfc", "-alias", "registry", "-keystore", keystore.toString(),
                "-storepass", STORE_PASSWORD, "-file", certificate.toString());
        run(keytool, "-importcert", "-noprompt", "-alias", "registry", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", STORE_PASSWORD);

        int httpsPort = freePort();
        int httpPort = freePort();
        int managementPort = freePort();
        List<String> command = List.of(
                javaHome.resolve("bin/java").toString(),
                "-Xmx512m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.http.ssl-port=" + httpsPort,
                "-Dquarkus.http.insecure-requests=disabled",
                "-Dquarkus.http.ssl.certificate.key-store-file=" + keystore,
                "-Dquarkus.http.ssl.certificate.key-store-password=" + STORE_PASSWORD,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.http.auth.basic=true",
                "-Dquarkus.security.users.embedded.enabled=true",
                "-Dquarkus.security.users.embedded.plain-text=true",
                "-Dquarkus.security.users.embedded.users." + USER + "=" + PASSWORD,
                "-Dquarkus.http.auth.permission.registry.paths=/apis/*",
                "-Dquarkus.http.auth.permission.registry.policy=authenticated",
                "-jar", home.resolve("quarkus-run.jar").toString());
        Path log = work.resolve("apicurio-registry.log");
        Process process = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ApicurioRegistryServer server = new ApicurioRegistryServer(process, work, httpsPort, truststore);
        try {
            server.awaitReady(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"), log);
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The Confluent-compatible API, over TLS. */
    String confluentApiUrl() {
        return "https://127.0.0.1:" + httpsPort + "/apis/ccompat/v7";
    }

    /** Client configuration that reaches this registry: URL, credentials and truststore. */
    Map<String, Object> clientConfig() {
        return Map.of(
                SchemaRegistries.URL, confluentApiUrl(),
                SchemaRegistries.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SchemaRegistries.BASIC_AUTH_USER_INFO, USER + ":" + PASSWORD,
                SchemaRegistries.TRUSTSTORE_LOCATION, truststore.toString(),
                SchemaRegistries.TRUSTSTORE_PASSWORD, STORE_PASSWORD,
                SchemaRegistries.TRUSTSTORE_TYPE, "PKCS12");
    }

    private void awaitReady(URI health, Path log) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " before it was ready; its log ends:\n" + tail(log));
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(health)
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Apicurio Registry was not ready within 120 s; its log ends:\n" + tail(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(workDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private static void run(Path program, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
