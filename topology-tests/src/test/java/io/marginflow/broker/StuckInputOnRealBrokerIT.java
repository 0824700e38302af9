package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.deposit;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.app.ProgressWatch;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.schema.DeadLetter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When the application cannot go on, it says where: with the schema registry unreachable (an
 * outage, never the record's fault, so the record is retried rather than dead-lettered) the
 * sequencer fails on the first deposit again and again; the failure watch names its topic,
 * partition and offset after the configured number of failures, and the progress watch names the
 * partition whose committed offset does not move while records wait. Nothing is dead-lettered.
 */
class StuckInputOnRealBrokerIT {

    @Test
    void anInputTheApplicationKeepsFailingOnIsNamedWithItsTopicPartitionAndOffset() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             RealBrokerPipeline pipeline = RealBrokerPipeline.on(kafka, "stuck", Map.of(
                     "schema.registry.url", "http://127.0.0.1:1",
                     "schema.registry.connect.timeout.ms", "200",
                     "monitoring.stuck-after-failures", "2",
                     // a replaced thread's partitions wait for the old member's session to end
                     "session.timeout.ms", "6000"))) {
            pipeline.startApplication();
            try (ProgressWatch progress = ProgressWatch.start(pipeline.config, Duration.ofSeconds(2), Duration.ofSeconds(1))) {
                pipeline.send(pipeline.topics.collateral(), "ACC-A", deposit("M-1", "ACC-A", "USD", "1000"));
                pipeline.flush();

                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                List<ProgressWatch.Stall> stalls = List.of();
                while ((pipeline.failures.stuck().isEmpty() || stalls.isEmpty()) && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                    List<ProgressWatch.Stall> now = progress.stalls();
                    stalls = now.isEmpty() ? stalls : now;
                }

                assertThat(pipeline.failures.stuck()).hasSize(1).allSatisfy((at, failures) -> {
                    assertThat(at.topic()).isEqualTo(pipeline.topics.collateral());
                    assertThat(at.offset()).isZero();
                    assertThat(failures).isGreaterThanOrEqualTo(2);
                });
                assertThat(stalls).singleElement().satisfies(stall -> {
                    assertThat(stall.partition().topic()).isEqualTo(pipeline.topics.collateral());
                    assertThat(stall.offset()).isZero();
                    assertThat(stall.behind()).isEqualTo(1);
                    assertThat(stall.toString()).contains("has not moved past " + pipeline.topics.collateral() + " partition");
                    assertThat(stall.since()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
                });
                pipeline.settle();
                assertThat(pipeline.seen).as("an outage dead-letters nothing").noneMatch(DeadLetter.class::isInstance);
            }
        }
    }
}
