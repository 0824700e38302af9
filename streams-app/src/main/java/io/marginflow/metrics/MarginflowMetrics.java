package io.marginflow.metrics;

import io.marginflow.schema.Alert;
import io.marginflow.schema.Cause;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.StressResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Marginflow's own metrics, named {@code marginflow_*} in Prometheus. They are taken at the
 * topology's edges, so the engine's logic knows nothing of them: the journal entries the engine
 * reads (by kind), the time it takes per entry (fan-out and recomputes included), and every record
 * its sinks write (margin results with the lag from their input's record timestamp, call and
 * liquidation transitions, dead letters by stage and class, alerts, the stress runs' Cover-2).
 * Under exactly-once a transaction that
 * is retried counts its records again: the counters say what was processed, the topics what was
 * committed. Only here is the wall clock read, for the lag.
 */
public final class MarginflowMetrics {

    private static final String ALERTS = "marginflow.alerts";
    private static final String ALERTS_DESCRIPTION = "alerts written, by kind and what the engine did";
    /** The scenario tag of the latest stress run's largest Cover-2. */
    public static final String ALL_SCENARIOS = "*";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Timer entryTime;
    private final DistributionSummary outputLag;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Each scenario's Cover-2 in the latest stress run, and under {@link #ALL_SCENARIOS} the run's largest. */
    private final Map<String, AtomicLong> cover2 = new ConcurrentHashMap<>();
    private long latestRun = Long.MIN_VALUE;

    public MarginflowMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.entryTime = Timer.builder("marginflow.engine.entry")
                .description("time the margin engine takes per journal entry, its fan-out and recomputes included")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.outputLag = DistributionSummary.builder("marginflow.output.lag")
                .description("seconds from a margin result's input record timestamp to its being written")
                .baseUnit("seconds")
                .publishPercentileHistogram()
                .maximumExpectedValue(3600.0)
                .register(registry);
        // at zero from the start: "no alert" is a series a dashboard shows, not a gap
        for (String[] alert : List.of(new String[] {"PRICE_JUMP", "APPLIED"}, new String[] {"PRICE_JUMP", "HELD"},
                new String[] {"PRICE_JUMP", "CONFIRMED"}, new String[] {"PRICE_JUMP", "DISCARDED"},
                new String[] {"OFF_MARKET_FILL", "APPLIED"}, new String[] {"POSITION_BUILD_UP", "APPLIED"},
                new String[] {"CONCENTRATION", "APPLIED"})) {
            counter(ALERTS, ALERTS_DESCRIPTION, "kind", alert[0], "action", alert[1]);
        }
        cover2(ALL_SCENARIOS);
    }

    /** Metrics that go nowhere: for tests and tools. */
    public static MarginflowMetrics none() {
        return new MarginflowMetrics(new CompositeMeterRegistry(), Clock.systemUTC());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Times one journal entry's processing. */
    public Timer entryTime() {
        return entryTime;
    }

    /** {@code deserializer}, counting each journal entry it reads by the kind of its payload. */
    public Deserializer<JournalEntry> countingEntries(Deserializer<JournalEntry> deserializer) {
        return (topic, bytes) -> {
            JournalEntry entry = deserializer.deserialize(topic, bytes);
            if (entry != null) {
                count("marginflow.journal.entries", "journal entries the margin engine read, by kind", "kind",
                        ((SpecificRecord) entry.getPayload()).getSchema().getName());
            }
            return entry;
        };
    }

    /** {@code serializer}, counting each output it writes. */
    public Serializer<SpecificRecord> countingOutputs(Serializer<SpecificRecord> serializer) {
        return countingOutputs(serializer, record -> record);
    }

    /** {@code serializer}, counting each output it writes: {@code output} of the value it is given. */
    public <V> Serializer<V> countingOutputs(Serializer<V> serializer, Function<? super V, SpecificRecord> output) {
        return (topic, value) -> {
            byte[] bytes = serializer.serialize(topic, value);
            observe(output.apply(value));
            return bytes;
        };
    }

    /** Counts a dead letter written outside the topology (by the exception handlers). */
    public void deadLetter(DeadLetter letter) {
        count("marginflow.dead.letters", "dead letters written, by stage and error class", "stage",
                letter.getStage().name(), "class", letter.getErrorClass());
    }

    private void observe(SpecificRecord record) {
        if (record instanceof MarginResult result) {
            count("marginflow.margin.results", "margin results written, by status", "status", result.getStatus().name());
            lag(result.getCause());
        } else if (record instanceof MarginCallEvent call) {
            count("marginflow.margin.calls", "margin call transitions written", "transition", call.getTransition().name());
        } else if (record instanceof LiquidationSignal signal) {
            count("marginflow.liquidations", "liquidation transitions written", "transition", signal.getTransition().name());
        } else if (record instanceof DeadLetter letter) {
            deadLetter(letter);
        } else if (record instanceof Alert alert) {
            count(ALERTS, ALERTS_DESCRIPTION, "kind", alert.getKind().name(), "action", alert.getAction().name());
        } else if (record instanceof StressResult result) {
            stress(result);
        }
    }

    /** A stress run's outcome for one scenario: its Cover-2, and the run's largest so far. */
    private synchronized void stress(StressResult result) {
        long run = result.getRunTime().toEpochMilli();
        double largest = Double.longBitsToDouble(cover2(ALL_SCENARIOS).get());
        if (run > latestRun) {
            latestRun = run;
            largest = result.getCover2();
        } else if (run == latestRun) {
            largest = Math.max(largest, result.getCover2());
        }
        cover2(ALL_SCENARIOS).set(Double.doubleToLongBits(largest));
        cover2(result.getScenarioId()).set(Double.doubleToLongBits(result.getCover2()));
    }

    /** The gauge of a scenario's Cover-2 (NaN until a run sets it). */
    private AtomicLong cover2(String scenario) {
        return cover2.computeIfAbsent(scenario, s -> {
            AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
            Gauge.builder("marginflow.stress.cover2.usd", bits, b -> Double.longBitsToDouble(b.get()))
                    .description("Cover-2 of the latest stress run, USD, by scenario (* the run's largest)")
                    .tag("scenario", s).register(registry);
            return bits;
        });
    }

    private void lag(Cause cause) {
        if (cause != null && cause.getSource() != null) {
            long millis = clock.millis() - cause.getSource().getTimestamp().toEpochMilli();
            outputLag.record(Math.max(0, millis) / 1000.0);
        }
    }

    private void count(String name, String description, String... tags) {
        counter(name, description, tags).increment();
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + String.join("\u0000", tags);
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags)
                    .register(registry));
        }
        return counter;
    }
}
