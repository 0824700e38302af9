package io.marginflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Fill;
import io.marginflow.serde.RecordCoordinates;
import io.marginflow.serde.RecordDecodingException;
import io.marginflow.serde.SpecificAvroDeserializer;
import io.marginflow.serde.SpecificAvroSerde;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Contract records travel through a real broker in the Confluent wire format: a transactional
 * producer writes fills keyed by account across three partitions, a read_committed consumer gets
 * every one back intact, and a foreign record between them fails to decode with its partition
 * and offset while its neighbours decode.
 */
class WireFormatOnRealBrokerIT {

    private static final String TOPIC = "clearing.fills";
    private static EmbeddedKafka kafka;
    private static final SchemaRegistry REGISTRY = InMemorySchemaRegistry.scope("wire-format-on-real-broker");

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopic(TOPIC, 3);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
        InMemorySchemaRegistry.dropScope("wire-format-on-real-broker");
    }

    @Test
    void fillsWrittenTransactionallyAreReadBackIntactAndAForeignRecordIsPinpointed() {
        var serializer = SpecificAvroSerde.forValues(Fill.class, REGISTRY).serializer();
        List<Fill> written = new ArrayList<>();
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "wire-format-test"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 30; i++) {
                Fill fill = fill(i);
                written.add(fill);
                sent.add(producer.send(new ProducerRecord<>(TOPIC, fill.getAccount(), serializer.serialize(TOPIC, fill))));
                if (i == 14) {
                    sent.add(producer.send(new ProducerRecord<>(TOPIC, "ACC-FOREIGN",
                            "{\"fillId\":\"json\"}".getBytes(StandardCharsets.UTF_8))));
                }
            }
            producer.commitTransaction();
            assertThat(sent).allSatisfy(record -> assertThat(record).isDone().isNotCancelled());
        }

        SpecificAvroDeserializer<Fill> deserializer = SpecificAvroSerde.forValues(Fill.class, REGISTRY).deserializer();
        List<Fill> read = new ArrayList<>();
        List<RecordDecodingException> rejected = new ArrayList<>();
        List<ConsumerRecord<String, byte[]>> foreign = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "wire-format-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.size() + rejected.size() < 31 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    RecordCoordinates at = RecordCoordinates.of(record.topic(), record.partition(), record.offset());
                    try {
                        read.add(deserializer.decode(at, record.value()));
                    } catch (RecordDecodingException e) {
                        rejected.add(e);
                        foreign.add(record);
                    }
                }
            }
        }

        assertThat(read).containsExactlyInAnyOrderElementsOf(written);
        assertThat(foreign).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("ACC-FOREIGN");
            assertThat(rejected.get(0).reason()).isEqualTo(RecordDecodingException.Reason.NOT_WIRE_FORMAT);
            assertThat(rejected.get(0).getMessage()).contains(
                    "topic clearing.fills partition " + record.partition() + " offset " + record.offset());
        });
        assertThat(rejected.get(0)).hasMessageContaining("first byte is 0x7b");
    }

    private static Fill fill(int i) {
        return Fill.newBuilder()
                .setFillId("F-" + i)
                .setAccount("ACC-" + (i % 7))
                .setInstrument(i % 2 == 0 ? "BTC-PERPETUAL" : "ETH-PERPETUAL")
                .setQuantity(new BigDecimal(i % 3 == 0 ? "-1.25" : "0.5").setScale(18))
                .setPrice(5_000.0 + i)
                .setFee(new BigDecimal("0.37").setScale(18))
                .setFeeAsset("USD")
                .setEventTime(Instant.parse("2020-03-12T10:00:00Z").plusSeconds(i))
                .setSequence(i)
                .build();
    }
}
