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
        assertThat(bytes).hasSize(1 + 8 * 6 + 4 + 24 * 2);
    }

    @Test
    void aHistoryStoredBeforeRealisedVariancesReadsWithEachIntervalsSquaredReturn() {
        // Version 1: interval, bucket, last price, then per close its interval and price.
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(1 + 8 + 8 + 8 + 4 + 16 * 2);
        v1.put((byte) 1).putLong(86_400_000L).putLong(2).putDouble(98.0).putInt(2)
                .putLong(0).putDouble(100.0).putLong(1).putDouble(110.0);

        ReturnHistory read = new ReturnHistorySerde().deserializer().deserialize("t", v1.array());

        assertThat(read.closes()).containsExactly(100.0, 110.0);
        assertThat(read.realisedVariances()).containsExactly(Math.pow(Math.log(1.1), 2));
        assertThat(read.lastPrice()).isEqualTo(98.0);
    }
}
