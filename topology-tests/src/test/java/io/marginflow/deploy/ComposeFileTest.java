package io.marginflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.config.MarginflowConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, read as Compose reads it (anchors and merge keys resolved), checked against
 * what the application needs: no Docker engine runs here to start it, so this and the compose
 * linter in .ci/run are what stand between the file and a user's {@code docker compose up}.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");
    private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static final List<String> INSTANCES = List.of("marginflow-1", "marginflow-2");

    private final Map<String, Object> compose = load(ROOT.resolve("docker-compose.yml"));
    private final Map<String, Object> services = map(compose.get("services"));

    @Test
    void threeBrokersFormAKraftQuorumOfTheOfficialImage() {
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < BROKERS.size(); i++) {
            voters.add((i + 1) + "@" + BROKERS.get(i) + ":9093");
        }
        for (int i = 0; i < BROKERS.size(); i++) {
            Map<String, Object> broker = map(services.get(BROKERS.get(i)));
            Map<String, String> env = environment(broker);
            assertThat(text(broker.get("image"))).as("the brokers run the Kafka the application is built with")
                    .isEqualTo("apache/kafka:" + org.apache.kafka.common.utils.AppInfoParser.getVersion());
            assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
            assertThat(env.get("KAFKA_NODE_ID")).isEqualTo(Integer.toString(i + 1));
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://" + BROKERS.get(i) + ":9092");
            assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")).as("exactly-once needs it").isEqualTo("3");
            assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo(String.join(",", voters));
            assertThat(broker).containsKey("healthcheck");
        }
        assertThat(text(map(services.get("schema-registry")).get("image"))).startsWith("confluentinc/cp-schema-registry:");
    }

    @Test
    void servicesStartInOrderEachWaitingForWhatItNeeds() {
        Map<String, String> expected = new TreeMap<>();
        BROKERS.forEach(broker -> expected.put("schema-registry->" + broker, "service_healthy"));
        expected.put("init->schema-registry", "service_healthy");
        INSTANCES.forEach(instance -> expected.put(instance + "->init", "service_completed_successfully"));
        expected.put("heartbeat->init", "service_completed_successfully");
        expected.put("kafka-ui->schema-registry", "service_healthy");
        expected.put("grafana->prometheus", "service_started");
        INSTANCES.forEach(instance -> expected.put("prometheus->" + instance, "service_started"));

        Map<String, String> conditions = new TreeMap<>();
        services.forEach((name, service) -> map(map(service).getOrDefault("depends_on", Map.of())).forEach((on, condition) -> {
            conditions.put(name + "->" + on, text(map(condition).get("condition")));
            if ("service_healthy".equals(text(map(condition).get("condition")))) {
                assertThat(map(services.get(on))).as(on + " has a healthcheck to wait for").containsKey("healthcheck");
            }
        }));
        assertThat(conditions).isEqualTo(expected);
        assertThat(map(services.get("init")).get("command")).isEqualTo(List.of("create-topics"));
        assertThat(text(map(services.get("init")).get("restart"))).isEqualTo("no");
    }

    @Test
    void everyInstancesConfigurationIsValidAndTheyShareTheWork() {
        Map<String, MarginflowConfig> configs = new TreeMap<>();
        for (String name : List.of("init", "marginflow-1", "marginflow-2", "heartbeat")) {
            Map<String, Object> service = map(services.get(name));
            assertThat(service.get("build")).as(name + " runs the image this repository builds").isEqualTo(".");
            // Unknown Marginflow keys are refused here, as the application refuses them at start.
            configs.put(name, MarginflowConfig.load(Optional.empty(), environment(service), Map.of()));
        }
        Map<String, String> brokerListeners = new TreeMap<>();
        BROKERS.forEach(broker -> brokerListeners.put(broker, environment(map(services.get(broker)))
                .get("KAFKA_ADVERTISED_LISTENERS").replace("PLAINTEXT://", "")));
        configs.forEach((name, config) -> {
            assertThat(new TreeSet<>(List.of(config.get("bootstrap.servers").split(",", -1))))
                    .as(name + " knows every broker").containsExactlyInAnyOrderElementsOf(brokerListeners.values());
            assertThat(config.get("schema.registry.url")).isEqualTo("http://schema-registry:8081");
            assertThat(config.topics()).as(name + " names the same topics as every other").isEqualTo(configs.get("init").topics());
            assertThat(config.topics().replicationFactor()).isEqualTo((short) BROKERS.size());
            assertThat(config.get("replication.factor")).as("Kafka Streams' own topics").isEqualTo("3");
        });
        for (String instance : INSTANCES) {
            MarginflowConfig config = configs.get(instance);
            int port = config.apiListen().orElseThrow().getPort();
            assertThat(config.get("application.id")).isEqualTo(configs.get("marginflow-1").get("application.id"));
            assertThat(config.get("application.server")).as("forwarding reaches the instance's API")
                    .isEqualTo(instance + ":" + port);
            assertThat(Integer.parseInt(config.get("num.standby.replicas"))).isPositive();
            assertThat(map(services.get(instance)).get("ports").toString()).contains(":" + port);
            assertThat(text(map(map(services.get(instance)).get("healthcheck")).get("test").toString()))
                    .contains("localhost:" + port + "/health/live");
        }
    }

    @Test
    void prometheusScrapesEveryInstanceAndGrafanaIsProvisioned() throws IOException {
        Map<String, Object> prometheus = load(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        Map<String, Object> job = map(((List<?>) prometheus.get("scrape_configs")).get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/metrics");
        assertThat(map(((List<?>) job.get("static_configs")).get(0)).get("targets"))
                .isEqualTo(INSTANCES.stream().map(instance -> instance + ":8080").toList());
        for (Object volume : (List<?>) map(services.get("grafana")).get("volumes")) {
            String source = text(volume).split(":", -1)[0];
            assertThat(ROOT.resolve(source)).as(source + " is in the repository").exists();
        }
        assertThat(Files.readString(ROOT.resolve("deploy/grafana/dashboards/marginflow.json")))
                .contains("marginflow_journal_entries_total", "kafka_consumer_fetch_manager_records_lag_max",
                        "marginflow_engine_entry_seconds_bucket", "marginflow_accounts",
                        "marginflow_margin_calls_total", "marginflow_liquidations_total", "marginflow_dead_letters_total");
    }

    @Test
    void theImageIsBuiltInStagesAndRunsTheDistributionAsNonRootOnAJre() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"));
        List<String> froms = lines.stream().filter(line -> line.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(1)).contains("-jre");
        assertThat(lines).anyMatch(line -> line.startsWith("USER ") && !line.contains("root"));
        assertThat(lines).contains("ENTRYPOINT [\"/opt/marginflow/bin/marginflow\"]");
        assertThat(lines).anyMatch(line -> line.contains("mvn") && line.contains("package"));
    }

    private static Map<String, Object> load(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new TreeMap<>();
        map(service.getOrDefault("environment", Map.of())).forEach((key, value) -> environment.put(key, text(value)));
        return environment;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
