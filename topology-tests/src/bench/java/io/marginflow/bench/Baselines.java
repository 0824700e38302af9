package io.marginflow.bench;

import io.marginflow.config.Topics;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The yardsticks Marginflow is measured against, on the same input topics. */
final class Baselines {

    private Baselines() {}

    /** DESIGN.md's yardstick: one stage counting records per key in RocksDB. */
    static Topology oneStage(Topics topics, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topics.inputs(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .groupByKey()
                .count(Materialized.as("counts"))
                .toStream()
                .to(output, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    /**
     * Two hops built like Marginflow and doing nothing else: one source over every input topic
     * (so the same event-time merge), account records (fills, collateral) to their account's
     * partition of an intermediate topic and every other record to each of its partitions
     * (KIP-837 multicast, as the journal), then a stage that puts each account record's bytes in
     * a cached, changelogged RocksDB store and writes one output per record it reads.
     */
    static Topology twoHop(Topics topics, String hop, String output) {
        Set<String> accountTopics = Set.of(topics.fills(), topics.collateral());
        var keys = Serdes.String();
        var values = Serdes.ByteArray();
        Topology topology = new Topology();
        topology.addSource("inputs", keys.deserializer(), values.deserializer(), topics.inputs().toArray(String[]::new));
        topology.addProcessor("route", () -> new Route(accountTopics), "inputs");
        topology.addSink("to-its-account", hop, keys.serializer(), values.serializer(), "route");
        topology.addSink("to-every-partition", hop, keys.serializer(), values.serializer(), new EveryPartition(), "route");
        topology.addSource("hop", keys.deserializer(), values.deserializer(), hop);
        topology.addProcessor("apply", Apply::new, "hop");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("accounts"), keys, values)
                .withCachingEnabled(), "apply");
        topology.addSink("outputs", output, keys.serializer(), values.serializer(), "apply");
        return topology;
    }

    /** The header that marks an account record on the intermediate topic. */
    private static final String ACCOUNT = "account";

    private static final class Route implements Processor<String, byte[], String, byte[]> {
        private final Set<String> accountTopics;
        private ProcessorContext<String, byte[]> context;

        Route(Set<String> accountTopics) {
            this.accountTopics = accountTopics;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            boolean account = context.recordMetadata().map(RecordMetadata::topic).filter(accountTopics::contains).isPresent();
            if (account) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(ACCOUNT, new byte[0]);
                context.forward(record.withHeaders(headers), "to-its-account");
            } else {
                context.forward(record, "to-every-partition");
            }
        }
    }

    private static final class EveryPartition implements StreamPartitioner<String, byte[]> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
        }
    }

    private static final class Apply implements Processor<String, byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> accounts;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.accounts = context.getStateStore("accounts");
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.headers().lastHeader(ACCOUNT) != null) {
                accounts.put(record.key(), record.value());
            }
            context.forward(record);
        }
    }

    /** The topics the baselines write under a round's prefix: the one stage's counts, the two-hop's hop and outputs. */
    record Written(String counts, String hop, String outputs) {
        static Written under(String prefix) {
            return new Written(prefix + "onestage.counts", prefix + "twohop.hop", prefix + "twohop.outputs");
        }

        /** Every one of them, for the caller to create. */
        List<String> all() {
            return List.of(counts, hop, outputs);
        }
    }
}
