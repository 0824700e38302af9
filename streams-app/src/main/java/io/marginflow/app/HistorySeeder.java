package io.marginflow.app;

import io.marginflow.config.InputBounds;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.sequencer.InputValidator;
import io.marginflow.sequencer.Rejection;
import io.marginflow.serde.SpecificAvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
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
 * header) is skipped. Every line is checked before anything is published, as the sequencer will
 * check the price it becomes ({@link InputValidator}): one bad line refuses the whole file, with
 * its line number and reason. Nothing is published either if the prices topic's retention would
 * delete the oldest price before the sequencer has journalled it.
 */
public final class HistorySeeder {

    /** A parsed price and its line number in the file. */
    public record Line(int number, Instant time, double price) {}

    private HistorySeeder() {}

    /**
     * The prices of {@code index} in {@code lines}, every one checked before any is published.
     *
     * @throws IllegalArgumentException naming every bad line, if any line is not a time and a
     *         price, the price of {@code index} it makes would not pass the sequencer's checks
     *         under {@code bounds}, or the times do not increase
     */
    public static List<Line> parse(List<String> lines, String index, InputBounds bounds) {
        InputValidator validator = new InputValidator(bounds);
        List<Line> prices = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Instant previous = null;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || (i == 0 && !Character.isDigit(text.charAt(0)))) {
                continue;
            }
            String[] cells = text.split(",", -1);
            try {
                if (cells.length != 2) {
                    throw new IllegalArgumentException("expected time,price");
                }
                Instant time = cells[0].strip().chars().allMatch(Character::isDigit)
                        ? Instant.ofEpochMilli(Long.parseLong(cells[0].strip())) : Instant.parse(cells[0].strip());
                double price = Double.parseDouble(cells[1].strip());
                Optional<Rejection> rejection = validator.check(index, indexPrice(index, time, price), time);
                if (rejection.isPresent()) {
                    throw new IllegalArgumentException(rejection.get().reason());
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

    /**
     * Publishes {@code prices} of {@code index} and waits until the broker has them all; returns how many.
     *
     * @throws IllegalStateException (publishing nothing) if the prices topic would delete the
     *         oldest price by its timestamp before the sequencer journals it; or if the broker
     *         refused a price, naming it and how many were published
     */
    public static int publish(MarginflowConfig config, SchemaRegistry registry, String index, List<Line> prices)
            throws ExecutionException, InterruptedException {
        String topic = config.topics().prices();
        if (!prices.isEmpty()) {
            refuseIfRetentionWouldDelete(config, topic, prices.get(0).time());
        }
        Serializer<PriceUpdate> values = SpecificAvroSerde.forValues(PriceUpdate.class, registry).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.producerProperties(),
                new StringSerializer(), (t, bytes) -> bytes)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Line line : prices) {
                sent.add(producer.send(new ProducerRecord<>(topic, null, line.time().toEpochMilli(), index,
                        values.serialize(topic, indexPrice(index, line.time(), line.price())))));
            }
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                try {
                    sent.get(i).get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the broker refused the price of line " + prices.get(i).number()
                            + " (" + e.getCause().getMessage() + "); " + i + " of " + prices.size()
                            + " were published before it", e.getCause());
                }
            }
        }
        return prices.size();
    }

    private static PriceUpdate indexPrice(String index, Instant time, double price) {
        return PriceUpdate.newBuilder().setInstrument(index).setPrice(price).setKind(PriceKind.INDEX).setEventTime(time).build();
    }

    /** Records stamped {@code oldest} must outlive the topic's time-based retention (checked on the wall clock, now). */
    private static void refuseIfRetentionWouldDelete(MarginflowConfig config, String topic, Instant oldest)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(config.adminProperties())) {
            Config topicConfig = TopicSetup.config(admin, topic);
            long retention = Long.parseLong(topicConfig.get(TopicConfig.RETENTION_MS_CONFIG).value());
            boolean deletes = topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value().contains(TopicConfig.CLEANUP_POLICY_DELETE);
            if (deletes && retention >= 0 && oldest.isBefore(Instant.now().minusMillis(retention))) {
                throw new IllegalStateException("nothing published: " + topic + " deletes records with a timestamp older than "
                        + Duration.ofMillis(retention) + " (retention.ms=" + retention + "), so the prices from " + oldest
                        + " would be deleted before they are journalled; set retention.ms=-1 on " + topic
                        + " (create-topics creates it so)");
            }
        }
    }
}
