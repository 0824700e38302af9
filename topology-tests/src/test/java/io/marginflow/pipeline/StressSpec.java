package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.T0;
import static io.marginflow.pipeline.Inputs.clock;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.marginflow.schema.Alert;
import io.marginflow.schema.AlertFigure;
import io.marginflow.schema.AlertKind;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.Fill;
import io.marginflow.schema.MemberStress;
import io.marginflow.schema.StressResult;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.StressScenarioKind;
import io.marginflow.schema.StressShock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stress tests through the pipeline: members' accounts on a BTC perpetual at 5,000, revalued
 * at each hour of stream time in the scenarios in force; each member's uncovered loss and the
 * Cover-1 and Cover-2 figures worked out by hand.
 */
class StressSpec {

    private static final Map<String, String> HOURLY = Map.of("engine.stress.interval.ms", "3600000");
    private static final StressScenario CRASH = scenario("BTC-HALVES", new StressShock("BTC", -0.5, 2.0));

    @Test
    void eachHourTheMembersUncoveredLossesGiveCoverOneAndCoverTwo() {
        try (PipelineDriver pipeline = book()) {
            pipeline.publish(CRASH);
            pipeline.publish(clock(61));

            StressResult result = single(pipeline.stress());
            assertThat(result.getRunTime()).isEqualTo(T0.plusSeconds(3600));
            assertThat(result.getScenarioId()).isEqualTo("BTC-HALVES");
            assertThat(result.getShocks()).containsExactly(new StressShock("BTC", -0.5, 2.0));
            // BTC -50% from 5,000: A1 long 2 loses 5,000 of its 10,000 (covered); A2 long 3 loses 7,500 of 2,000
            // (5,500 uncovered) — M1: 5,500, A1's surplus does not cover A2. B1 long 1 loses 2,500 of 1,000: 1,500.
            // C1 (no member: its own) is short and gains.
            assertThat(result.getMembers()).extracting(MemberStress::getMember).containsExactly("M1", "M2", "C1");
            MemberStress m1 = result.getMembers().get(0);
            assertThat(m1.getAccounts()).isEqualTo(2);
            assertThat(m1.getStressedLoss()).isCloseTo(12_500.0, within(1e-6));
            assertThat(m1.getEquity()).isCloseTo(12_000.0, within(1e-6));
            assertThat(m1.getUncoveredLoss()).isCloseTo(5_500.0, within(1e-6));
            // Initial margin: the default ±16% scan of 5 contracts at 5,000.
            assertThat(m1.getInitialMargin()).isCloseTo(5 * 5_000 * 0.16, within(1e-6));
            assertThat(result.getMembers().get(1).getUncoveredLoss()).isCloseTo(1_500.0, within(1e-6));
            assertThat(result.getMembers().get(2).getStressedLoss()).isCloseTo(-2_500.0, within(1e-6));
            assertThat(result.getCover1()).isCloseTo(5_500.0, within(1e-6));
            assertThat(result.getCover2()).isCloseTo(7_000.0, within(1e-6));
            assertThat(result.getCoverMembers()).containsExactly("M1", "M2");
            assertThat(result.getJournalPartitions()).isEqualTo(1);

            // The next hour the market has fallen to 4,000: A2 lost 3,000 already (equity -1,000), and halving
            // 4,000 costs it 6,000 more: 7,000 uncovered.
            pipeline.publish(mark("BTC-PERPETUAL", 4_000.0, 90));
            pipeline.publish(clock(121));
            StressResult later = single(pipeline.stress());
            assertThat(later.getRunTime()).isEqualTo(T0.plusSeconds(7200));
            assertThat(later.getMembers().get(0).getUncoveredLoss()).isCloseTo(7_000.0 + 0.0, within(1e-6));
        }
    }

    @Test
    void anAccountKeepsItsFirstMemberAndARecordNamingAnotherIsRefused() {
        try (PipelineDriver pipeline = book()) {
            pipeline.deadLetters();
            pipeline.publish(Fill.newBuilder(fill("F-X", "A1", "BTC-PERPETUAL", "5", 5_000.0)).setMember("M2").build());
            pipeline.publish(CollateralMovement.newBuilder(deposit("D-X", "B1", "USD", "100")).setMember("M1").build());

            assertThat(pipeline.deadLetters()).extracting(DeadLetter::getErrorClass)
                    .containsExactly("MEMBER_MISMATCH", "MEMBER_MISMATCH");
            pipeline.publish(CRASH);
            pipeline.publish(clock(61));
            // Nothing changed: A1 still holds 2 contracts, B1 1,000 USD.
            assertThat(single(pipeline.stress()).getCover2()).isCloseTo(7_000.0, within(1e-6));
        }
    }

