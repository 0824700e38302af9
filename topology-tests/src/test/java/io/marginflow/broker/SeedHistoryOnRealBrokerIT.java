package io.marginflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.app.HistorySeeder;
import io.marginflow.app.TopicSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** {@code marginflow seed-history}: historical index prices land on market.prices at their own times. */
class SeedHistoryOnRealBrokerIT {

    private static final String SCOPE = "seed-history-on-real-broker";

    @Test
    void historicalIndexPricesArePublishedInOrderAtTheirOwnEventTimes() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            MarginflowConfig config = MarginflowConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "schema.registry.url", "mock://" + SCOPE, "topics.partitions", "3"));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                TopicSetup.createMissing(admin, config.topics());
            }
            SchemaRegistry registry = InMemorySchemaRegistry.scope(SCOPE);
            List<String> csv = new ArrayList<>(List.of("time,price"));
            for (int day = 0; day < 30; day++) {
                csv.add(Instant.parse("2020-02-01T00:00:00Z").plus(Duration.ofDays(day)) + "," + (9_000 + 10 * day));
            }

            int sent = HistorySeeder.publish(config, registry, "BTC", HistorySeeder.parse(csv, "BTC", config.inputBounds()));

            assertThat(sent).isEqualTo(30);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "seed-check", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(config.topics().prices()));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.size() < 30 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
            }
            SpecificAvroDeserializer<PriceUpdate> decoder = new SpecificAvroDeserializer<>(PriceUpdate.class, registry);
            assertThat(records).hasSize(30).allSatisfy(record -> {
                PriceUpdate price = decoder.deserialize(record.topic(), record.value());
                assertThat(record.key()).isEqualTo("BTC");
                assertThat(price.getKind()).isEqualTo(PriceKind.INDEX);
                assertThat(record.timestamp()).as("record time is event time").isEqualTo(price.getEventTime().toEpochMilli());
            });
            // One key, one partition: the prices arrive in the file's order.
            assertThat(records).extracting(ConsumerRecord::timestamp).isSorted();
        } finally {
            InMemorySchemaRegistry.dropScope(SCOPE);
        }
    }
}
