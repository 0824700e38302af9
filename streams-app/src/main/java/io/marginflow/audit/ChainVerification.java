package io.marginflow.audit;

import io.marginflow.engine.OutputChain;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Cause;
import io.marginflow.serde.WireFormat;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * {@code audit verify}: every account's hash chain on the output topics, checked from the records
 * alone: each record's hash is the SHA-256 of its own encoding with the hash left empty (whatever
 * schema version wrote it), its account's records run from sequence 1 without a gap or a second
 * record at one place, and each names the hash of the one before it; then the integrity
 * checkpoints ({@link CheckpointVerification}). Only the outputs and checkpoints of the journal
 * entries in scope are judged.
 */
public final class ChainVerification {

    /** What is wrong with a record. */
    public enum Problem {
        /** Its hash is not the hash of its content: the content was changed. */
        HASH,
        /** Records are missing before it in its account's chain. */
        GAP,
        /** Another record holds its place in the chain. */
        DUPLICATE,
        /** It does not name the hash of the record before it. */
        LINK,
        /** It does not decode as its topic's type. */
        UNREADABLE,
        /** Its cause is not in the journal: no engine wrote it. */
        CAUSE,
        /** A checkpoint does not start where the one before it ended. */
        RANGE,
        /** A checkpoint's Merkle root is not that of the chain heads the output topics show before it. */
        ROOT,
        /** A checkpoint is unsigned, signed by another key, or its signature does not verify. */
        SIGNATURE
    }

    /**
     * A record that fails a check, named by its coordinates and, when it could be read, by what it
     * is ("account X" or "checkpoint of journal partition P") and its place in that chain.
     */
    public record Failure(Problem problem, JournalReplay.Coordinates at, String subject, long sequence, String detail) {}

    /**
     * The outcome: records checked, accounts, checkpoints (their signatures checked or not), and
     * every failure, chains in account order, then checkpoints by journal partition.
     */
    public record Report(JournalScope scope, long records, int accounts, long checkpoints, boolean signaturesChecked,
                         List<Failure> failures, double seconds) {
        public boolean verified() {
            return failures.isEmpty();
        }
    }

    private record Link(long sequence, String hash, String previousHash, JournalReplay.Coordinates at) {}

    private final ChainedTopics chained;
    private final CheckpointVerification checkpoints;
    private final boolean signaturesChecked;

    /**
     * @param publicKey the key checkpoints must be signed with; without it their signatures are not checked
     */
    public ChainVerification(io.marginflow.config.Topics topics, SchemaRegistry registry, Optional<PublicKey> publicKey) {
        this.chained = new ChainedTopics(topics, registry);
        this.checkpoints = new CheckpointVerification(topics.checkpoints(), registry, publicKey);
        this.signaturesChecked = publicKey.isPresent();
    }

    public Report verify(KafkaConsumer<byte[], byte[]> consumer, JournalScope scope) {
        long start = System.nanoTime();
        List<Failure> failures = new ArrayList<>();
        Map<String, List<Link>> chains = new TreeMap<>();
        Map<Integer, Map<String, List<CheckpointVerification.Output>>> byPartition = new TreeMap<>();
        long[] records = {0};
        for (String topic : chained.names()) {
            TopicReader.readAll(consumer, topic, record -> chained.judge(record, scope, new JournalScope.Verdicts<SpecificRecord>() {
                @Override
                public void unreadable(ConsumerRecord<byte[], byte[]> record, String reason) {
                    failures.add(new Failure(Problem.UNREADABLE, at(record), null, -1, reason));
                }

                @Override
                public void foreign(ConsumerRecord<byte[], byte[]> record, SpecificRecord output, String reason) {
                    failures.add(new Failure(Problem.CAUSE, at(record), "account " + ChainedTopics.account(output),
                            ChainedTopics.sequence(output), reason));
                }

                @Override
                public void inScope(ConsumerRecord<byte[], byte[]> record, SpecificRecord output) {
                    Cause cause = ChainedTopics.cause(output);
                    records[0]++;
                    String account = ChainedTopics.account(output);
                    long sequence = ChainedTopics.sequence(output);
                    if (!hashHolds(record)) {
                        failures.add(new Failure(Problem.HASH, at(record), "account " + account, sequence, "its hash "
                                + ChainedTopics.hash(output) + " is not the hash of its content"));
                    }
                    chains.computeIfAbsent(account, a -> new ArrayList<>())
                            .add(new Link(sequence, ChainedTopics.hash(output), ChainedTopics.previousHash(output), at(record)));
                    byPartition.computeIfAbsent(cause.getJournalPartition(), p -> new TreeMap<>())
                            .computeIfAbsent(account, a -> new ArrayList<>())
                            .add(new CheckpointVerification.Output(sequence, ChainedTopics.hash(output), cause.getJournalOffset()));
                }
            }));
        }
        chains.forEach((account, links) -> walk(account, links, failures));
        long checked = checkpoints.verify(consumer, scope, byPartition, failures);
        return new Report(scope, records[0], chains.size(), checked, signaturesChecked, failures,
                (System.nanoTime() - start) / 1e9);
    }

    private static JournalReplay.Coordinates at(ConsumerRecord<byte[], byte[]> record) {
        return new JournalReplay.Coordinates(record.topic(), record.partition(), record.offset());
    }

    private static boolean hashHolds(ConsumerRecord<byte[], byte[]> record) {
        byte[] value = record.value();
        return OutputChain.verifiesEncoding(value, WireFormat.HEADER_LENGTH, value.length - WireFormat.HEADER_LENGTH);
    }

    /** One account's records in chain order: from sequence 1, no gap, no second record at a place, each linked to the one before. */
    private static void walk(String account, List<Link> links, List<Failure> failures) {
        links.sort(Comparator.comparingLong(Link::sequence).thenComparing(link -> link.at().topic())
                .thenComparingLong(link -> link.at().offset()));
        long expected = 1;
        String previous = "";
        for (Link link : links) {
            if (link.sequence() < expected) {
                failures.add(new Failure(Problem.DUPLICATE, link.at(), "account " + account, link.sequence(),
                        "a record before it already holds sequence " + link.sequence()));
                continue;
            }
            if (link.sequence() > expected) {
                failures.add(new Failure(Problem.GAP, link.at(), "account " + account, link.sequence(), "sequence "
                        + (link.sequence() - 1 == expected ? String.valueOf(expected) : expected + " to " + (link.sequence() - 1))
                        + " missing before it"));
                previous = null;
            }
            if (previous != null && !previous.equals(link.previousHash())) {
                failures.add(new Failure(Problem.LINK, link.at(), "account " + account, link.sequence(), "it names previous hash \""
                        + link.previousHash() + "\", but the record before it has hash \"" + previous + "\""));
            }
            previous = link.hash();
            expected = link.sequence() + 1;
        }
    }
}
