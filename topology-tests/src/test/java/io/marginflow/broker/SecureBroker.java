package io.marginflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;

/**
 * A real Kafka broker (KRaft, combined broker and controller) in a JVM of its own, secured as a
 * clearinghouse secures one: clients connect over SASL_SSL with SCRAM-SHA-512 users, with a
 * certificate signed by a CA the test makes, and the StandardAuthorizer allows only what ACLs
 * grant. A second, plaintext listener on loopback carries the brokers' own traffic and the test's
 * setup, whose anonymous principal is the super user.
 */
final class SecureBroker implements AutoCloseable {

    static final String PASSWORD = "test-store-secret";

    final Path directory;
    final int internalPort;
    final int externalPort;
    final Path truststore;
    private final BrokerProcess broker;

    private SecureBroker(BrokerProcess broker, int externalPort, Path truststore) {
        this.broker = broker;
        this.directory = broker.directory;
        this.internalPort = broker.plaintextPort;
        this.externalPort = externalPort;
        this.truststore = truststore;
    }

    /** Starts the broker with these SCRAM users (name → password). */
    static SecureBroker start(Path directory, Map<String, String> users) throws Exception {
        Files.createDirectories(directory);
        Path truststore = certificates(directory);
        int internal = BrokerProcess.freePort();
        int external = BrokerProcess.freePort();
        int controller = BrokerProcess.freePort();
        List<String> scram = new ArrayList<>();
        users.forEach((name, password) -> {
            scram.add("--add-scram");
            scram.add("SCRAM-SHA-512=[name=" + name + ",password=" + password + "]");
        });
        BrokerProcess broker = BrokerProcess.start(directory, internal, List.of(
                "controller.quorum.voters=1@localhost:" + controller,
                "listeners=INTERNAL://localhost:" + internal + ",EXTERNAL://localhost:" + external
                        + ",CONTROLLER://localhost:" + controller,
                "advertised.listeners=INTERNAL://localhost:" + internal + ",EXTERNAL://localhost:" + external,
                "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=INTERNAL",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "listener.name.external.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.location=" + directory.resolve("broker.p12"),
                "ssl.keystore.password=" + PASSWORD,
                "ssl.keystore.type=PKCS12",
                "ssl.key.password=" + PASSWORD,
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users=User:ANONYMOUS",
                "allow.everyone.if.no.acl.found=false"), scram);
        return new SecureBroker(broker, external, truststore);
    }

    /** An admin on the internal listener: the super user, for setup. */
    Admin superUser() {
        return broker.admin();
    }

    /** The client settings of SCRAM user {@code name} on the SASL_SSL listener. */
    Map<String, String> clientSettings(String name, String password) {
        Map<String, String> settings = new TreeMap<>(Map.of(
                "bootstrap.servers", "localhost:" + externalPort,
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + name + "\" password=\"" + password + "\";",
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.password", PASSWORD,
                "ssl.truststore.type", "PKCS12"));
        return settings;
    }

    @Override
    public void close() {
        broker.close();
    }

    /** A CA, the broker's certificate signed by it for localhost, and a trust store holding the CA. */
    private static Path certificates(Path directory) throws IOException, InterruptedException {
        Path ca = directory.resolve("ca.p12");
        Path broker = directory.resolve("broker.p12");
        Path truststore = directory.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=marginflow-test-ca",
                "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                "-file", directory.resolve("ca.pem").toString());
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", broker.toString(), "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "broker", "-keystore", broker.toString(), "-storepass", PASSWORD,
                "-file", directory.resolve("broker.csr").toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                "-infile", directory.resolve("broker.csr").toString(), "-outfile", directory.resolve("broker.pem").toString(),
                "-ext", "SAN=DNS:localhost,IP:127.0.0.1", "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", broker.toString(), "-storepass", PASSWORD,
                "-file", directory.resolve("ca.pem").toString());
        keytool("-importcert", "-alias", "broker", "-keystore", broker.toString(), "-storepass", PASSWORD,
                "-file", directory.resolve("broker.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-storetype", "PKCS12", "-keystore", truststore.toString(),
                "-storepass", PASSWORD, "-file", directory.resolve("ca.pem").toString());
        return truststore;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("keytool " + args[0] + ": " + output).isZero();
    }
}
