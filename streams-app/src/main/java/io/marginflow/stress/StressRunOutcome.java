package io.marginflow.stress;

import io.marginflow.risk.stress.ConcentrationRule;
import io.marginflow.schema.Alert;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressResult;
import java.util.List;
import java.util.SortedSet;

/**
 * What a complete stress run publishes, from every journal partition's share of it: each scenario's
 * Cover figures ({@link CoverTables}) and, with concentration judged, the concentration alerts
 * ({@link ConcentrationWatch}) and the concentrations the run leaves for the next. The one
 * composition the live aggregation and an auditor's replay both use.
 *
 * @param concentrated the concentrations after the run (those before it when concentration is not judged)
 */
public record StressRunOutcome(List<StressResult> results, List<Alert> alerts, SortedSet<String> concentrated) {

    /** The outcome of the run {@code shares} make, after a run that left {@code concentratedBefore}. */
    public static StressRunOutcome of(List<StressPartial> shares, SortedSet<String> concentratedBefore, ConcentrationRule rule) {
        ConcentrationWatch.Outcome concentration = rule.judged() ? ConcentrationWatch.judge(shares, concentratedBefore, rule)
                : new ConcentrationWatch.Outcome(List.of(), concentratedBefore);
        return new StressRunOutcome(CoverTables.of(shares), concentration.alerts(), concentration.concentrated());
    }
}
