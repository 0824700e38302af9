package io.marginflow.bench;

import io.marginflow.config.Topics;
import io.marginflow.pipeline.Inputs;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.serde.SpecificAvroSerde;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The pipeline benchmark's input: each account deposits once and trades {@link #FILLS_PER_ACCOUNT}
 * times across BTC and ETH perpetuals; {@code ticks} marks alternate between the two, each
 * repricing every account holding that underlying, in a random walk of ±{@code step} (relative)
 * per tick. Interleaved (a round of deposits, then rounds of one fill per account, as many
 * accounts trade at once) or blocked (each account's five events back to back, which lets a
 * record cache fold them). Deterministic: the same arguments publish the same records.
 *
 * <p>Record timestamps are consecutive milliseconds ending an hour before now, so that no topic's
 * time-based retention deletes them under an application that starts late; the payloads keep
 * their event times (2020), which the sequencer accepts as published later than they happened.
 */
record BenchLoad(int accounts, int ticks, double step, boolean interleaved) {

    static final int FILLS_PER_ACCOUNT = 4;

    long events() {
        return 2 + (long) accounts * (1 + FILLS_PER_ACCOUNT) + ticks;
    }

    String describe() {
        return String.format("%,d input events: %,d accounts × (1 deposit + %d fills), %s, %,d marks"
                        + " (random walk, steps of ±%.2f%%), 2 instruments", events(), accounts, FILLS_PER_ACCOUNT,
                interleaved ? "interleaved across accounts" : "each account's events back to back", ticks, step * 100);
    }

    /** Publishes the load to {@code topics}' inputs; returns the number of input events. */
    @SuppressWarnings("FutureReturnValueIgnored") // the callback keeps the first failure, reported once all are sent
    long publish(String bootstrap, Topics topics, SchemaRegistry registry) {
        var instruments = SpecificAvroSerde.forValues(Instrument.class, registry).serializer();
        var movements = SpecificAvroSerde.forValues(CollateralMovement.class, registry).serializer();
        var fills = SpecificAvroSerde.forValues(Fill.class, registry).serializer();
        var prices = SpecificAvroSerde.forValues(PriceUpdate.class, registry).serializer();
        long first = System.currentTimeMillis() - 3_600_000L - events();
        long count = 0;
        Random random = new Random(7);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback failure = (metadata, exception) -> {
            if (exception != null) {
                failed.compareAndSet(null, exception);
            }
        };
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BATCH_SIZE_CONFIG, "262144"), new StringSerializer(), new ByteArraySerializer())) {
            for (String underlying : List.of("BTC", "ETH")) {
                Instrument perpetual = Inputs.perpetual(underlying + "-PERPETUAL", underlying);
                producer.send(record(topics.instruments(), perpetual.getInstrumentId(), first + count,
                        instruments.serialize(topics.instruments(), perpetual)), failure);
                count++;
            }
            int tick = 0;
            double[] level = {5_000.0, 150.0};
            int eventsPerTick = Math.max(1, accounts * (1 + FILLS_PER_ACCOUNT) / Math.max(1, ticks));
            long event = 0;
            Random[] perAccount = new Random[accounts];
            for (int a = 0; a < accounts; a++) {
                perAccount[a] = new Random(7L * 1_000_003 + a);
            }
            int rounds = 1 + FILLS_PER_ACCOUNT;
            for (long n = 0; n < (long) accounts * rounds; n++) {
                int a = (int) (interleaved ? n % accounts : n / rounds);
                int round = (int) (interleaved ? n / accounts : n % rounds);
                String account = String.format("ACC-%06d", a);
                if (round == 0) {
                    CollateralMovement deposit = Inputs.deposit(account + "-M", account, "USD", "100000");
                    producer.send(record(topics.collateral(), account, first + count,
                            movements.serialize(topics.collateral(), deposit)), failure);
                    count++;
                    event++;
                    continue;
                }
                Random choices = perAccount[a];
                String instrument = choices.nextBoolean() ? "BTC-PERPETUAL" : "ETH-PERPETUAL";
                double price = instrument.startsWith("BTC") ? 5_000.0 : 150.0;
                Fill fill = Inputs.fill(account + "-F" + round, account, instrument,
                        (choices.nextBoolean() ? "" : "-") + (1 + choices.nextInt(5)), price);
                producer.send(record(topics.fills(), account, first + count, fills.serialize(topics.fills(), fill)),
                        failure);
                count++;
                event++;
                if (event % eventsPerTick == 0 && tick < ticks) {
                    String underlying = tick % 2 == 0 ? "BTC" : "ETH";
                    level[tick % 2] *= 1 + (random.nextBoolean() ? step : -step);
                    PriceUpdate mark = Inputs.mark(underlying + "-PERPETUAL", level[tick % 2], 0);
                    producer.send(record(topics.prices(), mark.getInstrument(), first + count,
                            prices.serialize(topics.prices(), mark)), failure);
                    count++;
                    tick++;
                }
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException("the broker refused a benchmark record", failed.get());
        }
        return count;
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, long timestamp, byte[] value) {
        return new ProducerRecord<>(topic, null, timestamp, key, value);
    }
}
