package io.marginflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marginflow.config.InputBounds;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistorySeederTest {

    @Test
    void readsIsoAndEpochTimesAndSkipsAHeader() {
        List<HistorySeeder.Line> lines = HistorySeeder.parse(List.of("time,price", "2020-03-09T00:00:00Z,8000.5",
                "1583798400000, 7900", ""), "BTC", InputBounds.DEFAULT);
        assertThat(lines).extracting(HistorySeeder.Line::time)
                .containsExactly(Instant.parse("2020-03-09T00:00:00Z"), Instant.parse("2020-03-10T00:00:00Z"));
        assertThat(lines).extracting(HistorySeeder.Line::price).containsExactly(8000.5, 7900.0);
    }

    @Test
    void anyBadLineRefusesTheWholeFileNamingEveryOne() {
        assertThatThrownBy(() -> HistorySeeder.parse(List.of("2020-03-09T00:00:00Z,8000", "yesterday,7000",
                "2020-03-10T00:00:00Z,-1", "2020-03-08T00:00:00Z,7000", "2020-03-11T00:00:00Z",
                "2020-03-12T00:00:00Z,1e300", "1999-12-31T00:00:00Z,7000"), "BTC", InputBounds.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing published")
                .hasMessageContaining("line 2: not a time and a price")
                .hasMessageContaining("line 3: price of BTC must be finite and positive")
                .hasMessageContaining("line 4: times must increase")
                .hasMessageContaining("line 5: expected time,price")
                // the sequencer's bounds, checked before anything is published
                .hasMessageContaining("line 6: price of BTC 1.0E300 is outside [1.0E-8, 1.0E9]")
                .hasMessageContaining("line 7: event time 1999-12-31T00:00:00Z is outside");
    }
}
