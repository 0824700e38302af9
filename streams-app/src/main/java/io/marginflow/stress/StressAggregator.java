package io.marginflow.stress;

import io.marginflow.risk.stress.ConcentrationRule;
import io.marginflow.schema.Alert;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stress aggregation: holds the journal partitions' shares of each run (in a changelogged
 * store) until every partition's has arrived, then publishes the run's outcome per scenario
 * and, with concentration judged, its concentration alerts ({@link StressRunOutcome}, remembering
 * each run's concentrations), and forgets that run and any earlier one left incomplete. A share of a run
 * no later than the last one published is dropped (logged): runs are published in time order.
 */
final class StressAggregator implements Processor<String, StressPartial, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(StressAggregator.class);
    /** The last run published, in the progress store. */
    private static final String PUBLISHED = "published";

    /** The prefix of the concentrations of the last run published, in the progress store. */
    private static final String CONCENTRATED = "concentrated:";

    private final int journalPartitions;
    private final ConcentrationRule concentration;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, StressPartial> shares;
    private KeyValueStore<String, Long> progress;

    StressAggregator(int journalPartitions, ConcentrationRule concentration) {
        this.journalPartitions = journalPartitions;
        this.concentration = concentration;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        shares = context.getStateStore(StressAggregation.SHARES);
        progress = context.getStateStore(StressAggregation.PROGRESS);
    }

    @Override
    public void process(Record<String, StressPartial> record) {
        StressPartial share = record.value();
        long run = share.getRunTime().toEpochMilli();
        Long published = progress.get(PUBLISHED);
        if (published != null && run <= published) {
            LOG.warn("journal partition {}'s share of the stress run at {} arrived after run {} was published; dropped",
                    share.getJournalPartition(), share.getRunTime(), java.time.Instant.ofEpochMilli(published));
            return;
        }
        shares.put(key(run, share.getJournalPartition()), share);
        List<StressPartial> ofRun = new ArrayList<>();
        try (KeyValueIterator<String, StressPartial> all = shares.range(key(run, 0), key(run, Integer.MAX_VALUE))) {
            all.forEachRemaining(entry -> ofRun.add(entry.value));
        }
        if (ofRun.size() < journalPartitions) {
            return;
        }
        SortedSet<String> before = concentrated();
        StressRunOutcome outcome = StressRunOutcome.of(ofRun, before, concentration);
        for (StressResult result : outcome.results()) {
            context.forward(new Record<>(result.getScenarioId(), result, run), StressAggregation.SINK);
        }
        for (Alert alert : outcome.alerts()) {
            context.forward(new Record<>(alert.getUnderlying(), alert, run), StressAggregation.ALERTS_SINK);
        }
        before.stream().filter(key -> !outcome.concentrated().contains(key)).forEach(key -> progress.delete(CONCENTRATED + key));
        outcome.concentrated().stream().filter(key -> !before.contains(key)).forEach(key -> progress.put(CONCENTRATED + key, run));
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, StressPartial> upToRun = shares.range(key(Long.MIN_VALUE, 0), key(run, Integer.MAX_VALUE))) {
            upToRun.forEachRemaining(entry -> done.add(entry.key));
        }
        if (done.size() > ofRun.size()) {
            LOG.warn("{} shares of stress runs before {} never completed; dropped", done.size() - ofRun.size(), share.getRunTime());
        }
        done.forEach(shares::delete);
        progress.put(PUBLISHED, run);
    }

    /** The concentrations the last run published left (kept while concentration is judged). */
    private SortedSet<String> concentrated() {
        SortedSet<String> concentrated = new TreeSet<>();
        try (KeyValueIterator<String, Long> all = progress.prefixScan(CONCENTRATED, new StringSerializer())) {
            all.forEachRemaining(entry -> concentrated.add(entry.key.substring(CONCENTRATED.length())));
        }
        return concentrated;
    }

    /** Store key: the run time, shifted to sort as text for any long, then the partition. */
    private static String key(long run, int partition) {
        return String.format("%20s/%010d", Long.toUnsignedString(run ^ Long.MIN_VALUE), partition).replace(' ', '0');
    }
}
