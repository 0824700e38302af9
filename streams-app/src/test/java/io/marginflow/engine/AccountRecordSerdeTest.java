package io.marginflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.risk.Portfolio;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.risk.stats.RobustBaseline;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AccountRecordSerdeTest {

    private static final AccountRecord RECORD = new AccountRecord(Portfolio.EMPTY, LifecycleState.NEW, 7, "ab12", true,
            1_000.0, 160.0, 80.0, new RobustBaseline(0.05, 0.2, 30), new RobustBaseline(-0.1, 0.17, 41), "CM-01");

    @Test
    void aRecordRoundTripsWithBothBaselinesAndItsMember() {
        byte[] bytes = AccountRecordSerde.encode(RECORD);

        assertThat(bytes[0]).as("format").isEqualTo((byte) 5);
        assertThat(AccountRecordSerde.decode(bytes)).isEqualTo(RECORD);
    }

    @Test
    void aFormatFourRecordReadsWithAnEmptyUsageBaseline() {
        // format 5 is format 4 with the usage baseline (median, MAD, count: 8 + 8 + 8 bytes) appended
        byte[] five = AccountRecordSerde.encode(RECORD);
        byte[] four = Arrays.copyOf(five, five.length - 24);
        four[0] = 4;

        assertThat(AccountRecordSerde.decode(four)).isEqualTo(RECORD.withUsage(RobustBaseline.EMPTY));
    }
}
