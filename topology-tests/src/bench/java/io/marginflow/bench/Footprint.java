package io.marginflow.bench;

import io.marginflow.app.SchemaSetup;
import io.marginflow.app.TopicSetup;
import io.marginflow.broker.MarginflowInstanceProcess;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.pipeline.Inputs;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.serde.SpecificAvroSerde;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What one instance holds for N accounts: the application runs in a JVM of its own over six
 * journal partitions on an embedded broker; N accounts each deposit and open a perpetual position
 * (BTC or ETH); once every entry is applied, the instance is measured from outside: heap in use
 * after a full GC (jcmd), resident set size, the state directory on disk, and RocksDB's memory
 * from Kafka Streams' metrics (memtables, block caches, table readers). Not a test: {@code
 * scripts/bench footprint [accounts] [-Xmx of the instance]}, written down in BENCHMARKS.md.
 */
public final class Footprint {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Footprint() {}

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String heap = args.length > 1 ? args[1] : "4g";
        Path work = Files.createTempDirectory("marginflow-footprint-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path state = work.resolve("state");
            Map<String, String> settings = Map.of("bootstrap.servers", kafka.bootstrapServers(), "application.id", "footprint",
                    "schema.registry.url", "mock://footprint", "auto.register.schemas", "false", "topics.partitions", "6",
                    "state.dir", state.toString(), "api.listen", "127.0.0.1:" + port);
            MarginflowConfig config = MarginflowConfig.of(settings);
            SchemaRegistry registry = InMemorySchemaRegistry.scope("footprint");
            SchemaSetup.registerAll(registry, config.topics());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                TopicSetup.createMissing(admin, config.topics());
            }
            long published = System.nanoTime();
            publish(kafka, config, registry, accounts);
            System.out.printf("published %,d accounts' inputs in %.0f s%n", accounts, (System.nanoTime() - published) / 1e9);

            Path properties = work.resolve("instance.properties");
            StringBuilder text = new StringBuilder();
            settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
            Files.writeString(properties, text);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process instance = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                    MarginflowInstanceProcess.class.getName(), properties.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("instance.log").toFile()).start();
            try {
                long started = System.nanoTime();
                String metrics = awaitApplied(port, accounts, instance);
                System.out.printf("applied in %.0f s%n", (System.nanoTime() - started) / 1e9);
                jcmd(instance.pid(), "GC.run");
                Thread.sleep(2_000);
                metrics = scrape(port).orElse(metrics);
                String heapInfo = jcmd(instance.pid(), "GC.heap_info");
                Matcher used = Pattern.compile("used (\\d+)K").matcher(heapInfo);
                long heapUsed = used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
                System.out.printf("accounts %,d | heap used after full GC %,d MB | RSS %,d MB | state directory %,d MB"
                                + " | RocksDB memtables %,d MB, block caches %,d MB, table readers %,d MB%n",
                        accounts, heapUsed >> 20, rss(instance.pid()) >> 20, size(state) >> 20,
                        (long) sum(metrics, "kafka_stream_state_cur_size_all_mem_tables") >> 20,
                        (long) sum(metrics, "kafka_stream_state_block_cache_usage") >> 20,
                        (long) sum(metrics, "kafka_stream_state_estimate_table_readers_mem") >> 20);
            } finally {
                instance.destroy();
                instance.waitFor();
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void publish(EmbeddedKafka kafka, MarginflowConfig config, SchemaRegistry registry, int accounts)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BATCH_SIZE_CONFIG, "262144"), new StringSerializer(), new ByteArraySerializer())) {
            List<SpecificRecord> market = List.of(Inputs.perpetual("BTC-PERPETUAL", "BTC"), Inputs.perpetual("ETH-PERPETUAL", "ETH"),
                    Inputs.mark("BTC-PERPETUAL", 60_000.0, 0), Inputs.mark("ETH-PERPETUAL", 3_000.0, 0));
            for (SpecificRecord record : market) {
                send(producer, config, registry, record);
            }
            for (int i = 0; i < accounts; i++) {
                String account = String.format("ACC-%07d", i);
                send(producer, config, registry, Inputs.deposit(account + "-D", account, "USD", "100000"));
                send(producer, config, registry, i % 2 == 0 ? Inputs.fill(account + "-F", account, "BTC-PERPETUAL", "1", 60_000.0)
                        : Inputs.fill(account + "-F", account, "ETH-PERPETUAL", "10", 3_000.0));
            }
            producer.flush();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes", "FutureReturnValueIgnored"}) // a refusal fails in the callback
    private static void send(KafkaProducer<String, byte[]> producer, MarginflowConfig config, SchemaRegistry registry,
                             SpecificRecord record) {
        String topic = switch (record.getSchema().getName()) {
            case "Instrument" -> config.topics().instruments();
            case "PriceUpdate" -> config.topics().prices();
            case "CollateralMovement" -> config.topics().collateral();
            default -> config.topics().fills();
        };
        producer.send(new ProducerRecord<>(topic, null, InputRecords.eventTime(record).toEpochMilli(), InputRecords.key(record),
                SpecificAvroSerde.forValues((Class) record.getClass(), registry).serializer().serialize(topic, record)),
                (metadata, failure) -> {
                    if (failure != null) {
                        throw new IllegalStateException("the broker refused an input: " + failure, failure);
                    }
                });
    }

    /** Waits until the engine has read every account's deposit and fill; the last scrape. */
    private static String awaitApplied(int port, int accounts, Process instance) throws Exception {
        while (instance.isAlive()) {
            Optional<String> metrics = scrape(port);
            if (metrics.isPresent() && sum(metrics.get(), "marginflow_journal_entries_total{kind=\"Fill\"}") >= accounts
                    && sum(metrics.get(), "marginflow_journal_entries_total{kind=\"CollateralMovement\"}") >= accounts) {
                Thread.sleep(3_000); // the last commit
                return metrics.get();
            }
            Thread.sleep(2_000);
        }
        throw new IllegalStateException("the instance stopped; see its log");
    }

    private static Optional<String> scrape(int port) {
        try {
            return Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The sum of every series whose name (and, if given, labels) starts with {@code series}. */
    private static double sum(String metrics, String series) {
        String prefix = series.endsWith("}") ? series.substring(0, series.length() - 1) : series;
        return metrics.lines().filter(line -> line.startsWith(prefix) && (series.endsWith("}") || line.startsWith(series + "{")
                        || line.startsWith(series + " ")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).filter(Double::isFinite).sum();
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return output;
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    private static long size(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
