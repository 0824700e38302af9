package io.marginflow.config;

import io.marginflow.registry.SchemaWrites;
import io.marginflow.risk.BuildUpRule;
import io.marginflow.risk.Market;
import io.marginflow.risk.VolatilityScan;
import io.marginflow.risk.lifecycle.LifecycleRules;
import io.marginflow.risk.stress.ConcentrationRule;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * Marginflow's configuration, in one place: the defaults in {@code marginflow-defaults.properties},
 * then an optional file, then {@code MARGINFLOW_*} environment variables, then explicit overrides
 * (tests, the demo). Typed views: {@link #topics()}, {@link #engine()}, {@link #inputBounds()},
 * {@link #deadLetterLimits()}, {@link #monitoring()}, {@link #streamsProperties()}, {@link #registryConfig()}.
 */
public final class MarginflowConfig {

    public static final String ENV_PREFIX = "MARGINFLOW_";

    private final SortedMap<String, String> values;

    private MarginflowConfig(SortedMap<String, String> values) {
        this.values = Collections.unmodifiableSortedMap(values);
    }

    public static MarginflowConfig load(Optional<Path> file, Map<String, String> environment,
                                        Map<String, String> overrides) {
        SortedMap<String, String> values = new TreeMap<>(defaults());
        Map<String, String> sources = new TreeMap<>();
        file.ifPresent(path -> read(path).forEach((key, value) -> {
            values.put(key, value);
            sources.put(key, "in " + path);
        }));
        Set<String> known = new TreeSet<>(values.keySet());
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                String key = keyForEnvironmentVariable(name, known);
                values.put(key, value);
                sources.put(key, "from environment variable " + name);
            }
        });
        values.putAll(overrides);
        overrides.keySet().forEach(key -> sources.put(key, "set by the caller"));
        ConfigKeys.refuseUnknown(sources);
        MarginflowConfig config = new MarginflowConfig(values);
        config.topics(); // fail fast on a bad value
        config.engine();
        config.inputBounds();
        config.deadLetterLimits();
        config.monitoring();
        config.apiListen();
        return config;
    }

    /** The defaults with {@code overrides}, ignoring the environment: for tests and the demo. */
    public static MarginflowConfig of(Map<String, String> overrides) {
        return load(Optional.empty(), Map.of(), overrides);
    }

    /** The value of {@code key}, if it is set and not blank. */
    public Optional<String> optional(String key) {
        String value = values.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, value, "a value is required");
        }
        return value.trim();
    }

    public Topics topics() {
        return new Topics(get("topic.fills"), get("topic.collateral"), get("topic.prices"),
                get("topic.vol-surfaces"), get("topic.instruments"), get("topic.parameters"),
                get("topic.snapshots"), get("topic.clock"),
                get("topic.journal"), get("topic.margin"), get("topic.margin-latest"), get("topic.margin-calls"),
                get("topic.liquidations"), get("topic.dead-letters"), get("topic.checkpoints"),
                get("topic.alerts"), get("topic.stress-scenarios"), get("topic.stress-partials"), get("topic.stress"),
                positiveInt("topics.partitions"), (short) positiveInt("topics.replication-factor"),
                retention("topics.market-retention.ms"));
    }

    public EngineSettings engine() {
        return new EngineSettings(
                nonNegativeDouble("engine.result-tolerance.usd"),
                nonNegativeDouble("engine.result-tolerance.relative"),
                new TreeSet<>(Arrays.stream(get("engine.cash-assets").split(",")).map(String::trim).toList()),
                nonNegativeDouble("engine.default.price-scan-range"),
                positiveInt("engine.default.price-scan-steps"),
                new VolatilityScan(nonNegativeDouble("engine.default.vol-shock-up"),
                        nonNegativeDouble("engine.default.vol-shock-down"),
                        nonNegativeDouble("engine.default.vol-shock-expiry-exponent"),
                        bool("engine.default.vol-unchanged-scenarios")),
                nonNegativeDouble("engine.default.short-option-minimum"),
                nonNegativeDouble("engine.default.maintenance-to-initial"),
                wrapped("engine.default.", () -> new LifecycleRules(nonNegativeLong("engine.default.call-grace-period.ms"),
                        nonNegativeDouble("engine.default.call-release-buffer"),
                        nonNegativeDouble("engine.default.liquidation-release-buffer"),
                        nonNegativeDouble("engine.default.call-increase-threshold"),
                        nonNegativeDouble("engine.default.backstop-fraction"))),
                nonNegativeLong("engine.unknown-instrument-wait.ms"),
                nonNegativeLong("engine.decision-grace.ms"),
                nonNegativeLong("engine.checkpoint.interval.ms"),
                optional("engine.checkpoint.signing-key").orElse(""),
                nonNegativeLong("engine.stress.interval.ms"),
                positiveInt("engine.account-cache.size"),
                new Market.HistorySettings(positiveLong("engine.history.interval.ms"), positiveInt("engine.history.length"),
                        positiveInt("engine.history.min-returns")),
                positiveLong("engine.max-output-bytes"),
                habit("engine.build-up."),
                habit("engine.margin-usage."),
                wrapped("engine.concentration.", () -> new ConcentrationRule(nonNegativeDouble("engine.concentration.share"),
                        positiveInt("engine.concentration.min-holders"))));
    }

    /** A check of each fill against the account's habit: {@code <prefix>sigmas}, {@code rate}, {@code warm-up-fills}. */
    private BuildUpRule habit(String prefix) {
        return wrapped(prefix, () -> new BuildUpRule(nonNegativeDouble(prefix + "sigmas"), positiveDouble(prefix + "rate"),
                positiveInt(prefix + "warm-up-fills")));
    }

    /** The sequencer's bounds on input records ({@code sequencer.*}). */
    public InputBounds inputBounds() {
        return wrapped("sequencer.", () -> new InputBounds(
                positiveInt("sequencer.max-id-length"),
                positiveDouble("sequencer.min-price"),
                positiveDouble("sequencer.max-price"),
                new BigDecimal(positiveDoubleText("sequencer.max-quantity")),
                new BigDecimal(positiveDoubleText("sequencer.max-amount")),
                positiveDouble("sequencer.max-fill-notional"),
                new BigDecimal(positiveDoubleText("sequencer.max-contract-multiplier")),
                positiveDouble("sequencer.max-implied-vol"),
                positiveInt("sequencer.max-smiles"),
                positiveInt("sequencer.max-smile-points"),
                positiveInt("sequencer.max-list-length"),
                positiveInt("sequencer.max-snapshot-marks"),
                instant("sequencer.earliest-time"),
                instant("sequencer.latest-time"),
                positiveLong("sequencer.max-future.ms")));
    }

    /** How dead letters are cut to fit ({@code dead-letters.*}). */
    public DeadLetterLimits deadLetterLimits() {
        return wrapped("dead-letters.", () -> new DeadLetterLimits(positiveInt("dead-letters.max-original-bytes"),
                positiveInt("dead-letters.max-reason-chars")));
    }

    /** How a stuck input is made visible ({@code monitoring.*}). */
    public Monitoring monitoring() {
        return new Monitoring(positiveInt("monitoring.stuck-after-failures"),
                Duration.ofMillis(positiveLong("monitoring.stuck-after.ms")),
                Duration.ofMillis(positiveLong("monitoring.check-interval.ms")));
    }

    /**
     * How a stuck input is made visible.
     *
     * @param stuckAfterFailures failures of a stream thread on the same input record from which each is logged as an ERROR
     * @param stuckAfter how long an input partition with records waiting may go without progress before it is logged
     * @param checkInterval how often progress is checked
     */
    public record Monitoring(int stuckAfterFailures, Duration stuckAfter, Duration checkInterval) {}

    /** Where the instance's HTTP server listens ({@code api.listen}); empty: no server. */
    public Optional<java.net.InetSocketAddress> apiListen() {
        String value = values.getOrDefault("api.listen", "").trim();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        int colon = value.lastIndexOf(':');
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return Optional.of(new java.net.InetSocketAddress(value.substring(0, colon), port));
        } catch (NumberFormatException e) {
            throw new ConfigException("api.listen", value, "must be host:port (port 0 to 65535; 0 picks a free one), or empty");
        }
    }

    /** Builds a settings value, turning a rule its constructor refuses into a configuration error. */
    private static <T> T wrapped(String prefix, java.util.function.Supplier<T> settings) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + "* settings are inconsistent: " + e.getMessage());
        }
    }

    /** Everything that is not Marginflow's own: the Kafka Streams (and client) configuration. */
    public Properties streamsProperties() {
        Properties properties = new Properties();
        values.forEach((key, value) -> {
            if (!ConfigKeys.isOwn(key)) {
                properties.put(key, value);
            }
        });
        return properties;
    }

    /** The settings an admin client understands (bootstrap servers, security …), for topic setup and monitoring. */
    public Map<String, Object> adminProperties() {
        Map<String, Object> admin = new TreeMap<>();
        streamsProperties().forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains((String) key)) {
                admin.put((String) key, value);
            }
        });
        return admin;
    }

    /**
     * The settings a producer understands (bootstrap servers, security …), from the application's
     * configuration, with acknowledgement by all replicas and idempotence on.
     */
    public Map<String, Object> producerProperties() {
        Map<String, Object> producer = clientProperties(ProducerConfig.configNames());
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return producer;
    }

    /** The settings a consumer understands (bootstrap servers, security …), from the application's configuration. */
    public Map<String, Object> consumerProperties() {
        return clientProperties(ConsumerConfig.configNames());
    }

    private Map<String, Object> clientProperties(Set<String> names) {
        Map<String, Object> client = new TreeMap<>();
        streamsProperties().forEach((key, value) -> {
            String name = (String) key;
            if (names.contains(name) || name.startsWith("ssl.") || name.startsWith("sasl.")
                    || name.equals("security.protocol")) {
                client.put(name, value);
            }
        });
        client.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, get("bootstrap.servers"));
        return client;
    }

    /** The schema registry client's configuration (the keys of {@code SchemaRegistries}). */
    public Map<String, Object> registryConfig() {
        Map<String, Object> registry = new TreeMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith("schema.registry.") || key.startsWith("basic.auth.")
                    || key.equals(SchemaWrites.AUTO_REGISTER) || key.equals(SchemaWrites.USE_LATEST_VERSION)) {
                registry.put(key, value);
            }
        });
        return registry;
    }

    private static String keyForEnvironmentVariable(String name, Set<String> known) {
        String suffix = name.substring(ENV_PREFIX.length());
        for (String key : known) {
            if (key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').equals(suffix)) {
                return key;
            }
        }
        return suffix.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private int positiveInt(String key) {
        long value = positiveLong(key);
        if (value > Integer.MAX_VALUE) {
            throw new ConfigException(key, value, "too large");
        }
        return (int) value;
    }

    private long positiveLong(String key) {
        try {
            long value = Long.parseLong(get(key));
            if (value <= 0) {
                throw new ConfigException(key, value, "must be positive");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, values.get(key), "must be a whole number");
        }
    }

    private long nonNegativeLong(String key) {
        try {
            long value = Long.parseLong(get(key));
            if (value < 0) {
                throw new ConfigException(key, value, "must not be negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, values.get(key), "must be a whole number");
        }
    }

    /** A retention in milliseconds: positive, or -1 for unlimited. */
    private long retention(String key) {
        if (get(key).equals("-1")) {
            return -1;
        }
        return positiveLong(key);
    }

    private double positiveDouble(String key) {
        double value = nonNegativeDouble(key);
        if (value == 0.0) {
            throw new ConfigException(key, value, "must be positive");
        }
        return value;
    }

    /** A positive number, as exact decimal text (for BigDecimal limits). */
    private String positiveDoubleText(String key) {
        positiveDouble(key);
        return get(key);
    }

    private Instant instant(String key) {
        try {
            return Instant.parse(get(key));
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException(key, values.get(key), "must be an ISO-8601 instant such as 2000-01-01T00:00:00Z");
        }
    }

    private boolean bool(String key) {
        String value = get(key).trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw new ConfigException(key, value, "must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private double nonNegativeDouble(String key) {
        try {
            double value = Double.parseDouble(get(key));
            if (!(value >= 0.0) || Double.isInfinite(value)) {
                throw new ConfigException(key, value, "must be a finite number, not negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, values.get(key), "must be a number");
        }
    }

    private static Map<String, String> defaults() {
        try (InputStream in = MarginflowConfig.class.getResourceAsStream("marginflow-defaults.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return asMap(properties);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read marginflow-defaults.properties", e);
        }
    }

    private static Map<String, String> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties properties = new Properties();
            properties.load(reader);
            return asMap(properties);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("cannot read configuration file " + file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
    }

    private static Map<String, String> asMap(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }
}
