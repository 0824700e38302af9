package io.marginflow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.schema.Checkpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which outputs {@code audit verify} and {@code audit prove} take as an account's chain head at a checkpoint. */
class CheckpointHeadsTest {

    private static Checkpoint until(long untilOffset, List<Long> parked) {
        return Checkpoint.newBuilder().setJournalPartition(0).setSequence(1).setCheckpointTime(Instant.EPOCH)
                .setFromOffset(0).setUntilOffset(untilOffset).setOutputs(0).setAccounts(0).setParkedOffsets(parked)
                .setMerkleRoot("").setPreviousHash("").setHash("").build();
    }

    @Test
    void theHeadIsTheLastOutputCausedBeforeTheOffsetButForTheFillsStillParked() {
        var first = new CheckpointVerification.Output(1, "h1", 3);
        var parkedFill = new CheckpointVerification.Output(2, "h2", 4); // parked at offset 4, applied after offset 6
        var later = new CheckpointVerification.Output(3, "h3", 9);
        Map<String, List<CheckpointVerification.Output>> outputs = Map.of("ACC-A", List.of(later, parkedFill, first),
                "ACC-B", List.of(parkedFill));

        assertThat(CheckpointVerification.headsBefore(outputs, until(6, List.of()))).containsOnly(
                Map.entry("ACC-A", parkedFill), Map.entry("ACC-B", parkedFill));
        assertThat(CheckpointVerification.headsBefore(outputs, until(6, List.of(4L))))
                .as("an account whose only output before the offset is a parked fill's is no leaf")
                .containsOnly(Map.entry("ACC-A", first));
        assertThat(CheckpointVerification.headsBefore(outputs, until(10, List.of())).get("ACC-A")).isEqualTo(later);
    }
}
