package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.T0;
import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.engine.CheckpointKeys;
import io.marginflow.engine.Checkpoints;
import io.marginflow.engine.MerkleTree;
import io.marginflow.schema.Cause;
import io.marginflow.schema.Checkpoint;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.MarginResult;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integrity checkpoints: when a journal partition's stream time crosses a multiple of
 * {@code engine.checkpoint.interval.ms}, before the entry that crosses it is applied, the engine
 * writes the Merkle root of every account's chain head, linked to the previous checkpoint and
 * signed with the configured Ed25519 key.
 */
class CheckpointSpec {

    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path keys;

    @Test
    void eachCrossingOfTheIntervalWritesASignedCheckpointOfEveryChainHeadBeforeIt() throws Exception {
        Path signingKey = keys.resolve("checkpoints.key");
        CheckpointKeys.generate(signingKey, keys.resolve("checkpoints.key.pub"));
        PublicKey published = CheckpointKeys.publicKey(keys.resolve("checkpoints.key.pub"));
        try (PipelineDriver pipeline = new PipelineDriver(Map.of("engine.checkpoint.signing-key", signingKey.toString()))) {
            List<SpecificRecord> outputs = new ArrayList<>();
            pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
            pipeline.publish(mark("BTC-PERPETUAL", 5_000.0, 0));
            for (String account : List.of("ACC-A", "ACC-B", "ACC-C")) {
                pipeline.publish(deposit(account + "-M", account, "USD", "1000"));
                pipeline.publish(fill(account + "-F", account, "BTC-PERPETUAL", "1", 5_000.0));
            }
            pipeline.publish(mark("BTC-PERPETUAL", 4_900.0, 59)); // every account margined again
            pipeline.publish(tick(Duration.ofMinutes(59).plusSeconds(30))); // no hour crossed
            assertThat(pipeline.checkpoints()).isEmpty();
            outputs.addAll(pipeline.margin());
            outputs.addAll(pipeline.marginCalls());

            long journalled = pipeline.journal().size();
            pipeline.publish(tick(Duration.ofHours(1).plusSeconds(1))); // crosses 01:00
            List<Checkpoint> first = pipeline.checkpoints();
            assertThat(first).singleElement().satisfies(checkpoint -> {
                assertThat(checkpoint.getSequence()).isEqualTo(1);
                assertThat(checkpoint.getCheckpointTime()).isEqualTo(T0.plus(Duration.ofHours(1)));
                assertThat(checkpoint.getFromOffset()).isZero();
                assertThat(checkpoint.getUntilOffset()).as("the crossing entry, not covered")
                        .isEqualTo(journalled);
                assertThat(checkpoint.getPreviousHash()).isEmpty();
                assertThat(checkpoint.getAccounts()).isEqualTo(3);
                assertThat(checkpoint.getOutputs()).isEqualTo(outputs.size());
                assertThat(checkpoint.getMerkleRoot()).isEqualTo(rootOfHeads(outputs));
                assertThat(checkpoint.getHash()).isEqualTo(Checkpoints.hashOf(checkpoint));
                assertThat(checkpoint.getKeyId()).isEqualTo(CheckpointKeys.keyId(published));
                assertThat(CheckpointKeys.verifies(published, HEX.parseHex(checkpoint.getHash()), checkpoint.getSignature()))
                        .as("signed with the key keygen made").isTrue();
            });

            pipeline.publish(mark("BTC-PERPETUAL", 4_000.0, 70)); // every account's equity 0 at 01:10
            List<SpecificRecord> later = new ArrayList<>(pipeline.margin());
            later.addAll(pipeline.marginCalls());
            outputs.addAll(later);
            assertThat(later).as("the mark at 01:10 margined every account").hasSizeGreaterThanOrEqualTo(3);
            // crosses 02:00 and 03:00: one checkpoint, at 03:00, before the calls this tick decides
            pipeline.publish(tick(Duration.ofHours(3).plusSeconds(5)));
            assertThat(pipeline.checkpoints()).singleElement().satisfies(checkpoint -> {
                assertThat(checkpoint.getSequence()).isEqualTo(2);
                assertThat(checkpoint.getCheckpointTime()).isEqualTo(T0.plus(Duration.ofHours(3)));
                assertThat(checkpoint.getPreviousHash()).isEqualTo(first.get(0).getHash());
                assertThat(checkpoint.getFromOffset()).isEqualTo(first.get(0).getUntilOffset());
                assertThat(checkpoint.getOutputs()).isEqualTo(later.size());
                assertThat(checkpoint.getMerkleRoot()).isEqualTo(rootOfHeads(outputs));
            });
            assertThat(pipeline.liquidations()).as("equity 0 < MM: decided after the checkpoint, by the tick that crossed it")
                    .hasSize(3);
        }
    }

