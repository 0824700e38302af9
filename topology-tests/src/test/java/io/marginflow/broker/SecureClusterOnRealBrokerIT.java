package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.app.MarginflowApp;
import io.marginflow.app.TopicSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.MarginResult;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.serde.SpecificAvroSerde;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The pipeline over SASL_SSL (SCRAM-SHA-512, a certificate signed by a CA the test makes) with
 * ACLs, on a broker in a JVM of its own: every Kafka client setting passes through from
 * Marginflow's configuration; the application's principal, granted its topics, group and
 * transactional ids, does its work; a client without credentials is refused, and so is one with
 * credentials but no ACL for risk.*.
 */
class SecureClusterOnRealBrokerIT {

    private static final String APP = "secure-app";
    private static final String APP_PASSWORD = "app-secret-123";
    private static final String STRANGER_PASSWORD = "stranger-secret-123";

    @Test
    void theApplicationWorksOverSaslSslWithItsAclsAndNobodyElseGetsIn() throws Exception {
        Path target = java.nio.file.Files.createDirectories(Path.of("target"));
        try (SecureBroker broker = SecureBroker.start(java.nio.file.Files.createTempDirectory(target, "secure-broker-"),
                Map.of(APP, APP_PASSWORD, "stranger", STRANGER_PASSWORD))) {
            grantTheApplication(broker);
            Map<String, String> settings = new HashMap<>(broker.clientSettings(APP, APP_PASSWORD));
            settings.putAll(Map.of("application.id", APP, "schema.registry.url", "mock://" + APP, "topics.partitions", "2",
                    "state.dir", java.nio.file.Files.createTempDirectory("secure-state-").toString(), "commit.interval.ms", "100"));
            MarginflowConfig config = MarginflowConfig.of(settings);
            SchemaRegistry registry = InMemorySchemaRegistry.scope(APP);
            try (Admin admin = Admin.create(config.adminProperties())) {
                assertThat(TopicSetup.createMissing(admin, config.topics())).as("the application's principal creates its topics")
                        .hasSize(19);
            }
            KafkaStreams streams = MarginflowApp.start(config, registry);
            try {
                publish(config, registry, List.of(perpetual("BTC-PERPETUAL", "BTC"), mark("BTC-PERPETUAL", 60_000.0, 0),
                        deposit("ACC-1-D", "ACC-1", "USD", "20000"), fill("ACC-1-F", "ACC-1", "BTC-PERPETUAL", "1", 60_000.0)));

                MarginResult result = awaitResult(config, registry);
                assertThat(result.getInitialMargin()).isEqualByComparingTo("9600");
                assertThat(result.getEquity()).isEqualByComparingTo(new BigDecimal("20000"));
            } finally {
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
                InMemorySchemaRegistry.dropScope(APP);
            }

            Map<String, Object> noCredentials = new HashMap<>(broker.clientSettings(APP, APP_PASSWORD));
            noCredentials.put("security.protocol", "SSL");
            noCredentials.remove("sasl.mechanism");
            noCredentials.remove("sasl.jaas.config");
            assertThatThrownBy(() -> listTopics(noCredentials)).as("a client without credentials is refused")
                    .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
            assertThatThrownBy(() -> listTopics(new HashMap<>(broker.clientSettings(APP, "wrong-password-123"))))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            assertThatThrownBy(() -> readMargin(broker.clientSettings("stranger", STRANGER_PASSWORD)))
                    .as("credentials without an ACL for risk.* read nothing")
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    /** What the application's principal needs: its topics, its consumer group, its transactional ids, idempotent writes. */
    private static void grantTheApplication(SecureBroker broker) throws ExecutionException, InterruptedException {
        List<AclBinding> acls = new ArrayList<>();
        for (String prefix : List.of("clearing.", "market.", "refdata.", "risk.", APP)) {
            acls.add(allow(new ResourcePattern(ResourceType.TOPIC, prefix, PatternType.PREFIXED), AclOperation.ALL));
        }
        acls.add(allow(new ResourcePattern(ResourceType.GROUP, APP, PatternType.PREFIXED), AclOperation.ALL));
        acls.add(allow(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, APP, PatternType.PREFIXED), AclOperation.ALL));
        for (AclOperation operation : List.of(AclOperation.IDEMPOTENT_WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(allow(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL), operation));
        }
        try (Admin admin = broker.superUser()) {
            admin.createAcls(acls).all().get();
        }
    }

    private static AclBinding allow(ResourcePattern resource, AclOperation operation) {
        return new AclBinding(resource, new AccessControlEntry("User:" + APP, "*", operation, AclPermissionType.ALLOW));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void publish(MarginflowConfig config, SchemaRegistry registry, List<SpecificRecord> records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.producerProperties(), new StringSerializer(),
                (topic, bytes) -> bytes)) {
            for (SpecificRecord record : records) {
                String topic = topicOf(config, record);
                producer.send(new ProducerRecord<>(topic, null, InputRecords.eventTime(record).toEpochMilli(),
                        InputRecords.key(record), SpecificAvroSerde.forValues((Class) record.getClass(), registry).serializer()
                                .serialize(topic, record))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String topicOf(MarginflowConfig config, SpecificRecord record) {
        return switch (record.getSchema().getName()) {
            case "Instrument" -> config.topics().instruments();
            case "PriceUpdate" -> config.topics().prices();
            case "CollateralMovement" -> config.topics().collateral();
            default -> config.topics().fills();
        };
    }

    /** The account's margin result once it carries the fill, read_committed, as the application's principal. */
    private static MarginResult awaitResult(MarginflowConfig config, SchemaRegistry registry) {
        Map<String, Object> settings = config.consumerProperties();
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, APP + "-reader");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var values = SpecificAvroSerde.forValues(MarginResult.class, registry).deserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.topics().margin()));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    MarginResult result = values.deserialize(record.topic(), record.value());
                    if (result.getInitialMargin().signum() > 0) {
                        return result;
                    }
                }
            }
        }
        throw new AssertionError("no margin result with the fill within 90 s");
    }

    private static void listTopics(Map<String, Object> settings) throws Exception {
        settings.put("default.api.timeout.ms", "8000");
        settings.put("request.timeout.ms", "4000");
        try (Admin admin = Admin.create(settings)) {
            admin.listTopics().names().get(10, TimeUnit.SECONDS);
        }
    }

    private static void readMargin(Map<String, String> credentials) {
        Map<String, Object> settings = new HashMap<>(credentials);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition("risk.margin", 0)));
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
        }
    }
}
