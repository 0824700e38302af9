package io.marginflow.audit;

import io.marginflow.engine.CheckpointKeys;
import io.marginflow.engine.Checkpoints;
import io.marginflow.engine.MerkleTree;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * {@code audit verify}'s checks of the integrity checkpoints on {@code risk.checkpoints}: per
 * journal partition, each checkpoint's hash is the hash of its content, they run from sequence 1
 * with no gap or second record, each names the previous one's hash and starts at the offset it
 * ended; each Merkle root is the root of the partition's chain heads before the checkpoint's
 * offset (but for the fills it names as still parked), as the output topics show them; and,
 * given the public key, each signature verifies.
 */
final class CheckpointVerification {

    /** One chained output, as the root check needs it. */
    record Output(long sequence, String hash, long causeOffset) {}

    private record Read(Checkpoint checkpoint, JournalReplay.Coordinates at) {}

    private static final HexFormat HEX = HexFormat.of();
    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final String topic;
    private final CheckpointRecords checkpoints;
    private final Optional<PublicKey> key;

    CheckpointVerification(String topic, SchemaRegistry registry, Optional<PublicKey> key) {
        this.topic = topic;
        this.checkpoints = new CheckpointRecords(registry);
        this.key = key;
    }

    private static JournalReplay.Coordinates at(ConsumerRecord<byte[], byte[]> record) {
        return new JournalReplay.Coordinates(record.topic(), record.partition(), record.offset());
    }

    /**
     * Checks the checkpoints of the journal entries in {@code scope}.
     *
     * @param outputs by journal partition, each account's outputs (any order)
     * @return the number of checkpoints checked
     */
    long verify(KafkaConsumer<byte[], byte[]> consumer, JournalScope scope, Map<Integer, Map<String, List<Output>>> outputs,
                List<ChainVerification.Failure> failures) {
        Map<Integer, List<Read>> byPartition = new TreeMap<>();
        TopicReader.readAll(consumer, topic, record -> checkpoints.judge(record, scope,
                new JournalScope.Verdicts<Checkpoint>() {
                    @Override
                    public void unreadable(ConsumerRecord<byte[], byte[]> record, String reason) {
                        failures.add(failure(ChainVerification.Problem.UNREADABLE, at(record), null, reason));
                    }

                    @Override
                    public void foreign(ConsumerRecord<byte[], byte[]> record, Checkpoint checkpoint, String reason) {
                        failures.add(failure(ChainVerification.Problem.CAUSE, at(record), checkpoint, reason));
                    }

                    @Override
                    public void inScope(ConsumerRecord<byte[], byte[]> record, Checkpoint checkpoint) {
                        byPartition.computeIfAbsent(checkpoint.getJournalPartition(), p -> new ArrayList<>())
                                .add(new Read(checkpoint, at(record)));
                    }
                }));
        long checked = 0;
        for (Map.Entry<Integer, List<Read>> partition : byPartition.entrySet()) {
            List<Read> reads = partition.getValue();
            reads.sort(Comparator.comparingLong((Read read) -> read.checkpoint().getSequence())
                    .thenComparingLong(read -> read.at().offset()));
            walk(reads, outputs.getOrDefault(partition.getKey(), Map.of()), failures);
            checked += reads.size();
        }
        return checked;
    }

    /** One partition's checkpoints in sequence order. */
    private void walk(List<Read> reads, Map<String, List<Output>> outputs, List<ChainVerification.Failure> failures) {
        long expected = 1;
        Checkpoint previous = null;
        long outputsBefore = 0;
        for (Read read : reads) {
            Checkpoint checkpoint = read.checkpoint();
            if (!Checkpoints.hashOf(checkpoint).equals(checkpoint.getHash())) {
                failures.add(failure(ChainVerification.Problem.HASH, read.at(), checkpoint, "its hash "
                        + checkpoint.getHash() + " is not the hash of its content"));
            }
            key.ifPresent(publicKey -> signature(read, publicKey, failures));
            if (checkpoint.getSequence() < expected) {
                failures.add(failure(ChainVerification.Problem.DUPLICATE, read.at(), checkpoint,
                        "a checkpoint before it already holds sequence " + checkpoint.getSequence()));
                continue;
            }
            if (checkpoint.getSequence() > expected) {
                failures.add(failure(ChainVerification.Problem.GAP, read.at(), checkpoint, "checkpoint "
                        + expected + (checkpoint.getSequence() - 1 > expected ? " to " + (checkpoint.getSequence() - 1) : "")
                        + " missing before it"));
                previous = null;
            } else {
                String previousHash = previous == null ? "" : previous.getHash();
                long from = previous == null ? 0 : previous.getUntilOffset();
                if (!previousHash.equals(checkpoint.getPreviousHash())) {
                    failures.add(failure(ChainVerification.Problem.LINK, read.at(), checkpoint, "it names previous hash \""
                            + checkpoint.getPreviousHash() + "\", but the checkpoint before it has hash \"" + previousHash + "\""));
                }
                if (checkpoint.getFromOffset() != from) {
                    failures.add(failure(ChainVerification.Problem.RANGE, read.at(), checkpoint, "it covers the journal from"
                            + " offset " + checkpoint.getFromOffset() + ", but the checkpoint before it ended at " + from));
                }
            }
            outputsBefore = root(read, outputs, outputsBefore, previous != null || checkpoint.getSequence() == 1, failures);
            previous = checkpoint;
            expected = checkpoint.getSequence() + 1;
        }
    }

