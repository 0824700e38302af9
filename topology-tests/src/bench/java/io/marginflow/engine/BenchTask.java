package io.marginflow.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * An engine task for the benchmarks: real RocksDB stores (no changelog) behind a mock processor
 * context in a temporary directory, and a unit of work over them whose outputs go to {@code forward}.
 */
final class BenchTask {

    final MockProcessorContext<String, Object> context;
    final UnitOfWork unit;

    /** A task named {@code name} with the stores {@code names} of the engine's ({@link MarginEngineTopology#storeValues}). */
    BenchTask(String name, java.util.Collection<String> names, BiConsumer<Record<String, Object>, String> forward)
            throws IOException {
        Properties config = new Properties();
        config.put("application.id", name);
        config.put("bootstrap.servers", "never-contacted:9092");
        context = new MockProcessorContext<>(config, new TaskId(0, 0), Files.createTempDirectory(name).toFile());
        MarginEngineTopology.storeValues().forEach((store, values) -> {
            if (names.contains(store)) {
                store(store, values);
            }
        });
        unit = new UnitOfWork(new EngineIo() {
            @Override
            public <V> Store<V> store(String store) {
                return Store.of(context.getStateStore(store));
            }

            @Override
            public void forward(Record<String, Object> record, String sink) {
                forward.accept(record, sink);
            }
        });
    }

    private <V> void store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
                values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }
}
