package io.marginflow.api;

import io.marginflow.config.EngineSettings;
import io.marginflow.engine.AccountQuery;
import io.marginflow.engine.MarginEngineTopology;
import io.marginflow.sequencer.JournalPartitioner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Where the engine's state lives and how to read it: Kafka Streams' interactive queries (IQv2)
 * against the engine tasks this instance runs (active ones only: a standby may lag), and the
 * instances that hold the others, found through {@code application.server}.
 */
final class Cluster {

    /** Where an account's partition is active. */
    record Location(int partition, Optional<HostInfo> remote) {}

    /** The engine's state cannot be asked now (rebalancing, starting, the partition moved). */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private final KafkaStreams streams;
    private final EngineSettings settings;
    private final String journal;
    private final Optional<HostInfo> self;
    private final IntSupplier journalPartitions;

    /**
     * @param journalPartitions how many partitions the journal has (asked of the brokers once)
     */
    Cluster(KafkaStreams streams, EngineSettings settings, String journal, Optional<HostInfo> self,
            IntSupplier journalPartitions) {
        this.streams = streams;
        this.settings = settings;
        this.journal = journal;
        this.self = self;
        this.journalPartitions = journalPartitions;
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    /** The partition that holds {@code account} and, if another instance runs it, that instance. */
    Location locate(String account) {
        requireRunning();
        int partition = JournalPartitioner.accountPartition(account, journalPartitions.getAsInt());
        if (localPartitions().contains(partition)) {
            return new Location(partition, Optional.empty());
        }
        if (self.isEmpty()) {
            throw new Unavailable("journal partition " + partition + " of account " + account + " is not active on this"
                    + " instance, and application.server is not set, so the request cannot be forwarded");
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(MarginEngineTopology.ACCOUNTS, account,
                Serdes.String().serializer());
        HostInfo host = metadata == null ? null : metadata.activeHost();
        if (host == null || host.port() < 0 || host.equals(self.get())) {
            throw new Unavailable("journal partition " + partition + " of account " + account + " has no active instance"
                    + " now (rebalancing?)");
        }
        return new Location(partition, Optional.of(host));
    }

    /** The journal partitions whose engine task is active here, in order. */
    Set<Integer> localPartitions() {
        Set<Integer> partitions = new TreeSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> task.topicPartitions()
                .stream().filter(partition -> partition.topic().equals(journal))
                .forEach(partition -> partitions.add(partition.partition()))));
        return partitions;
    }

    /** The other instances that run engine tasks. */
    List<HostInfo> otherHosts() {
        List<HostInfo> hosts = new ArrayList<>();
        for (StreamsMetadata metadata : streams.streamsMetadataForStore(MarginEngineTopology.ACCOUNTS)) {
            HostInfo host = metadata.hostInfo();
            if (host.port() >= 0 && self.map(me -> !me.equals(host)).orElse(false)) {
                hosts.add(host);
            }
        }
        return hosts;
    }

    /** The engine's answers from the task of {@code partition}, which must be active here. */
    AccountQuery query(int partition) {
        return new AccountQuery(settings, new AccountQuery.Stores() {
            @Override
            public Object get(String store, String key) {
                return result(store, partition, KeyQuery.<String, Object>withKey(key));
            }

            @Override
            public KeyValueIterator<String, ?> all(String store) {
                return result(store, partition, RangeQuery.<String, Object>withNoBounds());
            }
        });
    }

    private <R> R result(String store, int partition, org.apache.kafka.streams.query.Query<R> query) {
        StateQueryResult<R> answer = streams.query(StateQueryRequest.inStore(store).withQuery(query)
                .withPartitions(Set.of(partition)).requireActive());
        QueryResult<R> result = answer.getPartitionResults().get(partition);
        if (result == null || result.isFailure()) {
            throw new Unavailable("store " + store + " of journal partition " + partition + " cannot be queried now"
                    + (result == null ? "" : ": " + result.getFailureReason() + " " + result.getFailureMessage()));
        }
        return result.getResult();
    }

    private void requireRunning() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new Unavailable("Kafka Streams is " + streams.state() + ", not RUNNING");
        }
    }
}
