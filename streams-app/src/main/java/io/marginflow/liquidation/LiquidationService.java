package io.marginflow.liquidation;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Fill;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.ReductionStep;
import io.marginflow.schema.Side;
import io.marginflow.serde.SpecificAvroSerde;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example liquidation service: what a consumer of {@code risk.liquidations} must do to act
 * without a human and never act twice. It reads the signals read_committed, and for each
 * TRIGGERED or UPDATED signal executes the plan by publishing one closing fill per step to
 * {@code clearing.fills}, at the step's mark, with {@code orderId} the signal's
 * {@code planOrderId} and fill id {@code <signalId>/r<revision>/s<step>}; the fills and the
 * consumed offsets are committed in one transaction. So:
 * <ul>
 *   <li>a crash before the commit aborts the fills with the offsets, and the restarted service
 *       executes the plan again, once;
 *   <li>a plan executed twice all the same (the service's state lost) repeats its fill ids, which
 *       the engine dead-letters as duplicates;
 *   <li>a plan superseded before its fills reach the engine is refused there
 *       ({@code STALE_LIQUIDATION_PLAN}): the service then executes the newer revision it reads next.
 * </ul>
 * Within one poll only the latest revision of each liquidation is executed, and none of a
 * liquidation the same poll saw CLEARED. A real service would trade the steps on the market (or
 * hand them to backstop liquidity) and report the executions as fills; this one books them at the
 * marks, stamped a millisecond after the signal's event time.
 */
public final class LiquidationService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiquidationService.class);

    private final MarginflowConfig config;
    private final KafkaConsumer<String, LiquidationSignal> consumer;
    private final KafkaProducer<String, Fill> producer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private long plansExecuted;
    private long stepsExecuted;

    /**
     * @param groupId the consumer group (its committed offsets are the service's memory)
     * @param transactionalId the producer's transactional id: a restarted instance with the same id
     *        fences its predecessor and aborts what it left open
     */
    public LiquidationService(MarginflowConfig config, SchemaRegistry registry, String groupId, String transactionalId) {
        this.config = config;
        Map<String, Object> consumerConfig = new HashMap<>(config.consumerProperties());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Deserializer<LiquidationSignal> signals = SpecificAvroSerde.forValues(LiquidationSignal.class, registry).deserializer();
        consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), signals);
        Map<String, Object> producerConfig = new HashMap<>(config.producerProperties());
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        Serializer<Fill> fills = SpecificAvroSerde.forValues(Fill.class, registry).serializer();
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), fills);
        producer.initTransactions();
        consumer.subscribe(List.of(config.topics().liquidations()));
    }

    /** Polls and executes until {@link #stop} is called. */
    public void run() {
        try {
            while (running.get()) {
                pollOnce(Duration.ofMillis(200));
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        }
    }

    /** One poll: the plans it brought executed, with the offsets, in one transaction. */
    public void pollOnce(Duration timeout) {
        ConsumerRecords<String, LiquidationSignal> records = consumer.poll(timeout);
        if (records.isEmpty()) {
            return;
        }
        Map<String, LiquidationSignal> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, LiquidationSignal> record : records) {
            LiquidationSignal signal = record.value();
            latest.remove(signal.getSignalId());
            latest.put(signal.getSignalId(), signal);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, LiquidationSignal>> read = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(read.get(read.size() - 1).offset() + 1));
        }
        producer.beginTransaction();
        List<String> executed = new ArrayList<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (LiquidationSignal signal : latest.values()) {
            if (signal.getTransition() == LiquidationTransition.TRIGGERED
                    || signal.getTransition() == LiquidationTransition.UPDATED) {
                sent.addAll(execute(signal));
                executed.add(signal.getPlanOrderId());
            }
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> fill : sent) {
                fill.get();
            }
        } catch (ExecutionException | InterruptedException e) {
            producer.abortTransaction();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("a closing fill was refused; the plans " + executed
                    + " are executed again after a restart", e);
        }
        int steps = sent.size();
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.commitTransaction();
        plansExecuted += executed.size();
        stepsExecuted += steps;
        if (!executed.isEmpty()) {
            LOG.debug("executed {} plan(s), {} step(s): {}", executed.size(), steps, executed);
        }
    }

    private List<Future<RecordMetadata>> execute(LiquidationSignal signal) {
        List<ReductionStep> plan = signal.getPlan();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int step = 0; step < plan.size(); step++) {
            ReductionStep s = plan.get(step);
            BigDecimal quantity = s.getSide() == Side.BUY ? s.getQuantity() : s.getQuantity().negate();
            Fill fill = Fill.newBuilder()
                    .setFillId(signal.getPlanOrderId() + "/s" + (step + 1))
                    .setAccount(signal.getAccount())
                    .setInstrument(s.getInstrument())
                    .setQuantity(quantity)
                    .setPrice(s.getMarkPrice())
                    .setFee(BigDecimal.ZERO.setScale(18))
                    .setFeeAsset("USD")
                    .setEventTime(executedAt(signal))
                    .setSequence(signal.getSequence())
                    .setOrderId(signal.getPlanOrderId())
                    .build();
            sent.add(producer.send(new ProducerRecord<>(config.topics().fills(), null,
                    executedAt(signal).toEpochMilli(), signal.getAccount(), fill)));
        }
        return sent;
    }

    /**
     * When this example says it executed a plan: a millisecond after the signal's event time, at
     * the signal's marks (a real service stamps the time it traded).
     */
    private static Instant executedAt(LiquidationSignal signal) {
        return signal.getCause().getEventTime().plusMillis(1);
    }

    public long plansExecuted() {
        return plansExecuted;
    }

    public long stepsExecuted() {
        return stepsExecuted;
    }

    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
        producer.close();
    }
}