    /**
     * Checks the root (and the counts) against each account's last output caused before the
     * checkpoint's offset; returns the outputs up to it.
     */
    private static long root(Read read, Map<String, List<Output>> outputs, long outputsBefore, boolean countsKnown,
                             List<ChainVerification.Failure> failures) {
        Checkpoint checkpoint = read.checkpoint();
        Map<String, Output> heads = headsBefore(outputs, checkpoint);
        long total = heads.values().stream().mapToLong(Output::sequence).sum();
        List<byte[]> leaves = leaves(heads);
        String root = HEX.formatHex(MerkleTree.of(leaves).root());
        if (!root.equals(checkpoint.getMerkleRoot()) || leaves.size() != checkpoint.getAccounts()
                || (countsKnown && total - outputsBefore != checkpoint.getOutputs())) {
            failures.add(failure(ChainVerification.Problem.ROOT, read.at(), checkpoint, "the output topics' chain heads"
                    + " before journal offset " + checkpoint.getUntilOffset() + " (" + leaves.size() + " accounts, "
                    + (total - outputsBefore) + " outputs since the checkpoint before) have root " + root
                    + "; it says " + checkpoint.getMerkleRoot() + " (" + checkpoint.getAccounts() + " accounts, "
                    + checkpoint.getOutputs() + " outputs)"));
        }
        return total;
    }

    /**
     * Each account's chain head at {@code checkpoint}: its output with the highest sequence among
     * those caused by an entry before the checkpoint's offset, leaving out the fills it names as
     * still parked (applied, and their outputs published, after it); accounts in UTF-8 byte order
     * (the order of a checkpoint's leaves).
     */
    static Map<String, Output> headsBefore(Map<String, List<Output>> outputs, Checkpoint checkpoint) {
        long untilOffset = checkpoint.getUntilOffset();
        Set<Long> parked = new HashSet<>(checkpoint.getParkedOffsets());
        Map<String, Output> heads = new TreeMap<>(UTF8_ORDER);
        for (Map.Entry<String, List<Output>> account : outputs.entrySet()) {
            Output head = null;
            for (Output output : account.getValue()) {
                if (output.causeOffset() < untilOffset && !parked.contains(output.causeOffset())
                        && (head == null || output.sequence() > head.sequence())) {
                    head = output;
                }
            }
            if (head != null) {
                heads.put(account.getKey(), head);
            }
        }
        return heads;
    }

    /** The Merkle leaves of {@code heads}, in their order. */
    static List<byte[]> leaves(Map<String, Output> heads) {
        List<byte[]> leaves = new ArrayList<>(heads.size());
        heads.forEach((account, head) -> leaves.add(Checkpoints.leaf(account, head.sequence(), head.hash())));
        return leaves;
    }

    private static void signature(Read read, PublicKey publicKey, List<ChainVerification.Failure> failures) {
        signatureProblem(read.checkpoint(), publicKey).ifPresent(problem ->
                failures.add(failure(ChainVerification.Problem.SIGNATURE, read.at(), read.checkpoint(), problem)));
    }

    /** What is wrong with {@code checkpoint}'s signature by {@code publicKey}, if anything. */
    static Optional<String> signatureProblem(Checkpoint checkpoint, PublicKey publicKey) {
        String keyId = CheckpointKeys.keyId(publicKey);
        if (checkpoint.getSignature() == null) {
            return Optional.of("it is not signed");
        } else if (!keyId.equals(checkpoint.getKeyId())) {
            return Optional.of("it is signed by key " + checkpoint.getKeyId() + ", not by the public key given (" + keyId + ")");
        } else if (!CheckpointKeys.verifies(publicKey, HEX.parseHex(checkpoint.getHash()), checkpoint.getSignature())) {
            return Optional.of("its signature does not verify with the public key given");
        }
        return Optional.empty();
    }

    private static ChainVerification.Failure failure(ChainVerification.Problem problem, JournalReplay.Coordinates at,
                                                     Checkpoint checkpoint, String detail) {
        return new ChainVerification.Failure(problem, at, checkpoint == null ? null
                : "checkpoint of journal partition " + checkpoint.getJournalPartition(),
                checkpoint == null ? -1 : checkpoint.getSequence(), detail);
    }
}
