package io.marginflow.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client for the REST API of the Confluent Schema Registry, and of servers that offer the
 * same API (Apicurio Registry's {@code /apis/ccompat/v7}, Karapace, Redpanda). Confluent's own
 * client is not published on Maven Central; this one covers what Marginflow needs and no more.
 * It does not cache: put a {@link CachingSchemaRegistry} in front of it.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    /** Attempts to open a connection before the registry counts as unreachable. */
    private static final int CONNECT_ATTEMPTS = 6;
    private static final long CONNECT_RETRY_PAUSE_MS = 100;

    /** How to reach the registry. */
    public record Settings(
            URI baseUrl,
            Optional<String> basicAuthUserInfo,
            Duration connectTimeout,
            Duration requestTimeout,
            Optional<SSLContext> sslContext) {

        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

        public Settings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("schema registry URL must be http:// or https://, got " + baseUrl);
            }
            basicAuthUserInfo.ifPresent(userInfo -> {
                if (userInfo.indexOf(':') < 0) {
                    throw new IllegalArgumentException("basic auth user info must be user:password");
                }
            });
            if (connectTimeout.isNegative() || connectTimeout.isZero()
                    || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("schema registry timeouts must be positive");
            }
        }

        public static Settings of(String baseUrl) {
            return new Settings(URI.create(baseUrl), Optional.empty(), DEFAULT_CONNECT_TIMEOUT,
                    DEFAULT_REQUEST_TIMEOUT, Optional.empty());
        }
    }

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final HttpClient http;

    public HttpSchemaRegistry(Settings settings) {
        String url = settings.baseUrl().toString();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = settings.basicAuthUserInfo().map(userInfo ->
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        this.requestTimeout = settings.requestTimeout();
        HttpClient.Builder builder = HttpClient.newBuilder()
                // The registry API is small request/response JSON; HTTP/2 over TLS buys nothing and
                // its negotiation was seen to drop connections against a real server.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        settings.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode response = call("register schema under subject " + subject,
                "POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        return idIn(response, "register schema under subject " + subject);
    }

    @Override
    public int idOf(String subject, Schema schema) {
        JsonNode response = call("look up schema under subject " + subject,
                "POST", "/subjects/" + encode(subject), schemaBody(schema));
        return idIn(response, "look up schema under subject " + subject);
    }

    @Override
    public Schema schemaById(int id) {
        String operation = "fetch schema id " + id;
        return parsed(call(operation, "GET", "/schemas/ids/" + id, null), operation);
    }

    /** The Avro schema in a registry's answer. */
    private static Schema parsed(JsonNode response, String operation) {
        String type = response.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new InvalidSchemaException(operation + ": the schema is a " + type + " schema, not Avro");
        }
        JsonNode text = response.get("schema");
        if (text == null || !text.isTextual()) {
            throw new InvalidSchemaException(operation + ": response has no schema: " + response);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new InvalidSchemaException(operation + ": the registry returned a schema that does not parse: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Registered latest(String subject) {
        String operation = "fetch the latest version of subject " + subject;
        JsonNode response = call(operation, "GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        return new Registered(idIn(response, operation), parsed(response, operation));
    }

    @Override
    public void setCompatibility(String subject, Compatibility level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        call("set compatibility of subject " + subject + " to " + level,
                "PUT", "/config/" + encode(subject), body);
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistry[" + baseUrl + "]";
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static int idIn(JsonNode response, String operation) {
        JsonNode id = response.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException(operation + ": response has no schema id: " + response);
        }
        return id.intValue();
    }

    private JsonNode call(String operation, String method, String path, JsonNode body) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", ACCEPT);
        authorization.ifPresent(value -> request.header("Authorization", value));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }

        HttpResponse<String> response;
        try {
            response = send(request.build());
        } catch (HttpTimeoutException e) {
            throw new SchemaRegistryUnavailableException(operation + ": no answer from " + uri
                    + " within " + describe(e), e);
        } catch (IOException e) {
            if (isTlsFailure(e)) {
                throw new SchemaRegistryException(operation + ": TLS with " + uri + " failed: " + describe(e)
                        + " (check the schema.registry.ssl.* settings)", e);
            }
            throw new SchemaRegistryUnavailableException(operation + ": cannot reach " + uri + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException(operation + ": interrupted while calling " + uri, e);
        }

        int status = response.statusCode();
        JsonNode json = parse(response.body());
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw new SchemaRegistryException(operation + ": " + uri + " answered " + status
                        + " with a body that is not JSON: " + abbreviate(response.body()));
            }
            return json;
        }
        String said = json != null && json.has("message")
                ? json.path("message").asText() + " (error code " + json.path("error_code").asText("none") + ")"
                : abbreviate(response.body());
        String message = operation + ": " + method + " " + uri + " answered HTTP " + status + ": " + said;
        if (status == 404) {
            throw new SchemaNotFoundException(message);
        }
        if (status == 409) {
            throw new IncompatibleSchemaException(message);
        }
        if (status == 422) {
            throw new InvalidSchemaException(message);
        }
        if (status == 401 || status == 403) {
            throw new SchemaRegistryException(message + " (check the registry credentials)");
        }
        if (status >= 500 || status == 408 || status == 429) {
            throw new SchemaRegistryUnavailableException(message);
        }
        throw new SchemaRegistryException(message);
    }

    /**
     * Sends, and sends again if the connection dropped: once after a dropped connection, up to
     * {@link #CONNECT_ATTEMPTS} times with a short pause while the connection cannot be opened
     * (the request never left, so any method may be repeated). Never after a timeout or a TLS
     * failure.
     */
    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        int attempt = 1;
        boolean retriedDrop = false;
        while (true) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpTimeoutException | SSLException e) {
                throw e;
            } catch (ConnectException e) {
                if (attempt++ >= CONNECT_ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(CONNECT_RETRY_PAUSE_MS * attempt);
            } catch (IOException e) {
                if (isTlsFailure(e) || retriedDrop) {
                    throw e;
                }
                retriedDrop = true;
            }
        }
    }

    private String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return requestTimeout.toMillis() + " ms (" + e.getMessage() + ")";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootMessage = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root == e ? e.getClass().getSimpleName() + rootMessage
                : e.getClass().getSimpleName() + " caused by " + root.getClass().getSimpleName() + rootMessage;
    }

    private static boolean isTlsFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String abbreviate(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
