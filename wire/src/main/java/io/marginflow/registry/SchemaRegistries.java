package io.marginflow.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds the {@link SchemaRegistry} that a configuration names. The keys are Confluent's, so an
 * existing client configuration works unchanged:
 *
 * <table>
 * <caption>Schema registry settings</caption>
 * <tr><th>key</th><th>meaning</th></tr>
 * <tr><td>{@value #URL}</td><td>{@code http(s)://host:port[/path]} of a Confluent-compatible registry, or
 *     {@code mock://scope} for an in-memory registry shared by everything in the JVM that names the same scope</td></tr>
 * <tr><td>{@value #BASIC_AUTH_USER_INFO}</td><td>{@code user:password} for HTTP basic authentication</td></tr>
 * <tr><td>{@value #BASIC_AUTH_CREDENTIALS_SOURCE}</td><td>only {@code USER_INFO} is supported</td></tr>
 * <tr><td>{@value #TRUSTSTORE_LOCATION}, {@value #TRUSTSTORE_PASSWORD}, {@value #TRUSTSTORE_TYPE}</td>
 *     <td>certificates to trust for {@code https} (default: the JVM's)</td></tr>
 * <tr><td>{@value #KEYSTORE_LOCATION}, {@value #KEYSTORE_PASSWORD}, {@value #KEYSTORE_TYPE}, {@value #KEY_PASSWORD}</td>
 *     <td>client certificate for mutual TLS</td></tr>
 * <tr><td>{@value SchemaWrites#AUTO_REGISTER}, {@value SchemaWrites#USE_LATEST_VERSION}</td><td>how serializers
 *     find the schema they write with, as in Confluent's serdes (defaults true and false): {@link SchemaWrites}</td></tr>
 * <tr><td>{@value #CONNECT_TIMEOUT_MS}, {@value #REQUEST_TIMEOUT_MS}</td><td>timeouts in milliseconds
 *     (defaults 5000 and 10000)</td></tr>
 * </table>
 *
 * <p>A server registry is wrapped in a {@link CachingSchemaRegistry}.
 */
public final class SchemaRegistries {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    private SchemaRegistries() {}

    public static SchemaRegistry fromConfig(Map<String, ?> config) {
        boolean autoRegister = flag(config, SchemaWrites.AUTO_REGISTER, true);
        boolean useLatestVersion = flag(config, SchemaWrites.USE_LATEST_VERSION, false);
        SchemaRegistry registry = client(config);
        return autoRegister ? registry : new SchemaWrites(registry, false, useLatestVersion);
    }

    private static SchemaRegistry client(Map<String, ?> config) {
        String url = optional(config, URL)
                .orElseThrow(() -> new ConfigException(URL, null,
                        "a schema registry URL is required: http(s)://host:port or mock://scope"));
        URI uri = parseUrl(url);
        if (InMemorySchemaRegistry.URL_SCHEME.equals(uri.getScheme())) {
            String scope = uri.getHost() != null ? uri.getHost() : uri.getSchemeSpecificPart().replaceFirst("^//", "");
            if (scope.isBlank()) {
                throw new ConfigException(URL, url, "a mock registry URL names its scope: mock://scope");
            }
            return InMemorySchemaRegistry.scope(scope);
        }
        optional(config, BASIC_AUTH_CREDENTIALS_SOURCE).ifPresent(source -> {
            if (!"USER_INFO".equals(source.toUpperCase(Locale.ROOT))) {
                throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source,
                        "only USER_INFO is supported: put user:password in " + BASIC_AUTH_USER_INFO);
            }
        });
        HttpSchemaRegistry.Settings settings;
        try {
            settings = new HttpSchemaRegistry.Settings(
                    uri,
                    optional(config, BASIC_AUTH_USER_INFO),
                    millis(config, CONNECT_TIMEOUT_MS, HttpSchemaRegistry.Settings.DEFAULT_CONNECT_TIMEOUT),
                    millis(config, REQUEST_TIMEOUT_MS, HttpSchemaRegistry.Settings.DEFAULT_REQUEST_TIMEOUT),
                    sslContext(config));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL, url, e.getMessage());
        }
        return new CachingSchemaRegistry(new HttpSchemaRegistry(settings));
    }

    private static URI parseUrl(String url) {
        if (url.contains(",")) {
            throw new ConfigException(URL, url, "name one registry URL (a load balancer in front of several servers)");
        }
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null) {
                throw new ConfigException(URL, url, "the URL has no scheme: http(s)://host:port or mock://scope");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL, url, "not a URL: " + e.getMessage());
        }
    }

    private static Optional<SSLContext> sslContext(Map<String, ?> config) {
        Optional<String> truststore = optional(config, TRUSTSTORE_LOCATION);
        Optional<String> keystore = optional(config, KEYSTORE_LOCATION);
        if (truststore.isEmpty() && keystore.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory trust = null;
            if (truststore.isPresent()) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(TRUSTSTORE_LOCATION, truststore.get(), optional(config, TRUSTSTORE_TYPE),
                        optional(config, TRUSTSTORE_PASSWORD)));
            }
            KeyManagerFactory keys = null;
            if (keystore.isPresent()) {
                Optional<String> storePassword = optional(config, KEYSTORE_PASSWORD);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(KEYSTORE_LOCATION, keystore.get(), optional(config, KEYSTORE_TYPE), storePassword),
                        optional(config, KEY_PASSWORD).or(() -> storePassword).map(String::toCharArray).orElse(null));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(String key, String location, Optional<String> type, Optional<String> password) {
        Path path = Path.of(location);
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(type.orElse(KeyStore.getDefaultType()));
            store.load(in, password.map(String::toCharArray).orElse(null));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, location, "cannot read the key store: " + e.getMessage());
        }
    }

    private static Duration millis(Map<String, ?> config, String key, Duration fallback) {
        Optional<String> value = optional(config, key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long millis = Long.parseLong(value.get());
            if (millis <= 0) {
                throw new ConfigException(key, value.get(), "must be a positive number of milliseconds");
            }
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value.get(), "must be a whole number of milliseconds");
        }
    }

    private static boolean flag(Map<String, ?> config, String key, boolean fallback) {
        Optional<String> value = optional(config, key).map(text -> text.toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return fallback;
        }
        if (!value.get().equals("true") && !value.get().equals("false")) {
            throw new ConfigException(key, value.get(), "must be true or false");
        }
        return Boolean.parseBoolean(value.get());
    }

    private static Optional<String> optional(Map<String, ?> config, String key) {
        Object value = config.get(key);
        if (value == null) {
            return Optional.empty();
        }
        String text = value.toString().trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
}
