package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.index;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.option;
import static io.marginflow.pipeline.Inputs.parameters;
import static io.marginflow.pipeline.Inputs.perpetual;
import static io.marginflow.pipeline.Inputs.settlement;
import static io.marginflow.pipeline.Inputs.surface;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.engine.OfflineEngine;
import io.marginflow.engine.OutputChain;
import io.marginflow.errors.OutputLimits;
import io.marginflow.schema.Checkpoint;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.VolSurface;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * What an auditor relies on: replaying the journal through a fresh engine reproduces every
 * output exactly, hashes included, so every published number can be proven.
 */
class ReplaySpec {

    @Test
    void replayingTheJournalReproducesEveryOutputBitForBit() {
        List<JournalEntry> journal;
        List<SpecificRecord> original = new ArrayList<>();
        try (PipelineDriver live = new PipelineDriver()) {
            dayAtTheClearinghouse(live);
            journal = live.journal();
            original.addAll(live.margin());
            original.addAll(live.marginCalls());
            original.addAll(live.liquidations());
            original.addAll(live.deadLetters().stream().filter(l -> l.getJournalOffset() != null).toList());
            original.addAll(live.checkpoints());
        }
        assertThat(journal).as("both surfaces were journalled")
                .filteredOn(entry -> entry.getPayload() instanceof VolSurface).hasSize(2);
        assertThat(original).as("a surface and the expiry settlement moved accounts")
                .filteredOn(MarginResult.class::isInstance).map(MarginResult.class::cast)
                .extracting(result -> result.getCause().getSource().getTopic())
                .contains("market.vol-surfaces");
        assertThat(original).filteredOn(MarginResult.class::isInstance).map(MarginResult.class::cast)
                .anySatisfy(result -> assertThat(result.getCause().getEventTime()).isEqualTo(Inputs.T0.plus(Duration.ofMinutes(61))));
        assertThat(original).as("the day produced outputs of every kind")
                .hasAtLeastOneElementOfType(MarginResult.class)
                .hasAtLeastOneElementOfType(MarginCallEvent.class)
                .hasAtLeastOneElementOfType(LiquidationSignal.class)
                .hasAtLeastOneElementOfType(Checkpoint.class);

        List<SpecificRecord> replayed = new ArrayList<>();
        try (PipelineDriver auditor = new PipelineDriver()) {
            for (JournalEntry entry : journal) {
                auditor.replay(entry, keyOf(entry));
            }
            replayed.addAll(auditor.margin());
            replayed.addAll(auditor.marginCalls());
            replayed.addAll(auditor.liquidations());
            replayed.addAll(auditor.deadLetters());
            replayed.addAll(auditor.checkpoints());
        }

        assertThat(replayed).containsExactlyElementsOf(original);
    }

    /**
     * The audit tool replays offline ({@link OfflineEngine}: no broker, stores in memory): the
     * same journal gives the same outputs as the live engine, topic by topic, in the same order,
     * hashes included.
     */
    @Test
    void theOfflineEngineReproducesEveryOutputOfTheLiveOne() {
        List<JournalEntry> journal;
        Map<String, List<SpecificRecord>> live = new LinkedHashMap<>();
        MarginflowConfig config;
        try (PipelineDriver pipeline = new PipelineDriver()) {
            dayAtTheClearinghouse(pipeline);
            config = pipeline.config;
            journal = pipeline.journal();
            live.put(config.topics().margin(), List.copyOf(pipeline.margin()));
            live.put(config.topics().marginCalls(), List.copyOf(pipeline.marginCalls()));
            live.put(config.topics().liquidations(), List.copyOf(pipeline.liquidations()));
            live.put(config.topics().deadLetters(), List.copyOf(pipeline.deadLetters().stream()
                    .filter(letter -> letter.getJournalOffset() != null).toList()));
            live.put(config.topics().checkpoints(), List.copyOf(pipeline.checkpoints()));
        }

        OfflineEngine offline = new OfflineEngine(config, new OutputLimits(config.engine().maxOutputBytes()));
        Map<String, List<SpecificRecord>> replayed = new LinkedHashMap<>();
        live.keySet().forEach(topic -> replayed.put(topic, new ArrayList<>()));
        for (int offset = 0; offset < journal.size(); offset++) {
            JournalEntry entry = journal.get(offset);
            for (OfflineEngine.Output output : offline.apply(keyOf(entry), entry, 0, offset)) {
                if (replayed.containsKey(output.topic())) {
                    SpecificRecord record = output.value() instanceof OutputChain.Sealed sealed ? sealed.output()
                            : (SpecificRecord) output.value();
                    replayed.get(output.topic()).add(record);
                }
            }
        }

        assertThat(live.get(config.topics().marginCalls())).isNotEmpty();
        assertThat(live.get(config.topics().liquidations())).isNotEmpty();
        assertThat(live.get(config.topics().checkpoints())).isNotEmpty();
        live.forEach((topic, records) -> assertThat(replayed.get(topic)).as(topic).containsExactlyElementsOf(records));
    }

