package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.schema.Checkpoint;
import io.marginflow.serde.PlainAvroSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * One engine task's integrity checkpoints: when the partition's stream time crosses a multiple of
 * {@code engine.checkpoint.interval.ms}, before the entry that crosses it is applied, a
 * {@link Checkpoint} commits to every account's hash-chain head with an RFC 6962 Merkle root
 * ({@link #leaf}), names the fills still parked for their instrument (their outputs, published
 * later, name entries before it), links to the partition's previous checkpoint and is signed when a key is
 * configured. Its content, and so its hash, is a function of the journal: a replay writes the
 * same checkpoints, and (Ed25519 being deterministic) with the same key the same signatures.
 */
public final class Checkpoints {

    /** The partition's last checkpoint, in the {@code checkpoints} store. */
    private static final String LAST = "last";
    /** The partition's chained outputs up to its last checkpoint, in the {@code engine-clock} store. */
    private static final String OUTPUTS = "checkpoint-outputs";
    private static final PlainAvroSerde<Checkpoint> ENCODING = new PlainAvroSerde<>(Checkpoint.class);
    private static final HexFormat HEX = HexFormat.of();

    private final long interval;
    private final Optional<CheckpointKeys.Signer> signer;
    private final UnitOfWork unit;
    private final UnitOfWork.Staged<Checkpoint> checkpoints;
    private final UnitOfWork.Staged<AccountRecord> accounts;
    private final UnitOfWork.Staged<Long> clock;
    private final ParkedFills parked;

    Checkpoints(EngineSettings settings, UnitOfWork unit, ParkedFills parked) {
        this.interval = settings.checkpointIntervalMillis();
        this.signer = settings.checkpointSigningKey().isEmpty() ? Optional.empty()
                : Optional.of(CheckpointKeys.signer(Path.of(settings.checkpointSigningKey())));
        this.unit = unit;
        checkpoints = unit.store(MarginEngineTopology.CHECKPOINTS);
        accounts = unit.store(MarginEngineTopology.ACCOUNTS);
        clock = unit.store(MarginEngineTopology.CLOCK);
        this.parked = parked;
    }

    /**
     * Writes the partition's checkpoint if stream time, moving from {@code before} to
     * {@code eventTime} with the entry at {@code offset}, crosses a multiple of the interval (in a
     * unit, before that entry's timers fire and before it is applied).
     */
    void beforeEntry(long before, long eventTime, int partition, long offset) {
        OptionalLong crossed = EngineClock.multipleCrossed(before, eventTime, interval);
        if (crossed.isEmpty()) {
            return;
        }
        long boundary = crossed.getAsLong();
        List<byte[]> leaves = new ArrayList<>();
        long outputs = 0;
        try (KeyValueIterator<String, AccountRecord> all = accounts.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                if (entry.value.sequence() > 0) {
                    leaves.add(leaf(entry.key, entry.value.sequence(), entry.value.hashHead()));
                    outputs += entry.value.sequence();
                }
            }
        }
        Checkpoint last = checkpoints.get(LAST);
        Long outputsBefore = clock.get(OUTPUTS);
        Checkpoint content = Checkpoint.newBuilder()
                .setJournalPartition(partition)
                .setSequence(last == null ? 1 : last.getSequence() + 1)
                .setCheckpointTime(Instant.ofEpochMilli(boundary))
                .setFromOffset(last == null ? 0 : last.getUntilOffset())
                .setUntilOffset(offset)
                .setOutputs(outputs - (outputsBefore == null ? 0 : outputsBefore))
                .setAccounts(leaves.size())
                .setParkedOffsets(parked.offsets())
                .setMerkleRoot(HEX.formatHex(MerkleTree.of(leaves).root()))
                .setPreviousHash(last == null ? "" : last.getHash())
                .setHash("")
                .build();
        String hash = hashOf(content);
        Checkpoint.Builder sealed = Checkpoint.newBuilder(content).setHash(hash);
        signer.ifPresent(key -> sealed.setKeyId(key.keyId()).setSignature(key.sign(HEX.parseHex(hash))));
        Checkpoint checkpoint = sealed.build();
        checkpoints.put(LAST, checkpoint);
        clock.put(OUTPUTS, outputs);
        unit.forward(new Record<>(String.valueOf(partition), checkpoint, boundary), MarginEngineTopology.CHECKPOINTS_SINK);
    }

    /** The Merkle leaf of an account's chain head: UTF-8 of account, NUL, sequence, NUL, hash. */
    public static byte[] leaf(String account, long sequence, String hash) {
        return (account + '\u0000' + sequence + '\u0000' + hash).getBytes(StandardCharsets.UTF_8);
    }

    /** The checkpoint's hash: SHA-256 of its encoding with keyId and signature null and hash empty. */
    public static String hashOf(Checkpoint checkpoint) {
        Checkpoint content = Checkpoint.newBuilder(checkpoint).setKeyId(null).setSignature(null).setHash("").build();
        return Sha256.hex(ENCODING.encode(content));
    }
}
