package io.marginflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.risk.stats.ReturnHistory;
import org.junit.jupiter.api.Test;

class ReturnHistorySerdeTest {

    @Test
    void aHistoryRoundTripsThroughTheStoreFormat() {
        ReturnHistory history = ReturnHistory.starting(86_400_000L, 0, 100.0)
                .with(86_400_000L, 101.5, 10).with(2 * 86_400_000L, 99.25, 10).with(2 * 86_400_000L + 5, 98.0, 10);
        ReturnHistorySerde serde = new ReturnHistorySerde();

        byte[] bytes = serde.serializer().serialize("t", history);

        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(history);
        assertThat(bytes).hasSize(1 + 8 + 8 + 8 + 4 + 16 * 2);
    }
}
