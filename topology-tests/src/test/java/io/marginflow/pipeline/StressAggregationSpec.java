package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.schema.AccountPosition;
import io.marginflow.schema.Alert;
import io.marginflow.schema.Cause;
import io.marginflow.schema.InstrumentInterest;
import io.marginflow.schema.MemberStress;
import io.marginflow.schema.ScenarioShare;
import io.marginflow.schema.SourceCoordinates;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressResult;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.StressScenarioKind;
import io.marginflow.schema.StressShock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stress aggregation alone, with a journal of three partitions: it waits for every partition's
 * share of a run, sums each member across partitions, leaves out a scenario not every share holds,
 * and publishes runs in time order once each.
 */
class StressAggregationSpec {

    private static final StressScenario CRASH = scenario("CRASH");
    private static final StressScenario NEW = scenario("NEW");
    private static final Instant RUN = T0.plusSeconds(3600);
    private static final Instant NEXT = T0.plusSeconds(7200);

    @Test
    void aRunIsPublishedOnceEveryPartitionsShareIsInWithEachMemberSummedAcrossPartitions() {
        try (PipelineDriver pipeline = new PipelineDriver(Map.of(), 3)) {
            send(pipeline, share(RUN, 0, CRASH, member("M1", 1_000, 400), member("M2", 300, 0)));
            send(pipeline, share(RUN, 2, CRASH, member("M1", 2_000, 1_500)));
            assertThat(pipeline.stress()).as("two shares of three").isEmpty();

            send(pipeline, share(RUN, 1, CRASH, member("M3", 900, 900)));
            List<StressResult> results = pipeline.stress();
            assertThat(results).singleElement().satisfies(result -> {
                assertThat(result.getRunTime()).isEqualTo(RUN);
                // M1: 400 + 1,500 uncovered; M3: 900; M2: none.
                assertThat(result.getMembers()).extracting(MemberStress::getMember).containsExactly("M1", "M3", "M2");
                assertThat(result.getMembers().get(0).getAccounts()).isEqualTo(2);
                assertThat(result.getMembers().get(0).getStressedLoss()).isCloseTo(3_000.0, within(1e-9));
                assertThat(result.getMembers().get(0).getUncoveredLoss()).isCloseTo(1_900.0, within(1e-9));
                assertThat(result.getCover1()).isCloseTo(1_900.0, within(1e-9));
                assertThat(result.getCover2()).isCloseTo(2_800.0, within(1e-9));
                assertThat(result.getCoverMembers()).containsExactly("M1", "M3");
                assertThat(result.getJournalOffsets()).containsExactly(100L, 101L, 102L);
            });
        }
    }

    @Test
    void aScenarioNotEveryShareHoldsWaitsForTheNextRun() {
        try (PipelineDriver pipeline = new PipelineDriver(Map.of(), 3)) {
            send(pipeline, share(RUN, 0, CRASH, member("M1", 1_000, 400)));
            send(pipeline, withScenario(share(RUN, 1, CRASH, member("M1", 1_000, 400)), NEW));
            send(pipeline, withScenario(share(RUN, 2, CRASH, member("M1", 1_000, 400)), NEW));
            assertThat(pipeline.stress()).extracting(StressResult::getScenarioId).containsExactly("CRASH");
        }
    }

    @Test
    void anIncompleteRunIsDroppedWhenALaterOneCompletesAndALateShareOfItChangesNothing() {
        try (PipelineDriver pipeline = new PipelineDriver(Map.of(), 3)) {
            send(pipeline, share(RUN, 0, CRASH, member("M1", 1_000, 400)));
            send(pipeline, share(RUN, 1, CRASH, member("M1", 1_000, 400)));
            for (int partition = 0; partition < 3; partition++) {
                send(pipeline, share(NEXT, partition, CRASH, member("M1", 1_000, 100)));
            }
            assertThat(pipeline.stress()).extracting(StressResult::getRunTime).containsExactly(NEXT);

            send(pipeline, share(RUN, 2, CRASH, member("M1", 1_000, 400)));
            send(pipeline, share(NEXT, 0, CRASH, member("M1", 1_000, 100)));
            assertThat(pipeline.stress()).isEmpty();
        }
    }

    @Test
    void aConcentrationIsJudgedOverEveryPartitionsPositionsAndReportedOnce() {
        try (PipelineDriver pipeline = new PipelineDriver(Map.of("engine.concentration.share", "0.5",
                "engine.concentration.min-holders", "3"), 3)) {
            // Longs X 8 and Y 2 (partition 0), Z 5 (partition 1); shorts S1 9 and S2 6 (partition 2): open interest 15.
            // X holds 53%, S1 60%: both concentrated, each named by its own partition's entry; Z (33%) is not.
            for (Instant run : List.of(RUN, NEXT)) {
                send(pipeline, interest(run, 0, 10, 0, position("X", 8), position("Y", 2)));
                send(pipeline, interest(run, 1, 5, 0, position("Z", 5)));
                send(pipeline, interest(run, 2, 0, 15, position("S1", -9), position("S2", -6)));
                List<Alert> alerts = pipeline.alerts();
                if (run.equals(RUN)) {
                    assertThat(alerts).extracting(Alert::getAccount).containsExactly("X", "S1");
                    assertThat(alerts).extracting(alert -> alert.getCause().getJournalPartition()).containsExactly(0, 2);
                    assertThat(alerts.get(1).getReason()).contains("holds 60.0% of BTC-PERPETUAL's open interest (-9 of 15"
                            + " contracts, 5 holders)");
                } else {
                    assertThat(alerts).as("still concentrated at the next run: not reported again").isEmpty();
                }
            }
        }
    }

    private static StressPartial interest(Instant run, int partition, double longs, double shorts,
                                          AccountPosition... largest) {
        InstrumentInterest interest = new InstrumentInterest("BTC-PERPETUAL", "BTC", longs, shorts, largest.length,
                List.of(largest));
        return new StressPartial(run, partition, 100L + partition, List.of(), 0, cause(run, partition), List.of(interest));
    }

    private static AccountPosition position(String account, double contracts) {
        return new AccountPosition(account, contracts);
    }

    private static Cause cause(Instant run, int partition) {
        return new Cause(partition, 100L + partition, new SourceCoordinates("market.clock", 0, 7L, run), run);
    }

    private static void send(PipelineDriver pipeline, StressPartial share) {
        pipeline.send(pipeline.topics.stressPartials(), "stress", StressPartial.class, share);
    }

    private static StressPartial share(Instant run, int partition, StressScenario scenario, MemberStress... members) {
        return new StressPartial(run, partition, 100L + partition, List.of(new ScenarioShare(scenario, List.of(members))), 0,
                cause(run, partition), List.of());
    }

    private static StressPartial withScenario(StressPartial share, StressScenario scenario) {
        List<ScenarioShare> scenarios = new java.util.ArrayList<>(share.getScenarios());
        scenarios.add(new ScenarioShare(scenario, share.getScenarios().get(0).getMembers()));
        return StressPartial.newBuilder(share).setScenarios(scenarios).build();
    }

    private static MemberStress member(String member, double loss, double uncovered) {
        return new MemberStress(member, 1, loss, 500.0, loss - uncovered, uncovered);
    }

    private static StressScenario scenario(String id) {
        return StressScenario.newBuilder().setScenarioId(id).setKind(StressScenarioKind.HYPOTHETICAL).setDescription(id)
                .setShocks(List.of(new StressShock("BTC", -0.5, 1.0))).setEventTime(T0).build();
    }
}
