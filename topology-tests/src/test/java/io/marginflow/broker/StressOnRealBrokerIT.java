package io.marginflow.broker;

import static io.marginflow.pipeline.Inputs.T0;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.metrics.MarginflowMetrics;
import io.marginflow.schema.Alert;
import io.marginflow.schema.AlertKind;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.MemberStress;
import io.marginflow.schema.StressResult;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.StressScenarioKind;
import io.marginflow.schema.StressShock;
import io.marginflow.sequencer.JournalPartitioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The stress tests on a real broker with the journal at 3 partitions, exactly-once on: each
 * member's accounts lie on several partitions, every partition's share of an hourly run goes to the
 * aggregation, which publishes each scenario's Cover figures once, across a restart too.
 */
class StressOnRealBrokerIT {

    private static final int ACCOUNTS = 12;
    private static final String[] MEMBERS = {"M-A", "M-B", "M-C"};
    /** M-A's accounts are long 1, M-B's long 2, M-C's short 1 BTC perpetual at 5,000, each with 1,000 USD. */
    private static final String[] CONTRACTS = {"1", "2", "-1"};

    @Test
    void everyPartitionsShareOfARunIsCombinedOnceIntoTheCoverFigures() throws Exception {
        MarginflowMetrics metrics = new MarginflowMetrics(new SimpleMeterRegistry(), java.time.Clock.systemUTC());
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             RealBrokerPipeline pipeline = RealBrokerPipeline.on(kafka, "marginflow-stress-test", Map.of(
                     "engine.concentration.share", "0.3", "engine.concentration.min-holders", "2")).startApplication(metrics)) {
            for (String member : List.of("M-A", "M-B")) {
                assertThat(accountsOf(member).stream().map(a -> JournalPartitioner.accountPartition(a, 3)).distinct().count())
                        .as("%s's accounts lie on several journal partitions", member).isGreaterThan(1);
            }
            var topics = pipeline.topics;
            pipeline.send(topics.instruments(), "BTC-PERPETUAL", perpetual("BTC-PERPETUAL", "BTC"));
            pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 5_000.0, 0));
            for (int i = 0; i < ACCOUNTS; i++) {
                String account = account(i);
                pipeline.send(topics.collateral(), account, CollateralMovement.newBuilder(
                        deposit(account + "-D", account, "USD", "1000")).setMember(MEMBERS[i % 3]).build());
                pipeline.send(topics.fills(), account, Fill.newBuilder(
                        fill(account + "-F", account, "BTC-PERPETUAL", CONTRACTS[i % 3], 5_000.0)).setMember(MEMBERS[i % 3]).build());
            }
            // A whale on ETH: 9 of the 10 contracts; ETH does not move in the scenario. Its own member, with nothing uncovered.
            pipeline.send(topics.instruments(), "ETH-PERPETUAL", perpetual("ETH-PERPETUAL", "ETH"));
            pipeline.send(topics.prices(), "ETH-PERPETUAL", mark("ETH-PERPETUAL", 200.0, 0));
            pipeline.send(topics.collateral(), "WHALE", deposit("WHALE-D", "WHALE", "USD", "10000"));
            pipeline.send(topics.fills(), "WHALE", fill("WHALE-F", "WHALE", "ETH-PERPETUAL", "9", 200.0));
            pipeline.send(topics.fills(), account(0), fill(account(0) + "-E", account(0), "ETH-PERPETUAL", "1", 200.0));
            Instant defined = T0.plusSeconds(30 * 60);
            pipeline.send(topics.stressScenarios(), "BTC-HALVES", StressScenario.newBuilder().setScenarioId("BTC-HALVES")
                    .setKind(StressScenarioKind.HYPOTHETICAL).setDescription("BTC -50%, vols x2")
                    .setShocks(List.of(new StressShock("BTC", -0.5, 2.0))).setEventTime(defined).build());
            pipeline.flush();
            pipeline.awaitOutputs(records -> RealBrokerPipeline.latestResults(records).size() == ACCOUNTS + 1);
            tick(pipeline, defined, T0.plusSeconds(61 * 60));

            pipeline.awaitOutputs(records -> !stress(records).isEmpty());
            pipeline.settle();
            StressResult first = single(stress(pipeline.seen));
            assertThat(first.getRunTime()).isEqualTo(T0.plusSeconds(3600));
            assertThat(first.getJournalPartitions()).isEqualTo(3);
            assertThat(first.getJournalOffsets()).hasSize(3);
            // −50% from 5,000: an M-A account (long 1) loses 2,500 of its 1,000: 1,500 uncovered, 4 of them 6,000;
            // an M-B account (long 2) loses 5,000: 4,000 uncovered, 16,000; M-C's shorts gain.
            assertThat(first.getMembers()).extracting(MemberStress::getMember).containsExactly("M-B", "M-A", "M-C", "WHALE");
            assertThat(first.getMembers()).extracting(MemberStress::getAccounts).containsExactly(4, 4, 4, 1);
            assertThat(first.getMembers().get(2).getStressedLoss()).isCloseTo(-4 * 2_500.0, within(1e-6));
            assertThat(first.getCover1()).isCloseTo(16_000.0, within(1e-6));
            assertThat(first.getCover2()).isCloseTo(22_000.0, within(1e-6));
            assertThat(first.getCoverMembers()).containsExactly("M-B", "M-A");
            // The whale's concentration, judged over every partition's share, reported once.
            assertThat(concentrations(pipeline.seen)).singleElement().satisfies(alert -> {
                assertThat(alert.getAccount()).isEqualTo("WHALE");
                assertThat(alert.getSubject()).isEqualTo("ETH-PERPETUAL");
                assertThat(alert.getReason()).contains("holds 90.0% of ETH-PERPETUAL's open interest (9 of 10 contracts, 2 holders)");
            });
            // The platform team's gauges: each scenario's Cover-2, and the run's largest.
            assertThat(metrics.registry().get("marginflow.stress.cover2.usd").tag("scenario", "BTC-HALVES").gauge().value())
                    .isCloseTo(22_000.0, within(1e-6));
            assertThat(metrics.registry().get("marginflow.stress.cover2.usd").tag("scenario", "*").gauge().value())
                    .isCloseTo(22_000.0, within(1e-6));

            pipeline.seen.clear();
            pipeline.restartApplication();
            pipeline.send(topics.prices(), "BTC-PERPETUAL", mark("BTC-PERPETUAL", 5_000.0, 90));
            tick(pipeline, T0.plusSeconds(90 * 60), T0.plusSeconds(121 * 60));
            pipeline.awaitOutputs(records -> !stress(records).isEmpty());
            pipeline.settle();
            StressResult second = single(stress(pipeline.seen));
            assertThat(second.getRunTime()).as("the next run, once; the first is not repeated")
                    .isEqualTo(T0.plusSeconds(7200));
            assertThat(second.getCover2()).isCloseTo(22_000.0, within(1e-6));
            assertThat(concentrations(pipeline.seen)).as("still concentrated: not reported again").isEmpty();

            auditorsReadAndReplayTheRuns(kafka, pipeline, second);
        }
    }

    /**
     * {@code stress report} prints the latest run; {@code audit replay} reproduces both runs from the
     * journal alone, and names a forged outcome.
     */
    private static void auditorsReadAndReplayTheRuns(EmbeddedKafka kafka, RealBrokerPipeline pipeline, StressResult published)
            throws Exception {
        Path file = Files.createTempFile("marginflow-stress-", ".properties");
        try {
            Files.writeString(file, String.join("\n", "bootstrap.servers=" + kafka.bootstrapServers(),
                    "application.id=" + pipeline.config.get("application.id"),
                    "schema.registry.url=" + pipeline.config.get("schema.registry.url"), "topics.partitions=3",
                    // the application's engine settings: the concentration rule is part of what the journal is replayed through
                    "engine.concentration.share=0.3", "engine.concentration.min-holders=2") + "\n");
            CommandRun report = CommandRun.of(file, "stress", "report");
            assertThat(report.code()).as(report.out() + report.err()).isZero();
            assertThat(report.out()).contains("stress run 2020-03-12T02:00:00Z: 3 journal partitions, 0 accounts not valued",
                    "Cover-2 of the run: 22,000 USD in BTC-HALVES (M-B, M-A)").containsPattern("M-B +4 +20,000 ");

            CommandRun clean = CommandRun.of(file, "audit", "replay");
            assertThat(clean.code()).as(clean.out() + clean.err()).isZero();
            assertThat(clean.out()).containsPattern("risk\\.stress +2 reproduced exactly")
                    .containsPattern("risk\\.alerts +1 reproduced exactly").contains("verdict: VERIFIED");

            StressResult forged = StressResult.newBuilder(published).setCover2(published.getCover2() - 1).build();
            pipeline.sendAt(pipeline.topics.stress(), forged.getScenarioId(), forged, Instant.now());
            pipeline.flush();
            CommandRun caught = CommandRun.of(file, "audit", "replay");
            assertThat(caught.code()).as(caught.out() + caught.err()).isEqualTo(3);
            assertThat(caught.out()).contains("divergences: 1 (NOT_REPRODUCED 1)", "NOT_REPRODUCED on risk.stress", "\"cover2\":21999.0");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The clock at {@code time}, once the market entry stamped {@code after} is in every journal partition. */
    private static void tick(RealBrokerPipeline pipeline, Instant after, Instant time) {
        pipeline.flush();
        pipeline.awaitJournalled(entry -> entry.getEventTime().equals(after), 3);
        pipeline.send(pipeline.topics.clock(), "clock", new ClockTick(time));
        pipeline.flush();
    }

    private static List<StressResult> stress(List<SpecificRecord> records) {
        return records.stream().filter(StressResult.class::isInstance).map(StressResult.class::cast).toList();
    }

    private static List<Alert> concentrations(List<SpecificRecord> records) {
        return records.stream().filter(Alert.class::isInstance).map(Alert.class::cast)
                .filter(alert -> alert.getKind() == AlertKind.CONCENTRATION).toList();
    }

    private static StressResult single(List<StressResult> results) {
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private static String account(int i) {
        return String.format("ACC-%02d", i);
    }

    private static List<String> accountsOf(String member) {
        return IntStream.range(0, ACCOUNTS).filter(i -> MEMBERS[i % 3].equals(member)).mapToObj(StressOnRealBrokerIT::account)
                .collect(Collectors.toList());
    }
}
