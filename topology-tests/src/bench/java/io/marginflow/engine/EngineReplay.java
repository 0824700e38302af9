package io.marginflow.engine;

import io.marginflow.bench.BenchLoad;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.errors.OutputLimits;
import io.marginflow.pipeline.Inputs;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SourceCoordinates;
import io.marginflow.sequencer.InputRecords;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * Offline replay: the margin engine alone ({@link OfflineEngine}, what the audit tool's replay
 * runs), on one thread, applying a journal of the pipeline benchmark's mix ({@link BenchLoad}) as
 * one journal partition, with no broker. Measures journal entries per second and CPU per entry,
 * after a warm-up replay of a smaller journal into another engine. Not a test;
 * {@code scripts/bench replay [accounts] [ticks] [warm-up accounts]}, default 100000 100 20000;
 * {@code BENCH_JAVA_OPTS=-Dbench.price-guard=K} adds parameters with the price guard and index history.
 */
public final class EngineReplay {

    private EngineReplay() {}

    public static void main(String[] args) {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int ticks = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int warmUpAccounts = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        replay("warm-up", journal(new BenchLoad(warmUpAccounts, ticks, 0.001, true)));
        BenchLoad load = new BenchLoad(accounts, ticks, 0.001, true);
        System.out.println(load.describe());
        replay("measured", journal(load));
    }

    /**
     * The load as the sequencer journals it, all on one partition. With {@code -Dbench.price-guard=K}
     * it starts with risk parameters for both underlyings, their price guard at K standard
     * deviations (0: off) with a 30-minute hold, and 300 days of index history, so that the
     * statistical layer and the guard judge every mark (compare K = 0 with K &gt; 0).
     */
    private static List<JournalEntry> journal(BenchLoad load) {
        List<JournalEntry> entries = new ArrayList<>();
        long[] offset = {0};
        BenchLoad.Sink sink = (topic, key, record) -> entries.add(new JournalEntry(
                new SourceCoordinates(topic, 0, offset[0], Instant.ofEpochMilli(1_584_000_000_000L + offset[0]++)),
                InputRecords.eventTime(record), record));
        Topics topics = MarginflowConfig.of(Map.of()).topics();
        String guard = System.getProperty("bench.price-guard");
        if (guard != null) {
            Random random = new Random(11);
            for (String underlying : List.of("BTC", "ETH")) {
                sink.accept(topics.parameters(), underlying, RiskParameters.newBuilder(
                        Inputs.parameters(underlying, 1, 0.16, 9, 0.5)).setPriceJumpSigmas(Double.parseDouble(guard))
                        .setPriceJumpHoldMillis(1_800_000L).build());
                double price = underlying.equals("BTC") ? 5_000.0 : 150.0;
                for (int day = 300; day > 0; day--) {
                    price *= Math.exp(0.03 * random.nextGaussian());
                    sink.accept(topics.prices(), underlying, PriceUpdate.newBuilder().setInstrument(underlying)
                            .setPrice(price).setKind(PriceKind.INDEX).setEventTime(Inputs.T0.minus(Duration.ofDays(day)))
                            .build());
                }
            }
        }
        load.generate(topics, sink);
        return entries;
    }

    private static void replay(String round, List<JournalEntry> journal) {
        // any setting as a system property prefixed marginflow. (BENCH_JAVA_OPTS), e.g.
        // -Dmarginflow.engine.checkpoint.interval.ms=60000 for a checkpoint a minute of event time (default here: an hour)
        Map<String, String> settings = new java.util.TreeMap<>(Map.of("engine.checkpoint.interval.ms", "3600000"));
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("marginflow."))
                .forEach(name -> settings.put(name.substring("marginflow.".length()), System.getProperty(name)));
        MarginflowConfig marginflow = MarginflowConfig.of(settings);
        OfflineEngine engine = new OfflineEngine(marginflow, new OutputLimits(Long.MAX_VALUE));
        String checkpointTopic = marginflow.topics().checkpoints();
        long checkpoints = 0;
        long checkpointNanos = 0;
        var threads = ManagementFactory.getThreadMXBean();
        long outputs = 0;
        long start = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        for (int offset = 0; offset < journal.size(); offset++) {
            JournalEntry entry = journal.get(offset);
            long applying = System.nanoTime();
            List<OfflineEngine.Output> produced = engine.apply(InputRecords.key((SpecificRecord) entry.getPayload()), entry, 0,
                    offset);
            outputs += produced.size();
            if (produced.stream().anyMatch(output -> output.topic().equals(checkpointTopic))) {
                checkpoints++;
                checkpointNanos += System.nanoTime() - applying;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        System.out.printf("%-8s %,9d entries in %5.1f s: %,8.0f entries/s, %5.1f µs CPU per entry, %,d outputs"
                + " (%,d checkpoints, the entries that wrote them %.1f ms each)%n", round, journal.size(), seconds,
                journal.size() / seconds, cpuSeconds * 1e6 / journal.size(), outputs, checkpoints,
                checkpoints == 0 ? 0.0 : checkpointNanos / 1e6 / checkpoints);
    }
}