    /**
     * Forty accounts trading two perpetuals and BTC options through a falling and recovering
     * market, with a duplicate, two surfaces and an option expiry settled at the end.
     */
    private static void dayAtTheClearinghouse(PipelineDriver pipeline) {
        Random random = new Random(11);
        Instant shortExpiry = Inputs.T0.plus(Duration.ofMinutes(61));
        Instant monthExpiry = Inputs.T0.plus(Duration.ofDays(30));
        double[] strikes = {4_000, 5_000, 6_000};
        pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
        pipeline.publish(perpetual("ETH-PERPETUAL", "ETH"));
        pipeline.publish(option("BTC-1H-5000-P", "BTC", OptionType.PUT, 5_000, shortExpiry));
        pipeline.publish(option("BTC-30D-5500-C", "BTC", OptionType.CALL, 5_500, monthExpiry));
        pipeline.publish(parameters("ETH", 1, 0.20, 9, 0.6));
        pipeline.publish(index("BTC", 5_000.0, 0));
        pipeline.publish(surface("BTC", 0, monthExpiry, 5_000.0, strikes, new double[] {0.9, 0.7, 0.8}));
        for (int a = 0; a < 40; a++) {
            String account = "ACC-" + a;
            pipeline.publish(deposit(account + "-M", account, "USD", Integer.toString(500 + random.nextInt(2_000))));
            pipeline.publish(fill(account + "-F1", account, "BTC-PERPETUAL", random.nextBoolean() ? "1" : "-1", 5_000.0));
            pipeline.publish(fill(account + "-F2", account, "ETH-PERPETUAL", Integer.toString(1 + random.nextInt(9)), 150.0));
            if (a % 4 == 0) {
                pipeline.publish(fill(account + "-F3", account, "BTC-30D-5500-C", "-1", 250.0));
                pipeline.publish(fill(account + "-F4", account, "BTC-1H-5000-P", "1", 30.0));
            }
        }
        pipeline.publish(fill("ACC-3-F1", "ACC-3", "BTC-PERPETUAL", "1", 5_000.0));
        double btc = 5_000.0;
        double eth = 150.0;
        for (int minute = 1; minute <= 60; minute++) {
            btc *= minute < 30 ? 0.99 : 1.01;
            eth *= minute < 30 ? 0.985 : 1.012;
            pipeline.publish(index("BTC", btc, minute));
            pipeline.publish(mark("BTC-PERPETUAL", btc, minute));
            pipeline.publish(mark("ETH-PERPETUAL", eth, minute));
            if (minute == 25) {
                pipeline.publish(surface("BTC", minute, monthExpiry, btc, strikes, new double[] {1.4, 1.1, 1.2}));
            }
        }
        pipeline.publish(settlement("BTC", btc, shortExpiry));
    }

    /** The key the sequencer journalled the entry under: the record's account, instrument or underlying. */
    static String keyOf(JournalEntry entry) {
        return PipelineDriver.keyOf((SpecificRecord) entry.getPayload());
    }
}
