package io.marginflow.stress;

import io.marginflow.risk.stress.Cover;
import io.marginflow.risk.stress.MemberLosses.Totals;
import io.marginflow.schema.MemberStress;
import io.marginflow.schema.ScenarioShare;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressResult;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.StressShock;
import io.marginflow.translation.EngineOutputs;
import io.marginflow.translation.EngineTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A stress run's outcome from every journal partition's share of it: per scenario, each member's
 * figures summed over the partitions in partition order, and the Cover-1 and Cover-2 figures
 * ({@link Cover}). A scenario is in the outcome only if every share holds it, defined alike (a
 * scenario journalled between two partitions' runs waits for the next run). A pure function of the
 * shares: the live aggregation and an auditor's replay give the same records.
 */
public final class CoverTables {

    private CoverTables() {}

    /**
     * The outcome of the run the shares are of, one record per scenario in id order.
     *
     * @param shares every journal partition's share of one run
     * @throws IllegalArgumentException if the shares are of different runs or of one partition twice
     */
    public static List<StressResult> of(List<StressPartial> shares) {
        List<StressPartial> byPartition = new ArrayList<>(shares);
        byPartition.sort(Comparator.comparingInt(StressPartial::getJournalPartition));
        for (int i = 1; i < byPartition.size(); i++) {
            StressPartial previous = byPartition.get(i - 1);
            StressPartial share = byPartition.get(i);
            if (!share.getRunTime().equals(previous.getRunTime()) || share.getJournalPartition() == previous.getJournalPartition()) {
                throw new IllegalArgumentException("the shares of run " + previous.getRunTime() + " partition "
                        + previous.getJournalPartition() + " and of run " + share.getRunTime() + " partition "
                        + share.getJournalPartition() + " are not of one run and distinct partitions");
            }
        }
        List<StressResult> results = new ArrayList<>();
        if (byPartition.isEmpty()) {
            return results;
        }
        int notValued = byPartition.stream().mapToInt(StressPartial::getAccountsNotValued).sum();
        List<Long> offsets = byPartition.stream().map(StressPartial::getJournalOffset).toList();
        for (Map.Entry<String, List<ScenarioShare>> scenario : common(byPartition).entrySet()) {
            SortedMap<String, Totals> members = new TreeMap<>();
            for (ScenarioShare share : scenario.getValue()) {
                for (MemberStress member : share.getMembers()) {
                    members.merge(member.getMember(), EngineTypes.totals(member), Totals::plus);
                }
            }
            Map<String, Double> uncovered = new LinkedHashMap<>();
            members.forEach((member, totals) -> uncovered.put(member, totals.uncoveredLoss()));
            Cover cover = Cover.of(uncovered);
            List<MemberStress> table = new ArrayList<>();
            members.forEach((member, totals) -> table.add(EngineOutputs.memberStress(member, totals)));
            table.sort(Comparator.comparingDouble(MemberStress::getUncoveredLoss).reversed()
                    .thenComparing(MemberStress::getMember));
            StressScenario definition = scenario.getValue().get(0).getScenario();
            List<StressShock> shocks = new ArrayList<>(definition.getShocks());
            shocks.sort(Comparator.comparing(StressShock::getUnderlying));
            results.add(StressResult.newBuilder()
                    .setRunTime(byPartition.get(0).getRunTime())
                    .setScenarioId(scenario.getKey())
                    .setKind(definition.getKind())
                    .setDescription(definition.getDescription())
                    .setShocks(shocks)
                    .setMembers(table)
                    .setCover1(cover.cover1())
                    .setCover2(cover.cover2())
                    .setCoverMembers(cover.members())
                    .setJournalPartitions(byPartition.size())
                    .setJournalOffsets(offsets)
                    .setAccountsNotValued(notValued)
                    .build());
        }
        return results;
    }

    /** The scenarios every share holds, defined alike (by id, in id order), with each partition's share of it. */
    private static SortedMap<String, List<ScenarioShare>> common(List<StressPartial> shares) {
        SortedMap<String, List<ScenarioShare>> byScenario = new TreeMap<>();
        for (StressPartial partial : shares) {
            for (ScenarioShare share : partial.getScenarios()) {
                byScenario.computeIfAbsent(share.getScenario().getScenarioId(), id -> new ArrayList<>()).add(share);
            }
        }
        byScenario.values().removeIf(scenario -> scenario.size() != shares.size() || scenario.stream()
                .anyMatch(share -> !Objects.equals(share.getScenario(), scenario.get(0).getScenario())));
        return byScenario;
    }
}
