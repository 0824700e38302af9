package io.marginflow.audit;

import io.marginflow.config.Topics;
import io.marginflow.engine.MerkleTree;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Cause;
import io.marginflow.schema.Checkpoint;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * {@code audit prove}: the Merkle inclusion proof that an account's chain head is in a checkpoint
 * of its journal partition (RFC 6962 section 2.1.1's audit path), built from the topics: the
 * checkpoint, and every account's last output before its offset as the output topics show them.
 * Anyone holding the leaf, its index, the tree's size and the path can check it against the
 * signed root without the other accounts' heads ({@link MerkleTree#proves}).
 */
public final class InclusionProof {

    /**
     * A proof: the checkpoint and where it is, the account's head (the leaf), its place among the
     * tree's leaves, the sibling hashes from the leaf up, whether they lead to the checkpoint's
     * root, and what is wrong with the checkpoint's signature, if a public key was given.
     */
    public record Proof(Checkpoint checkpoint, JournalReplay.Coordinates at, String account, long sequence, String hash,
                        int index, int size, List<String> path, boolean proves, Optional<String> signatureProblem) {}

    private static final HexFormat HEX = HexFormat.of();

    private final ChainedTopics chained;
    private final String checkpoints;
    private final CheckpointRecords records;

    public InclusionProof(Topics topics, SchemaRegistry registry) {
        this.chained = new ChainedTopics(topics, registry);
        this.checkpoints = topics.checkpoints();
        this.records = new CheckpointRecords(registry);
    }

    /**
     * The proof that {@code account}, on journal partition {@code partition}, is in the checkpoint
     * {@code sequence} of that partition (the latest in scope if empty).
     *
     * @throws AuditMistake if there is no such checkpoint, or the account has no output before it
     */
    public Proof prove(KafkaConsumer<byte[], byte[]> consumer, JournalScope scope, String account, int partition,
                       OptionalLong sequence, Optional<PublicKey> publicKey) {
        Checkpoint[] chosen = {null};
        JournalReplay.Coordinates[] at = {null};
        TopicReader.readAll(consumer, checkpoints, record -> records.judge(record, scope,
                JournalScope.Verdicts.inScopeOnly((read, checkpoint) -> {
                    if (checkpoint.getJournalPartition() == partition
                            && (sequence.isEmpty() ? chosen[0] == null || checkpoint.getSequence() > chosen[0].getSequence()
                                    : checkpoint.getSequence() == sequence.getAsLong() && chosen[0] == null)) {
                        chosen[0] = checkpoint;
                        at[0] = new JournalReplay.Coordinates(read.topic(), read.partition(), read.offset());
                    }
                })));
        Checkpoint checkpoint = chosen[0];
        if (checkpoint == null) {
            throw new AuditMistake("journal partition " + partition + " (account " + account + "'s) has no checkpoint"
                    + (sequence.isPresent() ? " " + sequence.getAsLong() : "") + " on " + checkpoints + " in "
                    + scope.describe());
        }
        Map<String, List<CheckpointVerification.Output>> outputs = outputsOf(consumer, scope, partition);
        Map<String, CheckpointVerification.Output> heads = CheckpointVerification.headsBefore(outputs, checkpoint);
        CheckpointVerification.Output head = heads.get(account);
        if (head == null) {
            throw new AuditMistake("account " + account + " has no output before checkpoint " + checkpoint.getSequence()
                    + " of journal partition " + partition + " (journal offset " + checkpoint.getUntilOffset()
                    + "): it is not in the checkpoint");
        }
        int index = new ArrayList<>(heads.keySet()).indexOf(account);
        List<byte[]> leaves = CheckpointVerification.leaves(heads);
        List<byte[]> path = MerkleTree.of(leaves).path(index);
        boolean proves = MerkleTree.proves(leaves.get(index), index, leaves.size(), path,
                HEX.parseHex(checkpoint.getMerkleRoot()));
        return new Proof(checkpoint, at[0], account, head.sequence(), head.hash(), index, leaves.size(),
                path.stream().map(HEX::formatHex).toList(), proves,
                publicKey.flatMap(key -> CheckpointVerification.signatureProblem(checkpoint, key)));
    }

    /** The chained outputs of journal partition {@code partition}'s entries in scope, by account. */
    private Map<String, List<CheckpointVerification.Output>> outputsOf(KafkaConsumer<byte[], byte[]> consumer,
                                                                        JournalScope scope, int partition) {
        Map<String, List<CheckpointVerification.Output>> outputs = new TreeMap<>();
        for (String topic : chained.names()) {
            TopicReader.readAll(consumer, topic, record -> chained.judge(record, scope,
                    JournalScope.Verdicts.inScopeOnly((read, output) -> {
                        Cause cause = ChainedTopics.cause(output);
                        if (cause.getJournalPartition() == partition) {
                            outputs.computeIfAbsent(ChainedTopics.account(output), a -> new ArrayList<>())
                                    .add(new CheckpointVerification.Output(ChainedTopics.sequence(output),
                                            ChainedTopics.hash(output), cause.getJournalOffset()));
                        }
                    })));
        }
        return outputs;
    }
}
