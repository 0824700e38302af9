package io.marginflow.api;

import io.marginflow.risk.MarginStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code marginflow_accounts{status}}: the accounts of this instance's active engine tasks in each
 * status, counted from the accounts stores at most once a minute (a scrape does not rescan). A
 * count decodes every local account, a few seconds of CPU at a million: hence the minute.
 */
final class StatusGauges {

    private static final long REFRESH_NANOS = 60_000_000_000L;

    private final Cluster cluster;
    private Map<MarginStatus, Long> counts = new EnumMap<>(MarginStatus.class);
    private long countedAt = Long.MIN_VALUE;

    private StatusGauges(Cluster cluster) {
        this.cluster = cluster;
    }

    static void bind(MeterRegistry registry, Cluster cluster) {
        StatusGauges gauges = new StatusGauges(cluster);
        for (MarginStatus status : MarginStatus.values()) {
            Gauge.builder("marginflow.accounts", gauges, g -> g.count(status))
                    .description("accounts of this instance's active engine tasks, by status")
                    .tag("status", status.name())
                    .strongReference(true)
                    .register(registry);
        }
    }

    private synchronized double count(MarginStatus status) {
        long now = System.nanoTime();
        if (countedAt == Long.MIN_VALUE || now - countedAt > REFRESH_NANOS) {
            Map<MarginStatus, Long> fresh = new EnumMap<>(MarginStatus.class);
            try {
                for (int partition : cluster.localPartitions()) {
                    cluster.query(partition).statusCounts().forEach((s, n) -> fresh.merge(s, n, Long::sum));
                }
                counts = fresh;
            } catch (Cluster.Unavailable e) {
                // keep the last counts while rebalancing
            }
            countedAt = now;
        }
        return counts.getOrDefault(status, 0L);
    }
}
