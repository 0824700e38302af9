package io.marginflow.app;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.serde.SpecificAvroSerde;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Seeds an underlying's return history: publishes historical index prices to
 * {@code market.prices} as {@code INDEX} prices at their own event times (and record
 * timestamps). They are journalled like any price, so the engine samples them into its return
 * history and every replay starts from the same history. Run before trading starts, oldest
 * first.
 *
 * <p>Input: one {@code time,price} per line, the time as an ISO-8601 instant
 * ({@code 2020-03-10T00:00:00Z}) or epoch milliseconds; a first line that is not a price (a
 * header) is skipped. Every line is checked before anything is published: one bad line refuses
 * the whole file, with its line number and reason.
 */
public final class HistorySeeder {

    /** A parsed price and its line number in the file. */
    public record Line(int number, Instant time, double price) {}

    private HistorySeeder() {}

    /**
     * @throws IllegalArgumentException naming every bad line, if any line is not a time and a
     *         positive price, or the times do not increase
     */
    public static List<Line> parse(List<String> lines) {
        List<Line> prices = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Instant previous = null;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || (i == 0 && !Character.isDigit(text.charAt(0)))) {
                continue;
            }
            String[] cells = text.split(",");
            try {
                if (cells.length != 2) {
                    throw new IllegalArgumentException("expected time,price");
                }
                Instant time = cells[0].strip().chars().allMatch(Character::isDigit)
                        ? Instant.ofEpochMilli(Long.parseLong(cells[0].strip())) : Instant.parse(cells[0].strip());
                double price = Double.parseDouble(cells[1].strip());
                if (!(price > 0.0) || !Double.isFinite(price)) {
                    throw new IllegalArgumentException("the price must be finite and positive: " + cells[1].strip());
                }
                if (previous != null && !time.isAfter(previous)) {
                    throw new IllegalArgumentException("times must increase: " + time + " is not after " + previous);
                }
                previous = time;
                prices.add(new Line(i + 1, time, price));
            } catch (DateTimeParseException | NumberFormatException e) {
                problems.add("line " + (i + 1) + ": not a time and a price: " + text);
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("nothing published; " + String.join("; ", problems));
        }
        return prices;
    }

    /** Publishes {@code prices} of {@code index} and waits until the broker has them all; returns how many. */
    public static int publish(MarginflowConfig config, SchemaRegistry registry, String index, List<Line> prices) {
        String topic = config.topics().prices();
        Serializer<PriceUpdate> values = SpecificAvroSerde.forValues(PriceUpdate.class, registry).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(config.streamsProperties()),
                new StringSerializer(), (t, bytes) -> bytes)) {
            for (Line line : prices) {
                PriceUpdate price = PriceUpdate.newBuilder().setInstrument(index).setPrice(line.price())
                        .setKind(PriceKind.INDEX).setEventTime(line.time()).build();
                producer.send(new ProducerRecord<>(topic, null, line.time().toEpochMilli(), index,
                        values.serialize(topic, price)));
            }
            producer.flush();
        }
        return prices.size();
    }

    /** The client settings a producer understands, from the application's (Kafka Streams) configuration. */
    private static Map<String, Object> producerProperties(Properties all) {
        Map<String, Object> producer = new java.util.HashMap<>();
        for (String key : all.stringPropertyNames()) {
            if (ProducerConfig.configNames().contains(key) || key.startsWith("ssl.") || key.startsWith("sasl.")
                    || key.equals("security.protocol")) {
                producer.put(key, all.get(key));
            }
        }
        producer.putIfAbsent(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, all.get("bootstrap.servers"));
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return producer;
    }
}
