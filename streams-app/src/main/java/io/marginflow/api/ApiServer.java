package io.marginflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.marginflow.config.BuildInfo;
import io.marginflow.config.MarginflowConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each instance's HTTP server (the JDK's): the query API over the engine's state, health from
 * Kafka Streams' state, Prometheus metrics, the OpenAPI description and the risk page. A request
 * about an account another instance holds is forwarded to it ({@code application.server}); a list
 * gathers every instance's part. Errors are JSON {@code {"error": "..."}} with the HTTP status
 * that says whose they are: 400 a bad request, 401 no or an unknown token, 403 not this token's
 * account, 404 nothing there, 503 not now (rebalancing, starting).
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** Marks a forwarded request, which is answered where it lands and never forwarded again. */
    static final String FORWARDED = "X-Marginflow-Forwarded";
    /** The charting library the risk page uses, from its webjar (the build's uplot.version). */
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + BuildInfo.stamped("uplot.version") + "/dist/";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "marginflow-api");
        thread.setDaemon(true);
        return thread;
    });
    private final Cluster cluster;
    private final AccessControl access;
    private final PrometheusMeterRegistry metrics;
    private final HttpClient peers;
    private final String peerScheme;
    private final AccountsApi accounts;

    private ApiServer(HttpServer server, Cluster cluster, AccessControl access, PrometheusMeterRegistry metrics,
                      Optional<SSLContext> peerTls) {
        this.server = server;
        this.cluster = cluster;
        this.access = access;
        this.metrics = metrics;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        peerTls.ifPresent(client::sslContext);
        this.peers = client.build();
        this.peerScheme = server instanceof HttpsServer ? "https" : "http";
        this.accounts = new AccountsApi(cluster, this);
        StatusGauges.bind(metrics, cluster);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
    }

    /** Starts the server the configuration asks for, if any, over {@code streams}. */
    public static Optional<ApiServer> start(MarginflowConfig config, KafkaStreams streams, PrometheusMeterRegistry metrics) {
        Optional<InetSocketAddress> listen = config.apiListen();
        if (listen.isEmpty()) {
            return Optional.empty();
        }
        AccessControl access = config.optional("api.tokens").map(file -> AccessControl.fromFile(Path.of(file)))
                .orElse(AccessControl.open());
        Optional<SSLContext> tls = Tls.serverContext(config);
        Optional<HostInfo> self = config.optional("application.server").map(HostInfo::buildFromEndpoint);
        Cluster cluster = new Cluster(streams, config.engine(), config.topics().journal(), self,
                new JournalPartitions(config));
        try {
            HttpServer server;
            if (tls.isPresent()) {
                HttpsServer https = HttpsServer.create(listen.get(), 64);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
                server = https;
            } else {
                server = HttpServer.create(listen.get(), 64);
            }
            ApiServer api = new ApiServer(server, cluster, access, metrics, Tls.peerContext(config));
            server.start();
            LOG.info("query API on {}://{}:{} ({}; application.server {})", api.peerScheme,
                    listen.get().getHostString(), api.port(), access.isOpen() ? "open to every request" : "bearer tokens",
                    self.map(host -> host.host() + ":" + host.port()).orElse("not set: requests are not forwarded"));
            if (access.isOpen()) {
                LOG.warn("the query API is open to every request: set api.tokens to require bearer tokens");
            }
            return Optional.of(api);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + listen.get() + " (api.listen): " + e.getMessage(), e);
        }
    }

    /** The port the server listens on (the one chosen when {@code api.listen} gave port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /** A request, parsed: method, path, query parameters, and who asks. */
    record Request(HttpExchange exchange, String method, String path, Map<String, String> query,
                   AccessControl.Grant grant) {
        boolean forwarded() {
            return exchange.getRequestHeaders().containsKey(FORWARDED);
        }

        byte[] body() throws IOException {
            try (InputStream in = exchange.getRequestBody()) {
                return in.readNBytes(1 << 20);
            }
        }
    }

    /** An answer: status and JSON (or text of a content type). */
    record Response(int status, String contentType, byte[] body) {
        static Response json(int status, JsonNode body) {
            return new Response(status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
        }

        static Response error(int status, String message) {
            return json(status, JSON.createObjectNode().put("error", message));
        }
    }

    /** A request that cannot be answered, with its status. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            response = route(exchange);
        } catch (Refused e) {
            response = Response.error(e.status, e.getMessage());
        } catch (Cluster.Unavailable e) {
            response = Response.error(503, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("query API: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e.toString());
            response = Response.error(500, "the request failed: " + e.getClass().getSimpleName());
        }
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (response.status() == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"marginflow\"");
        }
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    private Response route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        switch (path) {
            case "/health", "/health/ready" -> {
                return health(cluster.state() == KafkaStreams.State.RUNNING);
            }
            case "/health/live" -> {
                return health(cluster.state().isRunningOrRebalancing() || cluster.state() == KafkaStreams.State.CREATED);
            }
            case "/metrics" -> {
                return new Response(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.scrape().getBytes(StandardCharsets.UTF_8));
            }
            case "/openapi.yaml" -> {
                return resource("openapi.yaml", "application/yaml");
            }
            case "/", "/risk" -> {
                return resource("risk.html", "text/html; charset=utf-8");
            }
            case "/assets/uplot.js" -> {
                return resource(UPLOT + "uPlot.iife.min.js", "text/javascript");
            }
            case "/assets/uplot.css" -> {
                return resource(UPLOT + "uPlot.min.css", "text/css");
            }
            default -> {
                // the query API
            }
        }
        AccessControl.Grant grant = access.grant(exchange.getRequestHeaders().getFirst("Authorization"))
                .orElseThrow(() -> new Refused(401, "a bearer token is required (Authorization: Bearer TOKEN)"));
        Request request = new Request(exchange, method, path, query(exchange.getRequestURI()), grant);
        return accounts.answer(request);
    }

    private Response health(boolean up) {
        ObjectNode body = JSON.createObjectNode().put("status", up ? "UP" : "DOWN").put("kafkaStreams", cluster.state().name());
        return Response.json(up ? 200 : 503, body);
    }

    private static Response resource(String name, String contentType) throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                return Response.error(404, "no such page");
            }
            return new Response(200, contentType, in.readAllBytes());
        }
    }

    /** Asks {@code host} the same question, as a forwarded request, and returns its answer as it is. */
    Response forward(Request request, HostInfo host, String pathAndQuery, byte[] body) {
        HttpRequest.Builder ask = HttpRequest.newBuilder(URI.create(peerScheme + "://" + host.host() + ":" + host.port()
                        + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header(FORWARDED, "1")
                .method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        String authorization = request.exchange().getRequestHeaders().getFirst("Authorization");
        if (authorization != null) {
            ask.header("Authorization", authorization);
        }
        if (body != null) {
            ask.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<byte[]> answer = peers.send(ask.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(answer.statusCode(), answer.headers().firstValue("Content-Type").orElse("application/json"),
                    answer.body());
        } catch (IOException e) {
            throw new Cluster.Unavailable("instance " + host.host() + ":" + host.port() + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cluster.Unavailable("interrupted while asking " + host.host() + ":" + host.port());
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            query.put(name, value);
        }
        return query;
    }
}