    @Test
    void scenariosThatMakeNoSenseAreDeadLetteredAndARetiredOneIsNoLongerRun() {
        try (PipelineDriver pipeline = book()) {
            pipeline.deadLetters();
            pipeline.publish(scenario("NAN", new StressShock("BTC", Double.NaN, 1.0)));
            pipeline.publish(scenario("WIPE-OUT", new StressShock("BTC", -1.0, 1.0)));
            pipeline.publish(scenario("TWICE", new StressShock("BTC", -0.1, 1.0), new StressShock("BTC", -0.2, 1.0)));
            pipeline.publish(StressScenario.newBuilder(scenario("ODD", new StressShock("BTC", -0.1, 1.0)))
                    .setKind(StressScenarioKind.OTHER).build());
            pipeline.publish(scenario("DOGE", new StressShock("DOGE", -0.9, 1.0)));
            List<DeadLetter> refused = pipeline.deadLetters();
            assertThat(refused).extracting(DeadLetter::getErrorClass).containsExactly("INVALID_SCENARIO", "INVALID_SCENARIO",
                    "INVALID_SCENARIO", "INVALID_SCENARIO", "UNKNOWN_UNDERLYING");
            assertThat(refused.get(0).getReason()).contains("NAN").contains("NaN");
            assertThat(refused.get(2).getReason()).contains("moves BTC twice");
            assertThat(refused.get(3).getReason()).contains("kind is OTHER");
            assertThat(refused.get(4).getReason()).contains("DOGE");

            pipeline.publish(CRASH);
            pipeline.publish(scenario("BTC-DOUBLES", new StressShock("BTC", 1.0, 1.0)));
            pipeline.publish(clock(61));
            assertThat(pipeline.stress()).extracting(StressResult::getScenarioId).containsExactly("BTC-DOUBLES", "BTC-HALVES");

            pipeline.publish(StressScenario.newBuilder(CRASH).setRetired(true).setEventTime(T0.plusSeconds(3700)).build());
            pipeline.publish(clock(121));
            // A doubling: C1's short loses 5,000 of its 500.
            StressResult doubling = single(pipeline.stress());
            assertThat(doubling.getScenarioId()).isEqualTo("BTC-DOUBLES");
            assertThat(doubling.getCover1()).isCloseTo(4_500.0, within(1e-6));
            assertThat(doubling.getCoverMembers()).containsExactly("C1");
        }
    }

    @Test
    void anAccountThatComesToHoldTooMuchOfAnInstrumentsOpenInterestIsReportedOncePerCrossing() {
        Map<String, String> settings = Map.of("engine.stress.interval.ms", "3600000", "engine.concentration.share", "0.4",
                "engine.concentration.min-holders", "3");
        try (PipelineDriver pipeline = book(settings)) {
            // Longs 2, 3 and 1 (and a short of 1): open interest 6; A2 holds 50%, A1 33%.
            pipeline.publish(clock(61));
            assertThat(pipeline.stress()).as("no scenario: no Cover figures").isEmpty();
            List<Alert> first = pipeline.alerts();
            assertThat(first).singleElement().satisfies(alert -> {
                assertThat(alert.getKind()).isEqualTo(AlertKind.CONCENTRATION);
                assertThat(alert.getAccount()).isEqualTo("A2");
                assertThat(alert.getSubject()).isEqualTo("BTC-PERPETUAL");
                assertThat(alert.getUnderlying()).isEqualTo("BTC");
                assertThat(alert.getFigures()).extracting(AlertFigure::getName, AlertFigure::getValue).containsExactly(
                        tuple("contracts", 3.0), tuple("holders", 4.0), tuple("openInterest", 6.0), tuple("share", 0.5),
                        tuple("threshold", 0.4));
                assertThat(alert.getEventTime()).isEqualTo(T0.plusSeconds(61 * 60));
            });

            pipeline.publish(clock(121));
            assertThat(pipeline.alerts()).as("still concentrated: not reported again").isEmpty();

            // B1 buys 10: open interest 16, B1 holds 69%; A2 falls to 19%.
            pipeline.publish(Fill.newBuilder(fill("F-B1-2", "B1", "BTC-PERPETUAL", "10", 5_000.0))
                    .setEventTime(T0.plusSeconds(150 * 60)).build());
            pipeline.publish(clock(181));
            assertThat(pipeline.alerts()).extracting(Alert::getAccount).containsExactly("B1");

            // A2 buys 10: 13 of 26, 50% again: a new crossing.
            pipeline.publish(Fill.newBuilder(fill("F-A2-2", "A2", "BTC-PERPETUAL", "10", 5_000.0))
                    .setEventTime(T0.plusSeconds(200 * 60)).build());
            pipeline.publish(clock(241));
            assertThat(pipeline.alerts()).extracting(Alert::getAccount).containsExactly("A2");
        }
    }

    @Test
    void theSameJournalGivesTheSameFigures() {
        List<StressResult> first;
        try (PipelineDriver pipeline = book()) {
            pipeline.publish(CRASH);
            pipeline.publish(clock(61));
            first = pipeline.stress();
        }
        try (PipelineDriver pipeline = book()) {
            pipeline.publish(CRASH);
            pipeline.publish(clock(61));
            assertThat(pipeline.stress()).isEqualTo(first).hasSize(1);
        }
    }

    /** Four accounts: A1 and A2 of member M1, B1 of M2, C1 of none; BTC perpetual marked at 5,000. */
    private static PipelineDriver book() {
        return book(HOURLY);
    }

    private static PipelineDriver book(Map<String, String> settings) {
        PipelineDriver pipeline = new PipelineDriver(settings);
        pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
        pipeline.publish(mark("BTC-PERPETUAL", 5_000.0, 0));
        open(pipeline, "A1", "M1", "10000", "2");
        open(pipeline, "A2", "M1", "2000", "3");
        open(pipeline, "B1", "M2", "1000", "1");
        open(pipeline, "C1", null, "500", "-1");
        return pipeline;
    }

    private static void open(PipelineDriver pipeline, String account, String member, String usd, String contracts) {
        pipeline.publish(CollateralMovement.newBuilder(deposit("D-" + account, account, "USD", usd)).setMember(member).build());
        pipeline.publish(Fill.newBuilder(fill("F-" + account, account, "BTC-PERPETUAL", contracts, 5_000.0))
                .setMember(member).build());
    }

    private static StressScenario scenario(String id, StressShock... shocks) {
        return StressScenario.newBuilder().setScenarioId(id).setKind(StressScenarioKind.HYPOTHETICAL)
                .setDescription(id).setShocks(List.of(shocks)).setEventTime(T0.plusSeconds(120)).build();
    }

    private static StressResult single(List<StressResult> results) {
        assertThat(results).hasSize(1);
        return results.get(0);
    }
}
