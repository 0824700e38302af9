package io.marginflow.engine;

import io.marginflow.bench.BenchLoad;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.SourceCoordinates;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.translation.DeadLetters;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Offline replay: the margin engine's processor alone, on one thread, applying a journal of the
 * pipeline benchmark's mix ({@link BenchLoad}) as one journal partition, with no broker, no
 * changelogs and no record cache. Measures journal entries per second and CPU per entry, after a
 * warm-up replay of a smaller journal into other stores. What the audit tool's replay builds on.
 * Not a test; {@code scripts/bench replay [accounts] [ticks] [rocksdb|memory] [warm-up accounts]},
 * default 100000 100 rocksdb 20000.
 */
public final class EngineReplay {

    private EngineReplay() {}

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int ticks = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        boolean rocksdb = !(args.length > 2 && args[2].equals("memory"));
        int warmUpAccounts = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
        Path state = Files.createTempDirectory("marginflow-replay-");
        try {
            replay("warm-up", journal(new BenchLoad(warmUpAccounts, ticks, 0.001, true)), rocksdb, state.resolve("warm-up"));
            BenchLoad load = new BenchLoad(accounts, ticks, 0.001, true);
            System.out.println(load.describe() + "; stores: " + (rocksdb ? "RocksDB" : "in memory"));
            replay("measured", journal(load), rocksdb, state.resolve("measured"));
        } finally {
            try (var paths = Files.walk(state)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** The load as the sequencer journals it, all on one partition. */
    private static List<JournalEntry> journal(BenchLoad load) {
        List<JournalEntry> entries = new ArrayList<>();
        long[] offset = {0};
        load.generate(MarginflowConfig.of(Map.of()).topics(), (topic, key, record) -> entries.add(new JournalEntry(
                new SourceCoordinates(topic, 0, offset[0], Instant.ofEpochMilli(1_584_000_000_000L + offset[0]++)),
                InputRecords.eventTime(record), record)));
        return entries;
    }

    private static void replay(String round, List<JournalEntry> journal, boolean rocksdb, Path state) {
        Properties config = new Properties();
        config.put("application.id", "engine-replay-bench");
        config.put("bootstrap.servers", "never-contacted:9092");
        MockProcessorContext<String, Object> context = new MockProcessorContext<>(config, new TaskId(1, 0), state.toFile());
        MarginEngineTopology.storeValues().forEach((name, values) -> store(context, name, values, rocksdb));
        MarginflowConfig marginflow = MarginflowConfig.of(Map.of());
        MarginEngineProcessor processor = new MarginEngineProcessor(marginflow.engine(),
                new DeadLetters(marginflow.deadLetterLimits()), sink -> Long.MAX_VALUE);
        processor.init(context);
        var threads = ManagementFactory.getThreadMXBean();
        long outputs = 0;
        long start = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        for (int offset = 0; offset < journal.size(); offset++) {
            JournalEntry entry = journal.get(offset);
            context.setRecordMetadata("risk.journal", 0, offset);
            processor.process(new Record<>(InputRecords.key((org.apache.avro.specific.SpecificRecord) entry.getPayload()),
                    entry, entry.getEventTime().toEpochMilli()));
            if (offset % 1_000 == 999) {
                outputs += context.forwarded().size();
                context.resetForwards();
            }
        }
        outputs += context.forwarded().size();
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        System.out.printf("%-8s %,9d entries in %5.1f s: %,8.0f entries/s, %5.1f µs CPU per entry, %,d outputs forwarded%n",
                round, journal.size(), seconds, journal.size() / seconds, cpuSeconds * 1e6 / journal.size(), outputs);
    }

    @SuppressWarnings("unchecked")
    private static void store(MockProcessorContext<String, Object> context, String name, Serde<?> values, boolean rocksdb) {
        KeyValueBytesStoreSupplier supplier = rocksdb ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
        KeyValueStore<String, Object> store = Stores.keyValueStoreBuilder(supplier, Serdes.String(), (Serde<Object>) values)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }
}
