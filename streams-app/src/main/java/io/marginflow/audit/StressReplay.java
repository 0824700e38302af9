package io.marginflow.audit;

import io.marginflow.config.Topics;
import io.marginflow.risk.stress.ConcentrationRule;
import io.marginflow.schema.Alert;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressResult;
import io.marginflow.stress.StressRunOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stress runs in an {@code audit replay}: each journal partition's replayed shares of the runs,
 * combined as the live aggregation combines them ({@link StressRunOutcome}) once
 * every partition's share of a run is in, and each outcome matched by content with the one published
 * on the stress topic, each concentration alert with those on the alerts topic.
 */
final class StressReplay {

    private final String topic;
    private final String alertsTopic;
    private final int partitions;
    private final PublishedByContent<StressResult> published;
    private final PublishedByContent<Alert> alerts;
    private final ConcentrationRule concentration;
    /** Run time → the replayed shares of that run. */
    private final Map<Long, List<StressPartial>> shares = new TreeMap<>();

    StressReplay(Topics topics, JournalScope scope, PublishedByContent<StressResult> published, PublishedByContent<Alert> alerts,
                 ConcentrationRule concentration) {
        this.topic = topics.stress();
        this.alertsTopic = topics.alerts();
        this.partitions = scope.ends().size() == scope.partitions() ? scope.partitions() : -1;
        this.published = published;
        this.alerts = alerts;
        this.concentration = concentration;
    }

    /** A share the replay of a partition wrote. */
    void replayed(StressPartial share) {
        shares.computeIfAbsent(share.getRunTime().toEpochMilli(), run -> new ArrayList<>()).add(share);
    }

    /**
     * Each complete run's outcome against the published ones, counted in {@code matched}; an outcome
     * not published, and a published one the replay did not give, are divergences. Judged only when
     * the scope holds every journal partition.
     */
    void compare(Map<String, Long> matched, List<JournalReplay.Divergence> divergences) {
        if (partitions < 0) {
            return;
        }
        matched.put(topic, 0L);
        SortedSet<String> concentrated = new TreeSet<>();
        for (List<StressPartial> run : shares.values()) {
            if (run.size() != partitions) {
                continue;
            }
            StressRunOutcome outcome = StressRunOutcome.of(run, concentrated, concentration);
            concentrated = outcome.concentrated();
            for (Alert alert : outcome.alerts()) {
                alerts.match(alertsTopic, alert, alert.getCause().getJournalPartition(), alert.getCause().getJournalOffset(),
                        matched, divergences, "the replay's stress run at " + run.get(0).getRunTime() + " raises alert "
                        + alert.getAlertId() + "; no such alert is published");
            }
            for (StressResult result : outcome.results()) {
                published.match(topic, result, 0, result.getJournalOffsets().get(0), matched, divergences,
                        "the replay's stress run at " + result.getRunTime() + " gives these figures for scenario "
                        + result.getScenarioId() + "; none such is published");
            }
        }
        for (PublishedByContent.Left left : published.untaken()) {
            divergences.add(new JournalReplay.Divergence(JournalReplay.Kind.NOT_REPRODUCED, topic, Optional.empty(),
                    Optional.of(left.at()), left.journalPartition(), left.journalOffset(),
                    "published as a stress run's outcome, but the replay's runs give no such figures"));
        }
    }
}
