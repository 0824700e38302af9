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
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
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
public record BenchLoad(int accounts, int ticks, double step, boolean interleaved) {

    static final int FILLS_PER_ACCOUNT = 4;

    long events() {
        return 2 + (long) accounts * (1 + FILLS_PER_ACCOUNT) + ticks;
    }

    public String describe() {
        return String.format("%,d input events: %,d accounts × (1 deposit + %d fills), %s, %,d marks"
                        + " (random walk, steps of ±%.2f%%), 2 instruments", events(), accounts, FILLS_PER_ACCOUNT,
                interleaved ? "interleaved across accounts" : "each account's events back to back", ticks, step * 100);
    }

    /** Where the generated records go, in order: the input topic, the record key, the record. */
    public interface Sink {
        void accept(String topic, String key, SpecificRecord record);
    }

    /** Publishes the load to {@code topics}' inputs; returns the number of input events. */
    @SuppressWarnings("FutureReturnValueIgnored") // the callback keeps the first failure, reported once all are sent
    long publish(String bootstrap, Topics topics, SchemaRegistry registry) {
        Map<Class<?>, Serializer<SpecificRecord>> serializers = Map.of(
                Instrument.class, SpecificAvroSerde.forSink(Instrument.class, registry),
                CollateralMovement.class, SpecificAvroSerde.forSink(CollateralMovement.class, registry),
                Fill.class, SpecificAvroSerde.forSink(Fill.class, registry),
                PriceUpdate.class, SpecificAvroSerde.forSink(PriceUpdate.class, registry));
        long first = System.currentTimeMillis() - 3_600_000L - events();
        long[] count = {0};
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
            generate(topics, (topic, key, record) -> producer.send(new ProducerRecord<>(topic, null, first + count[0]++,
                    key, serializers.get(record.getClass()).serialize(topic, record)), failure));
        }
        if (failed.get() != null) {
            throw new IllegalStateException("the broker refused a benchmark record", failed.get());
        }
        return count[0];
    }

    /** Generates the load into {@code sink}, as records of {@code topics}' inputs. */
    public void generate(Topics topics, Sink sink) {
        Random random = new Random(7);
        for (String underlying : List.of("BTC", "ETH")) {
            Instrument perpetual = Inputs.perpetual(underlying + "-PERPETUAL", underlying);
            sink.accept(topics.instruments(), perpetual.getInstrumentId(), perpetual);
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
            event++;
            if (round == 0) {
                sink.accept(topics.collateral(), account, Inputs.deposit(account + "-M", account, "USD", "100000"));
            } else {
                Random choices = perAccount[a];
                String instrument = choices.nextBoolean() ? "BTC-PERPETUAL" : "ETH-PERPETUAL";
                double price = instrument.startsWith("BTC") ? 5_000.0 : 150.0;
                sink.accept(topics.fills(), account, Inputs.fill(account + "-F" + round, account, instrument,
                        (choices.nextBoolean() ? "" : "-") + (1 + choices.nextInt(5)), price));
            }
            if (event % eventsPerTick == 0 && tick < ticks) {
                String underlying = tick % 2 == 0 ? "BTC" : "ETH";
                level[tick % 2] *= 1 + (random.nextBoolean() ? step : -step);
                PriceUpdate mark = Inputs.mark(underlying + "-PERPETUAL", level[tick % 2], 0);
                sink.accept(topics.prices(), mark.getInstrument(), mark);
                tick++;
            }
        }
    }
}