    @Test
    void aFillParkedAcrossACheckpointIsNamedByItAndCountedByTheNextOne() {
        try (PipelineDriver pipeline = new PipelineDriver(Map.of("engine.unknown-instrument-wait.ms", "7200000"))) {
            pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
            pipeline.publish(mark("BTC-PERPETUAL", 5_000.0, 0));
            pipeline.publish(deposit("ACC-A-M", "ACC-A", "USD", "10000"));
            pipeline.publish(fill("ACC-A-F1", "ACC-A", "BTC-PERPETUAL", "1", 5_000.0));
            pipeline.publish(fill("ACC-A-F2", "ACC-A", "ETH-PERPETUAL", "1", 150.0)); // ETH-PERPETUAL not defined yet
            long parkedAt = pipeline.journal().size() - 1L;
            List<SpecificRecord> outputs = new ArrayList<>(pipeline.margin());
            assertThat(outputs).as("the deposit and the first fill; the second waits for its instrument").hasSize(2);

            pipeline.publish(tick(Duration.ofHours(1).plusSeconds(1))); // crosses 01:00 with the fill parked
            Checkpoint first = pipeline.checkpoints().get(0);
            assertThat(first.getParkedOffsets()).containsExactly(parkedAt);
            assertThat(first.getOutputs()).isEqualTo(2);
            assertThat(first.getMerkleRoot()).isEqualTo(rootOfHeads(outputs));

            pipeline.publish(Instrument.newBuilder(perpetual("ETH-PERPETUAL", "ETH"))
                    .setEventTime(T0.plus(Duration.ofMinutes(61))).build());
            List<MarginResult> applied = pipeline.margin();
            assertThat(applied).singleElement().satisfies(result -> assertThat(result.getCause().getJournalOffset())
                    .as("applied under its own coordinates: an entry before the first checkpoint's untilOffset")
                    .isEqualTo(parkedAt).isLessThan(first.getUntilOffset()));
            outputs.addAll(applied);
            // what an auditor computes from the output topics: heads caused before untilOffset, but for the parked fills
            assertThat(rootOfHeads(outputs.stream().filter(output -> causeOffset(output) < first.getUntilOffset()
                    && !first.getParkedOffsets().contains(causeOffset(output))).toList()))
                    .isEqualTo(first.getMerkleRoot());
            assertThat(rootOfHeads(outputs.stream().filter(output -> causeOffset(output) < first.getUntilOffset()).toList()))
                    .as("without the parked offsets the heads would not match").isNotEqualTo(first.getMerkleRoot());

            pipeline.publish(tick(Duration.ofHours(2).plusSeconds(1)));
            assertThat(pipeline.checkpoints()).singleElement().satisfies(second -> {
                assertThat(second.getParkedOffsets()).isEmpty();
                assertThat(second.getOutputs()).as("the parked fill's result, published after the first").isEqualTo(1);
                assertThat(second.getMerkleRoot()).isEqualTo(rootOfHeads(outputs));
            });
        }
    }

    private static long causeOffset(SpecificRecord output) {
        return ((Cause) output.get(output.getSchema().getField("cause").pos())).getJournalOffset();
    }

    @Test
    void anIntervalOfZeroWritesNoCheckpointAndNoKeyWritesThemUnsigned() {
        try (PipelineDriver none = new PipelineDriver(Map.of("engine.checkpoint.interval.ms", "0"))) {
            none.publish(perpetual("BTC-PERPETUAL", "BTC"));
            none.publish(tick(Duration.ZERO));
            none.publish(tick(Duration.ofHours(5)));
            assertThat(none.checkpoints()).isEmpty();
        }
        try (PipelineDriver unsigned = new PipelineDriver()) {
            unsigned.publish(tick(Duration.ZERO));
            unsigned.publish(tick(Duration.ofHours(1)));
            assertThat(unsigned.checkpoints()).singleElement().satisfies(checkpoint -> {
                assertThat(checkpoint.getSignature()).isNull();
                assertThat(checkpoint.getKeyId()).isNull();
                assertThat(checkpoint.getAccounts()).isZero();
                assertThat(checkpoint.getMerkleRoot()).as("SHA-256 of nothing")
                        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
            });
        }
    }

    private static ClockTick tick(Duration after) {
        return new ClockTick(T0.plus(after));
    }

    /**
     * The Merkle root over each account's last output as a consumer of the output topics sees it:
     * leaves in account order (ASCII ids: UTF-8 byte order is string order).
     */
    private static String rootOfHeads(List<SpecificRecord> outputs) {
        Map<String, String[]> heads = new TreeMap<>();
        for (SpecificRecord output : outputs) {
            String account = output.get(output.getSchema().getField("account").pos()).toString();
            long sequence = (Long) output.get(output.getSchema().getField("sequence").pos());
            String hash = output.get(output.getSchema().getField("hash").pos()).toString();
            heads.merge(account, new String[] {Long.toString(sequence), hash},
                    (was, is) -> Long.parseLong(was[0]) > Long.parseLong(is[0]) ? was : is);
        }
        List<byte[]> leaves = new ArrayList<>();
        heads.forEach((account, head) -> leaves.add(Checkpoints.leaf(account, Long.parseLong(head[0]), head[1])));
        return HEX.formatHex(MerkleTree.of(leaves).root());
    }
}
