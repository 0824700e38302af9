package io.marginflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.schema.Fill;
import io.marginflow.serde.RecordCoordinates;
import io.marginflow.serde.SpecificAvroSerde;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A registry that is down or does not answer is an outage, reported as
 * {@link SchemaRegistryUnavailableException} with what was being done: never a bare I/O error,
 * and never mistaken for a bad record. Real sockets on loopback play the broken registry.
 */
class UnreachableRegistryTest {

    @Test
    void aRegistryThatIsDownIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistry registry = SchemaRegistries.fromConfig(Map.of(
                SchemaRegistries.URL, "http://127.0.0.1:" + closedPort));

        assertThatThrownBy(() -> registry.schemaById(1))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("fetch schema id 1")
                .hasMessageContaining("cannot reach http://127.0.0.1:" + closedPort);
    }

    @Test
    void aRegistryThatDoesNotAnswerInTimeIsUnavailable() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            SchemaRegistry registry = SchemaRegistries.fromConfig(Map.of(
                    SchemaRegistries.URL, "http://127.0.0.1:" + silent.port(),
                    SchemaRegistries.REQUEST_TIMEOUT_MS, "300"));

            long start = System.nanoTime();
            assertThatThrownBy(() -> registry.register("clearing.fills-value", Fill.getClassSchema()))
                    .isInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageContaining("register schema under subject clearing.fills-value")
                    .hasMessageContaining("no answer")
                    .hasMessageContaining("300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the timeout").isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void decodingDuringAnOutageNamesTheRecordAndStaysAnOutage() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var fills = SpecificAvroSerde.forValues(Fill.class, SchemaRegistries.fromConfig(Map.of(
                SchemaRegistries.URL, "http://127.0.0.1:" + closedPort))).deserializer();

        assertThatThrownBy(() -> fills.decode(RecordCoordinates.of("clearing.fills", 0, 5L), new byte[] {0, 0, 0, 0, 3, 2}))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("topic clearing.fills partition 0 offset 5")
                .hasMessageContaining("schema id 3");
    }

    /** Accepts connections and never says a word, like a registry stuck in a long pause. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor = new Thread(this::acceptForever, "silent-registry");

        SilentServer() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void acceptForever() {
            try {
                while (!socket.isClosed()) {
                    Socket connection = socket.accept();
                    synchronized (accepted) {
                        accepted.add(connection);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket connection : accepted) {
                    connection.close();
                }
            }
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
