package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.index;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.PriceUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * No input is lost to retention: prices stamped with their historical time (as seed-history and
 * replays publish them) that arrive while Marginflow is down are all journalled once it is back,
 * although the broker's retention check ran in between. Beside them a topic with the seven-day
 * retention Marginflow used to create shows what that check does to the same prices.
 */
class InputRetentionOnRealBrokerIT {

    private static final int PRICES = 120;
    private static final String CONTROL = "control.market.prices";

    @Test
    void pricesPublishedWhileMarginflowIsDownAreAllJournalledAfterTheBrokersRetentionCheck() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of(
                "log.retention.check.interval.ms", "200", "log.initial.task.delay.ms", "0"));
             RealBrokerPipeline pipeline = RealBrokerPipeline.on(kafka, "retention", Map.of());
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            String prices = pipeline.topics.prices();
            // Segments roll every hour of record time, as they would over days of live prices, so that
            // retention has closed segments to delete.
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, prices), List.of(
                    new AlterConfigOp(new ConfigEntry("segment.ms", "3600000"), AlterConfigOp.OpType.SET)))).all().get();
            admin.createTopics(List.of(new NewTopic(CONTROL, 1, (short) 1)
                    .configs(Map.of("retention.ms", "604800000", "segment.ms", "3600000")))).all().get();
            pipeline.startApplication();
            pipeline.stopApplication();

            // Marginflow is down: five days of hourly BTC index prices from March 2020 arrive.
            for (int hour = 0; hour < PRICES; hour++) {
                PriceUpdate price = index("BTC", 5_000.0 + hour, hour * 60);
                pipeline.send(prices, "BTC", price);
                pipeline.send(CONTROL, "BTC", price);
            }
            pipeline.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (logStart(admin, new TopicPartition(CONTROL, 0)) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(logStart(admin, new TopicPartition(CONTROL, 0)))
                    .as("the retention check ran: a seven-day retention deleted most of the same prices")
                    .isGreaterThan(PRICES / 2);
            for (int partition = 0; partition < 3; partition++) {
                assertThat(logStart(admin, new TopicPartition(prices, partition))).as("nothing deleted from " + prices).isZero();
            }
            pipeline.startApplication();

            // each price is journalled on every journal partition
            List<JournalEntry> journal = pipeline.awaitJournal(entries -> entries.stream()
                    .filter(entry -> entry.getPayload() instanceof PriceUpdate).count() >= 3L * PRICES);
            Set<Long> journalled = journal.stream().filter(entry -> entry.getPayload() instanceof PriceUpdate)
                    .map(entry -> entry.getSource().getOffset()).collect(Collectors.toSet());
            assertThat(journalled).hasSize(PRICES);
        }
    }

    private static long logStart(Admin admin, TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).all().get().get(partition).offset();
    }
}
