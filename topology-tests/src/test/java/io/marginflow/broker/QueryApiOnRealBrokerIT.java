package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.clock;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marginflow.api.ApiServer;
import io.marginflow.app.Instruments;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The query API over a running application on a real broker: four accounts long 1 BTC perpetual
 * at 60,000 under the default ±16% scan (IM 9,600, MM 4,800) with 20,000, 10,000, 9,000 and 4,000
 * USD: two normal, one in margin call, one in liquidation. Every answer is checked against the
 * checked-in OpenAPI description, and every documented operation is exercised.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiOnRealBrokerIT {

    private static final String NAME = "query-api";
    private static final String OPERATOR = "operator-token-0123456789";
    private static final String FIRM = "firm-a-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final Set<String> exercised = new TreeSet<>();
    private final List<String> violations = new ArrayList<>();
    private EmbeddedKafka kafka;
    private RealBrokerPipeline pipeline;
    private PrometheusMeterRegistry prometheus;
    private ApiServer api;
    private OpenApiContract contract;
    private Path tokens;

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.start();
        tokens = Files.createTempFile("tokens-", ".properties");
        Files.writeString(tokens, OPERATOR + "=operator\n" + FIRM + "=ACC-1\n");
        pipeline = RealBrokerPipeline.on(kafka, NAME, Map.of("api.listen", "127.0.0.1:0", "api.tokens", tokens.toString()));
        prometheus = Instruments.prometheus();
        pipeline.startApplication(new MarginflowMetrics(prometheus, Clock.systemUTC()));
        Instruments.bindKafkaStreams(prometheus, pipeline.streams());
        api = ApiServer.start(pipeline.config, pipeline.streams(), prometheus).orElseThrow();
        contract = OpenApiContract.load();

        var topics = pipeline.topics;
        pipeline.send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
        pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 60_000.0, 0));
        Map<String, String> funds = Map.of("ACC-1", "20000", "ACC-2", "10000", "ACC-3", "9000", "ACC-4", "4000");
        funds.forEach((account, usd) -> {
            pipeline.send(topics.collateral(), account, deposit(account + "-D", account, "USD", usd));
            pipeline.send(topics.fills(), account, fill(account + "-F", account, "BTC-PERPETUAL", "1", 60_000.0));
        });
        pipeline.sendBytes(topics.fills(), "ACC-9", "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                io.marginflow.pipeline.Inputs.T0.plusSeconds(90)); // a dead letter, for the metrics
        pipeline.flush();
        pipeline.awaitOutputs(records -> !RealBrokerPipeline.deadLetters(records).isEmpty()
                && RealBrokerPipeline.latestResults(records).values().stream()
                        .filter(result -> result.getInitialMargin().compareTo(new java.math.BigDecimal("9600")) == 0).count() == 4);
        // The instant ends, once every fill is journalled: calls and liquidations are decided.
        pipeline.send(topics.clock(), "clock", clock(5));
        pipeline.flush();
        pipeline.awaitOutputs(records -> records.stream().anyMatch(r -> r instanceof MarginCallEvent)
                && records.stream().anyMatch(r -> r instanceof LiquidationSignal));
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
        pipeline.close();
        kafka.close();
        Files.deleteIfExists(tokens);
        assertThat(violations).as("answers that do not fit the OpenAPI description").isEmpty();
        assertThat(exercised).as("documented operations the test exercised").containsAll(contract.operations());
    }

    @Test
    void anAccountIsItsMarginLedgerAndLifecycle() throws Exception {
        JsonNode one = get("/accounts/{account}", "/accounts/ACC-1", OPERATOR, 200);
        assertThat(one.get("status").textValue()).isEqualTo("NORMAL");
        assertThat(one.at("/margin/equity").textValue()).isEqualTo("20000");
        assertThat(one.at("/margin/initialMargin").textValue()).isEqualTo("9600");
        assertThat(one.at("/margin/maintenanceMargin").textValue()).isEqualTo("4800");
        assertThat(one.at("/margin/underlyings/0/worstPriceMove").doubleValue()).isEqualTo(-0.16);
        assertThat(one.at("/positions/0/quantity").textValue()).isEqualTo("1");
        assertThat(one.at("/positions/0/mark").doubleValue()).isEqualTo(60_000.0);
        assertThat(one.at("/collateral/0/balance").textValue()).isEqualTo("20000");
        assertThat(one.at("/published/initialMargin").textValue()).isEqualTo("9600");
        assertThat(one.get("openCall").isNull()).isTrue();

        JsonNode called = get("/accounts/{account}", "/accounts/ACC-3", OPERATOR, 200);
        assertThat(called.get("status").textValue()).isEqualTo("MARGIN_CALL");
        // met at IM x 1.10 = 10,560: 1,560 short of it
        assertThat(called.at("/openCall/amountToMeet").textValue()).isEqualTo("1560");
        JsonNode liquidated = get("/accounts/{account}", "/accounts/ACC-4", OPERATOR, 200);
        assertThat(liquidated.get("status").textValue()).isEqualTo("LIQUIDATION");
        assertThat(liquidated.at("/liquidation/planOrderId").textValue()).endsWith("/r1");

        get("/accounts/{account}", "/accounts/ACC-404", OPERATOR, 404);
    }

    @Test
    void listsArePagedByAccountAndFilteredByStatus() throws Exception {
        assertThat(accounts(get("/accounts", "/accounts?status=MARGIN_CALL", OPERATOR, 200))).containsExactly("ACC-3");
        assertThat(accounts(get("/accounts", "/accounts?status=LIQUIDATION", OPERATOR, 200))).containsExactly("ACC-4");
        JsonNode first = get("/accounts", "/accounts?limit=2", OPERATOR, 200);
        assertThat(accounts(first)).containsExactly("ACC-1", "ACC-2");
        assertThat(first.get("next").textValue()).isEqualTo("ACC-2");
        JsonNode second = get("/accounts", "/accounts?limit=2&after=ACC-2", OPERATOR, 200);
        assertThat(accounts(second)).containsExactly("ACC-3", "ACC-4");
        assertThat(second.get("next").isNull()).isTrue();
        assertThat(accounts(get("/accounts", "/accounts?order=excess&limit=2", OPERATOR, 200)))
                .containsExactly("ACC-4", "ACC-3");
        get("/accounts", "/accounts?status=BROKE", OPERATOR, 400);
    }

    @Test
    void aWhatIfComputesOnACopyAndChangesNothing() throws Exception {
        JsonNode answer = post("/what-if", "{\"account\": \"ACC-1\", \"fills\": [{\"instrument\": \"BTC-PERPETUAL\","
                + " \"quantity\": \"1\", \"price\": 60000}]}", OPERATOR, 200);
        assertThat(answer.at("/before/initialMargin").textValue()).isEqualTo("9600");
        assertThat(answer.at("/after/initialMargin").textValue()).isEqualTo("19200");
        assertThat(answer.at("/after/statusByFigures").textValue()).isEqualTo("NORMAL");
        assertThat(answer.at("/ledgerAfter/positions/0/quantity").textValue()).isEqualTo("2");
        assertThat(get("/accounts/{account}", "/accounts/ACC-1", OPERATOR, 200).at("/margin/initialMargin").textValue())
                .isEqualTo("9600");

        assertThat(post("/what-if", "{\"account\": \"ACC-1\", \"fills\": [{\"instrument\": \"DOGE-PERPETUAL\","
                + " \"quantity\": \"1\", \"price\": 1}]}", OPERATOR, 422).get("error").textValue())
                .startsWith("UNKNOWN_INSTRUMENT");
        post("/what-if", "{\"account\": \"ACC-1\", \"fills\": []}", OPERATOR, 400);
    }

    @Test
    void anUnderlyingSumsItsAccounts() throws Exception {
        JsonNode btc = get("/underlyings/{underlying}", "/underlyings/BTC", OPERATOR, 200);
        assertThat(btc.get("accountsExposed").intValue()).isEqualTo(4);
        assertThat(btc.get("requirement").textValue()).isEqualTo("38400");
        assertThat(btc.get("netDelta").doubleValue()).isEqualTo(4.0);
        assertThat(btc.at("/parameters/priceScanRange").doubleValue()).isEqualTo(0.16);
    }

    @Test
    void aFirmsTokenReadsOnlyItsAccountsAndNoTokenReadsNothing() throws Exception {
        assertThat(get("/accounts/{account}", "/accounts/ACC-1", FIRM, 200).at("/margin/equity").textValue()).isEqualTo("20000");
        get("/accounts/{account}", "/accounts/ACC-3", FIRM, 403);
        post("/what-if", "{\"account\": \"ACC-3\", \"fills\": [{\"instrument\": \"BTC-PERPETUAL\", \"quantity\": \"-1\","
                + " \"price\": 60000}]}", FIRM, 403);
        get("/underlyings/{underlying}", "/underlyings/BTC", FIRM, 403);
        assertThat(accounts(get("/accounts", "/accounts", FIRM, 200))).containsExactly("ACC-1");

        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/accounts/ACC-1")).GET(), null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"marginflow\"");
        record("GET /accounts/{account}", anonymous);
        get("/accounts", "/accounts", "not-a-known-token-at-all", 401);
        post("/what-if", "{}", null, 401);
        get("/underlyings/{underlying}", "/underlyings/BTC", null, 401);
    }

    @Test
    void healthAndMetricsAreOpen() throws Exception {
        assertThat(get("/health", "/health", null, 200).get("kafkaStreams").textValue()).isEqualTo("RUNNING");
        assertThat(get("/health/live", "/health/live", null, 200).get("status").textValue()).isEqualTo("UP");
        HttpResponse<String> metrics = send(HttpRequest.newBuilder(uri("/metrics")).GET(), null);
        exercised.add("GET /metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        Files.writeString(Path.of("target", "metrics-sample.txt"), metrics.body()); // what a scrape holds, to read
        // Every series the Grafana dashboard of docker-compose.yml charts is exported.
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b((?:marginflow|kafka)_[a-z_]+)")
                .matcher(Files.readString(Path.of("..", "deploy", "grafana", "dashboards", "marginflow.json")));
        Set<String> charted = new TreeSet<>();
        while (names.find()) {
            charted.add(names.group(1));
        }
        assertThat(charted).hasSizeGreaterThan(6).allSatisfy(name -> assertThat(metrics.body()).contains("\n" + name));
        assertThat(metrics.body())
                .contains("marginflow_journal_entries_total{kind=\"Fill\"} 4.0")
                .contains("marginflow_margin_calls_total{transition=\"ISSUED\"} 1.0")
                .contains("marginflow_liquidations_total{transition=\"TRIGGERED\"} 1.0")
                .contains("marginflow_accounts{status=\"MARGIN_CALL\"} 1.0")
                .contains("marginflow_dead_letters_total{class=\"NOT_WIRE_FORMAT\",stage=\"SEQUENCER\"} 1.0")
                .contains("marginflow_engine_entry_seconds_bucket")
                .contains("marginflow_output_lag_seconds_count")
                .contains("kafka_stream_thread_process_total")
                .contains("jvm_memory_used_bytes");
        // each result is counted once, though written twice (risk.margin and risk.margin-latest)
        pipeline.settle();
        String settled = send(HttpRequest.newBuilder(uri("/metrics")).GET(), null).body();
        java.util.regex.Matcher counted = java.util.regex.Pattern
                .compile("\nmarginflow_margin_results_total\\{status=\"[A-Z_]+\"} ([0-9.]+)").matcher(settled);
        double results = 0;
        while (counted.find()) {
            results += Double.parseDouble(counted.group(1));
        }
        assertThat(results).isEqualTo((double) RealBrokerPipeline.results(pipeline.seen, result -> true).size());
    }

    /** With a key store configured the API speaks HTTPS only, with the certificate it was given. */
    @Test
    void overTlsTheApiAnswersWithItsCertificate() throws Exception {
        Path directory = Files.createTempDirectory("api-tls-");
        Path keystore = directory.resolve("api.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=IP:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).isZero();
        var config = io.marginflow.config.MarginflowConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", "mock://" + NAME, "topics.partitions", "3", "api.listen", "127.0.0.1:0",
                "api.tokens", tokens.toString(), "api.tls.keystore.location", keystore.toString(),
                "api.tls.keystore.password", "changeit"));
        try (ApiServer https = ApiServer.start(config, pipeline.streams(), prometheus).orElseThrow()) {
            java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(keystore)) {
                trusted.load(in, "changeit".toCharArray());
            }
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            var tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(tls).build();

            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https.port()
                    + "/accounts/ACC-1")).header("Authorization", "Bearer " + OPERATOR).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).at("/margin/initialMargin").textValue()).isEqualTo("9600");
            assertThat(answer.sslSession()).isPresent();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + https.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("plain HTTP is not served").isInstanceOf(java.io.IOException.class);
        } finally {
            Files.delete(keystore);
            Files.delete(directory);
        }
    }

    /**
     * The risk page in a real browser: headless Chromium (Debian's package) loads it with the
     * operator's token and account ACC-3 chosen, runs its scripts against the API for a few
     * seconds of virtual time, and the DOM it leaves and a screenshot are checked.
     */
    @Test
    void theRiskPageShowsCallsLiquidationsTheWorstAccountsAndAnAccountOverTime() throws Exception {
        Path chromium = HeadlessChromium.find();
        Path screenshot = Files.createTempFile("risk-page-", ".png");
        String url = "http://127.0.0.1:" + api.port() + "/#token=" + OPERATOR + "&account=ACC-3&underlyings=BTC";

        String dom = HeadlessChromium.dumpDom(chromium, url, 8_000);
        HeadlessChromium.screenshot(chromium, url, 8_000, screenshot);

        assertThat(dom).contains("Kafka Streams RUNNING")
                .containsPattern("id=\"calls-count\">1<")
                .containsPattern("id=\"liquidations-count\">1<")
                .containsPattern("<table id=\"calls\">.*data-account=\"ACC-3\"")
                .containsPattern("<table id=\"liquidations\">.*data-account=\"ACC-4\"")
                .containsPattern("<table id=\"worst\">.*?data-account=\"ACC-4\".*?data-account=\"ACC-3\"")
                .containsPattern("<table id=\"underlyings\">.*data-account=\"BTC\"><td>BTC</td><td>4</td>")
                .contains("MARGIN_CALL, equity 9,000, IM 9,600")
                .contains("class=\"uplot")
                .doesNotContain("class=\"error\"");
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(screenshot.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(HeadlessChromium.inkFraction(image)).as("share of the screenshot that is not background").isGreaterThan(0.01);
        Files.copy(screenshot, Path.of("target", "risk-page.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(screenshot);
    }

    private JsonNode get(String operation, String path, String token, int status) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET(), token);
        return checked("GET " + operation, response, status);
    }

    private JsonNode post(String operation, String body, String token, int status) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(operation))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), token);
        return checked("POST " + operation, response, status);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode checked(String operation, HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(operation + ": " + response.body()).isEqualTo(status);
        return record(operation, response);
    }

    private JsonNode record(String operation, HttpResponse<String> response) throws Exception {
        exercised.add(operation);
        JsonNode body = JSON.readTree(response.body());
        violations.addAll(contract.violations(operation, response.statusCode(), body));
        return body;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    private static List<String> accounts(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("accounts").forEach(node -> ids.add(node.get("account").textValue()));
        return ids;
    }
}
