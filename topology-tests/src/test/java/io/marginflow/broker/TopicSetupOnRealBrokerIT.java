package io.marginflow.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.app.TopicSetup;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.embedded.EmbeddedKafka;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The topic-creation step against a real broker: what it creates, and what it refuses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicSetupOnRealBrokerIT {

    private EmbeddedKafka kafka;
    private Admin admin;

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    void stop() throws Exception {
        admin.close();
        kafka.close();
    }

    @Test
    void everyTopicIsCreatedWithItsRetentionAndASecondRunCreatesNothing() throws Exception {
        Topics topics = topics("a", 4);

        assertThat(TopicSetup.createMissing(admin, topics)).hasSize(19);
        assertThat(TopicSetup.createMissing(admin, topics)).isEmpty();

        assertThat(config(topics.journal()).get("retention.ms").value()).isEqualTo("-1");
        assertThat(config(topics.fills()).get("retention.ms").value()).isEqualTo("-1");
        assertThat(config(topics.margin()).get("retention.ms").value()).isEqualTo("-1");
        assertThat(config(topics.checkpoints()).get("retention.ms").value()).isEqualTo("-1");
        assertThat(config(topics.instruments()).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config(topics.parameters()).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config(topics.marginLatest()).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config(topics.prices()).get("retention.ms").value()).isEqualTo("-1");
        assertThat(config(topics.volSurfaces()).get("retention.ms").value()).isEqualTo("-1");
        assertThat(config(topics.snapshots()).get("retention.ms").value()).isEqualTo("-1");
        assertThat(config(topics.clock()).get("retention.ms").value()).isEqualTo("-1");
        assertThat(partitions(topics.journal())).isEqualTo(4);
        assertThat(TopicSetup.retentionWarnings(admin, topics)).as("nothing can delete unjournalled input").isEmpty();
    }

    @Test
    void existingInputTopicsThatCouldDeleteUnjournalledInputAreNamed() throws Exception {
        Topics topics = topics("d", 2);
        admin.createTopics(List.of(
                new NewTopic(topics.prices(), 2, (short) 1).configs(Map.of("retention.ms", "604800000")),
                new NewTopic(topics.fills(), 2, (short) 1).configs(Map.of("retention.ms", "-1", "retention.bytes", "1073741824")),
                new NewTopic(topics.instruments(), 2, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();

        TopicSetup.createMissing(admin, topics);

        assertThat(TopicSetup.retentionWarnings(admin, topics)).satisfiesExactly(
                fills -> assertThat(fills).startsWith("d.clearing.fills deletes the oldest records beyond 1073741824 bytes"),
                prices -> assertThat(prices).startsWith("d.market.prices deletes records with a timestamp older than PT168H")
                        .contains("input can be lost before it is journalled", "set retention.ms=-1"));
    }

    @Test
    void theJournalFollowsAnExistingFillsTopicsPartitions() throws Exception {
        Topics topics = topics("b", 4);
        admin.createTopics(List.of(new NewTopic(topics.fills(), 7, (short) 1))).all().get();

        TopicSetup.createMissing(admin, topics);

        assertThat(partitions(topics.journal())).isEqualTo(7);
        assertThat(partitions(topics.margin())).isEqualTo(4);
    }

    @Test
    void aJournalThatDoesNotMatchTheFillsTopicIsRefused() throws Exception {
        Topics topics = topics("c", 4);
        admin.createTopics(List.of(new NewTopic(topics.journal(), 2, (short) 1))).all().get();

        assertThatThrownBy(() -> TopicSetup.createMissing(admin, topics))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("c.risk.journal has 2 partitions but c.clearing.fills has 4");
    }

    private static Topics topics(String prefix, int partitions) {
        return MarginflowConfig.of(Map.ofEntries(
                Map.entry("topics.partitions", Integer.toString(partitions)),
                Map.entry("topic.fills", prefix + ".clearing.fills"),
                Map.entry("topic.collateral", prefix + ".clearing.collateral"),
                Map.entry("topic.prices", prefix + ".market.prices"),
                Map.entry("topic.vol-surfaces", prefix + ".market.vol-surfaces"),
                Map.entry("topic.instruments", prefix + ".refdata.instruments"),
                Map.entry("topic.parameters", prefix + ".risk.parameters"),
                Map.entry("topic.journal", prefix + ".risk.journal"),
                Map.entry("topic.margin", prefix + ".risk.margin"),
                Map.entry("topic.margin-calls", prefix + ".risk.margin-calls"),
                Map.entry("topic.liquidations", prefix + ".risk.liquidations"),
                Map.entry("topic.dead-letters", prefix + ".risk.dead-letters"),
                Map.entry("topic.checkpoints", prefix + ".risk.checkpoints"),
                Map.entry("topic.alerts", prefix + ".risk.alerts"),
                Map.entry("topic.stress-scenarios", prefix + ".risk.stress-scenarios"),
                Map.entry("topic.stress-partials", prefix + ".risk.stress-partials"),
                Map.entry("topic.stress", prefix + ".risk.stress"))).topics();
    }

    /** Through TopicSetup, which waits for broker metadata to show a topic just created. */
    private Config config(String topic) throws Exception {
        return TopicSetup.config(admin, topic);
    }

    private int partitions(String topic) throws Exception {
        return TopicSetup.partitionsOf(admin, topic);
    }
}
