package io.marginflow.audit;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.engine.OfflineEngine;
import io.marginflow.engine.OutputChain;
import io.marginflow.errors.OutputLimits;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Alert;
import io.marginflow.schema.Checkpoint;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.StressPartial;
import io.marginflow.schema.StressResult;
import io.marginflow.serde.SpecificAvroDeserializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code audit replay}: the journal replayed into a fresh, offline engine ({@link OfflineEngine}),
 * partition by partition from its first entry, and every chained output it gives (from a
 * partition's checkpoint on, if the scope says so: {@link JournalScope#from}) compared, at its
 * place in its account's chain, with the one published on the output topics, and every
 * checkpoint it writes with the one published at its place ({@link PublishedCheckpoints}), and
 * every entry it refuses and every alert it raises with the published rejections and alerts
 * ({@link PublishedByContent}), and the stress runs its partitions' shares make with the published
 * ones ({@link StressReplay}); then every published output, checkpoint, rejection, alert and stress
 * outcome the replay did not give. Nothing is written to the cluster and no consumer group is
 * joined. A journal partition is replayed up to what the application has processed (its consumer
 * group's committed offset; the end of the partition if the group has none), so outputs still to
 * come are not counted as missing.
 */
public final class JournalReplay {

    /** What a divergence is. */
    public enum Kind {
        /** The replay gave an output whose published counterpart has other content. */
        DIFFERENT,
        /** The replay gave an output that is not published. */
        NOT_PUBLISHED,
        /** An output is published that the replay did not give. */
        NOT_REPRODUCED,
        /** A second output is published at a place in an account's chain. */
        PUBLISHED_TWICE,
        /** A published record does not decode. */
        UNREADABLE,
        /** A published record names a cause that is not in the journal: no engine wrote it. */
        CAUSE_NOT_IN_JOURNAL
    }

    /**
     * One divergence: the replayed output (if any), the published one's coordinates (if any), and
     * the journal entry behind it.
     */
    public record Divergence(Kind kind, String topic, Optional<SpecificRecord> replayed, Optional<Coordinates> published,
                             int journalPartition, long journalOffset, String detail) {}

    /** A record's place on a topic. */
    public record Coordinates(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /**
     * The outcome.
     *
     * @param scope the journal entries replayed
     * @param entries journal entries replayed
     * @param undecodable journal records that do not decode (the live engine skips them too)
     * @param matched outputs reproduced exactly, by topic
     * @param divergences every divergence, in journal order within each kind's pass
     * @param publishedSeconds the time taken to read the published outputs
     * @param replaySeconds the time taken to read and replay the journal and compare
     * @param engineSeconds of it, the time the engine took to apply the entries
     */
    public record Report(JournalScope scope, long entries, long undecodable, Map<String, Long> matched,
                         List<Divergence> divergences, double publishedSeconds, double replaySeconds,
                         double engineSeconds) {
        public boolean verified() {
            return divergences.isEmpty();
        }
    }

    /** Progress: entries replayed so far, of how many. */
    @FunctionalInterface
    public interface Progress {
        void replayed(long entries, long total);
    }

    private final MarginflowConfig config;
    private final SchemaRegistry registry;
    private final OutputLimits limits;

    /**
     * @param limits the largest output per topic, as the live engine had them (an oversized output
     *        dead-letters its entry)
     */
    public JournalReplay(MarginflowConfig config, SchemaRegistry registry, OutputLimits limits) {
        this.config = config;
        this.registry = registry;
        this.limits = limits;
    }

    /**
     * {@code scope}, each of its partitions judged from its last published checkpoint at or before
     * {@code instant} ({@link JournalScope#from}); partitions without one are judged from their first entry.
     */
    public JournalScope fromCheckpoints(KafkaConsumer<byte[], byte[]> consumer, JournalScope scope, java.time.Instant instant) {
        return scope.from(PublishedCheckpoints.atOrBefore(consumer, config.topics().checkpoints(), registry, scope, instant));
    }

    /** Replays the journal entries in {@code scope}, each partition from its first entry, and compares. */
    public Report replay(KafkaConsumer<byte[], byte[]> consumer, JournalScope scope, Progress progress) {
        long start = System.nanoTime();
        Topics topics = config.topics();
        ChainedTopics chained = new ChainedTopics(topics, registry);
        PublishedOutputs published = new PublishedOutputs(chained);
        for (String topic : chained.names()) {
            TopicReader.readAll(consumer, topic, record -> published.add(record, scope));
        }
        PublishedCheckpoints checkpoints = new PublishedCheckpoints(registry);
        TopicReader.readAll(consumer, topics.checkpoints(), record -> checkpoints.add(record, scope));
        PublishedByContent<DeadLetter> rejections = PublishedByContent.rejections(topics.journal(), registry);
        TopicReader.readAll(consumer, topics.deadLetters(), record -> rejections.add(record, scope));
        PublishedByContent<Alert> alerts = PublishedByContent.alerts(registry);
        TopicReader.readAll(consumer, topics.alerts(), record -> alerts.add(record, scope));
        PublishedByContent<StressResult> stressResults = PublishedByContent.stress(registry);
        TopicReader.readAll(consumer, topics.stress(), record -> stressResults.add(record, scope));
        StressReplay stress = new StressReplay(topics, scope, stressResults, alerts, config.engine().concentration());
        long replayStart = System.nanoTime();
        Map<String, Long> matched = new LinkedHashMap<>();
        chained.names().forEach(topic -> matched.put(topic, 0L));
        matched.put(topics.checkpoints(), 0L);
        matched.put(topics.deadLetters(), 0L);
        matched.put(topics.alerts(), 0L);
        NavigableMap<Integer, Long> ends = scope.ends();
        List<Divergence> divergences = new ArrayList<>();
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        long[] entries = {0};
        long undecodable = 0;
        long[] engineNanos = {0};
        for (Map.Entry<Integer, Long> partition : ends.entrySet()) {
            OfflineEngine engine = new OfflineEngine(config, limits);
            TopicPartition journalPartition = new TopicPartition(topics.journal(), partition.getKey());
            long judgedFrom = scope.start(partition.getKey());
            undecodable += forEachEntry(consumer, journalPartition, partition.getValue(), (record, entry) -> {
                long applying = System.nanoTime();
                List<OfflineEngine.Output> outputs = engine.apply(key(record), entry, record.partition(), record.offset());
                engineNanos[0] += System.nanoTime() - applying;
                // before the checkpoint the replay is judged from, outputs are not compared: that checkpoint vouches for them
                for (OfflineEngine.Output output : record.offset() < judgedFrom ? List.<OfflineEngine.Output>of() : outputs) {
                    if (output.value() instanceof OutputChain.Sealed sealed && matched.containsKey(output.topic())) {
                        compare(output.topic(), sealed, published, record, matched, divergences);
                    } else if (output.value() instanceof Checkpoint checkpoint) {
                        compare(output.topic(), checkpoint, checkpoints, record, matched, divergences);
                    } else if (output.value() instanceof DeadLetter rejection) {
                        compare(output.topic(), rejection, rejections, record, matched, divergences, "the replay rejected"
                                + " the entry so (" + rejection.getErrorClass() + "); no such dead letter is published");
                    } else if (output.value() instanceof StressPartial share) {
                        stress.replayed(share);
                    } else if (output.value() instanceof Alert alert) {
                        compare(output.topic(), alert, alerts, record, matched, divergences, "the replay raised alert "
                                + alert.getAlertId() + "; no such alert is published");
                    }
                }
                if (++entries[0] % 10_000 == 0) {
                    progress.replayed(entries[0], total);
                }
                return true;
            });
        }
        progress.replayed(entries[0], total);
        for (PublishedOutputs.Published left : published.untaken()) {
            divergences.add(new Divergence(Kind.NOT_REPRODUCED, left.topic(), Optional.empty(), Optional.of(coordinates(left)),
                    left.journalPartition(), left.journalOffset(), "published, but the replay gave nothing at its place"
                    + " in the account's chain"));
        }
        for (PublishedOutputs.Published twice : published.duplicates()) {
            divergences.add(new Divergence(Kind.PUBLISHED_TWICE, twice.topic(), Optional.empty(), Optional.of(coordinates(twice)),
                    twice.journalPartition(), twice.journalOffset(), "a second record at a place in an account's chain"
                    + " that an earlier record holds"));
        }
        unreadableOrForeign(published.unreadable(), published.foreign(), divergences);
        checkpointsLeft(checkpoints, divergences);
        notReproduced(rejections, "published as the engine's rejection of this entry, but the replay did not reject it so",
                divergences);
        stress.compare(matched, divergences);
        notReproduced(alerts, "published as an alert on this entry, but the replay raised no such alert", divergences);
        return new Report(scope, entries[0], undecodable, matched, divergences, (replayStart - start) / 1e9,
                (System.nanoTime() - replayStart) / 1e9, engineNanos[0] / 1e9);
    }

    /**
     * A fresh engine that has applied journal partition {@code partition} from its first entry
     * up to {@code end} (exclusive), stopping before the first entry {@code within} refuses.
     *
     * @param lastOffset the offset of the last entry applied, -1 if none
     */
    public record Rebuilt(OfflineEngine engine, long entries, long lastOffset, Optional<java.time.Instant> lastEventTime) {}

    public Rebuilt rebuild(KafkaConsumer<byte[], byte[]> consumer, String journal, int partition, long end,
                           java.util.function.BiPredicate<Long, JournalEntry> within) {
        OfflineEngine engine = new OfflineEngine(config, limits);
        long[] applied = {0, -1};
        java.time.Instant[] last = {null};
        forEachEntry(consumer, new TopicPartition(journal, partition), end, (record, entry) -> {
            if (!within.test(record.offset(), entry)) {
                return false;
            }
            engine.apply(key(record), entry, record.partition(), record.offset());
            applied[0]++;
            applied[1] = record.offset();
            last[0] = entry.getEventTime();
            return true;
        });
        return new Rebuilt(engine, applied[0], applied[1], Optional.ofNullable(last[0]));
    }

    /**
     * Each entry of journal partition {@code partition} from its first up to {@code end}
     * (exclusive), decoded, in order, until {@code each} returns false.
     *
     * @return the records that do not decode (the live engine never saw them either)
     */
    private long forEachEntry(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long end,
                              java.util.function.BiPredicate<ConsumerRecord<byte[], byte[]>, JournalEntry> each) {
        SpecificAvroDeserializer<JournalEntry> journal = new SpecificAvroDeserializer<>(JournalEntry.class, registry);
        long[] undecodable = {0};
        boolean[] stopped = {false};
        TopicReader.read(consumer, partition, 0, end, record -> {
            if (stopped[0]) {
                return;
            }
            JournalEntry entry;
            try {
                entry = journal.deserialize(record.topic(), record.headers(), record.value());
            } catch (RuntimeException e) {
                undecodable[0]++;
                return;
            }
            stopped[0] = !each.test(record, entry);
        });
        return undecodable[0];
    }

    private static <T extends SpecificRecord> void compare(String topic, T replayed, PublishedByContent<T> published,
                                                           ConsumerRecord<byte[], byte[]> entry, Map<String, Long> matched,
                                                           List<Divergence> divergences, String unmatched) {
        published.match(topic, replayed, entry.partition(), entry.offset(), matched, divergences, unmatched);
    }

    /** The published records of {@code published} the replay did not give, and those that do not decode. */
    private static void notReproduced(PublishedByContent<?> published, String reason, List<Divergence> divergences) {
        for (PublishedByContent.Left left : published.untaken()) {
            divergences.add(new Divergence(Kind.NOT_REPRODUCED, left.at().topic(), Optional.empty(), Optional.of(left.at()),
                    left.journalPartition(), left.journalOffset(), reason));
        }
        unreadableOrForeign(published.unreadable(), List.of(), divergences);
    }

    private static void compare(String topic, Checkpoint replayed, PublishedCheckpoints published,
                                ConsumerRecord<byte[], byte[]> entry, Map<String, Long> matched, List<Divergence> divergences) {
        PublishedCheckpoints.Published counterpart = published.take(replayed);
        if (counterpart == null) {
            divergences.add(new Divergence(Kind.NOT_PUBLISHED, topic, Optional.of(replayed), Optional.empty(),
                    entry.partition(), entry.offset(), "the replay wrote checkpoint " + replayed.getSequence()
                    + " of journal partition " + replayed.getJournalPartition() + "; none is published"));
        } else if (!PublishedCheckpoints.same(counterpart, replayed)) {
            divergences.add(new Divergence(Kind.DIFFERENT, topic, Optional.of(replayed), Optional.of(counterpart.at()),
                    entry.partition(), entry.offset(), "the published checkpoint differs from the replayed one"));
        } else {
            matched.merge(topic, 1L, Long::sum);
        }
    }

    /** The published checkpoints the replay did not write, written twice, unreadable or of no journal entry. */
    private static void checkpointsLeft(PublishedCheckpoints checkpoints, List<Divergence> divergences) {
        for (PublishedCheckpoints.Published left : checkpoints.untaken()) {
            divergences.add(new Divergence(Kind.NOT_REPRODUCED, left.at().topic(), Optional.empty(), Optional.of(left.at()),
                    left.checkpoint().getJournalPartition(), left.checkpoint().getUntilOffset(),
                    "published, but the replay wrote no checkpoint " + left.checkpoint().getSequence()
                    + " of journal partition " + left.checkpoint().getJournalPartition()));
        }
        for (PublishedCheckpoints.Published twice : checkpoints.duplicates()) {
            divergences.add(new Divergence(Kind.PUBLISHED_TWICE, twice.at().topic(), Optional.empty(), Optional.of(twice.at()),
                    twice.checkpoint().getJournalPartition(), twice.checkpoint().getUntilOffset(),
                    "a second checkpoint at a place an earlier record holds"));
        }
        unreadableOrForeign(checkpoints.unreadable(), checkpoints.foreign(), divergences);
    }

    /** Published records that do not decode, and records whose cause is not in the journal. */
    private static void unreadableOrForeign(List<PublishedOutputs.Unreadable> unreadable,
                                            List<PublishedOutputs.Unreadable> foreign, List<Divergence> divergences) {
        for (PublishedOutputs.Unreadable bad : unreadable) {
            divergences.add(new Divergence(Kind.UNREADABLE, bad.topic(), Optional.empty(),
                    Optional.of(new Coordinates(bad.topic(), bad.partition(), bad.offset())), -1, -1, bad.reason()));
        }
        for (PublishedOutputs.Unreadable record : foreign) {
            divergences.add(new Divergence(Kind.CAUSE_NOT_IN_JOURNAL, record.topic(), Optional.empty(),
                    Optional.of(new Coordinates(record.topic(), record.partition(), record.offset())), -1, -1,
                    record.reason()));
        }
    }

    private static void compare(String topic, OutputChain.Sealed sealed, PublishedOutputs published,
                                ConsumerRecord<byte[], byte[]> entry, Map<String, Long> matched, List<Divergence> divergences) {
        PublishedOutputs.Published counterpart = published.take(sealed.output());
        if (counterpart == null) {
            divergences.add(new Divergence(Kind.NOT_PUBLISHED, topic, Optional.of(sealed.output()), Optional.empty(),
                    entry.partition(), entry.offset(), "the replay gave it; nothing is published at its place in the"
                    + " account's chain"));
        } else if (!counterpart.topic().equals(topic) || !PublishedOutputs.sameContent(counterpart, sealed.encoding())) {
            divergences.add(new Divergence(Kind.DIFFERENT, topic, Optional.of(sealed.output()),
                    Optional.of(coordinates(counterpart)), entry.partition(), entry.offset(),
                    "the published record differs from the replayed one"));
        } else {
            matched.merge(topic, 1L, Long::sum);
        }
    }

    /** The committed record at {@code coordinates}, if there is one. */
    public static Optional<ConsumerRecord<byte[], byte[]>> recordAt(KafkaConsumer<byte[], byte[]> consumer,
                                                                   Coordinates coordinates) {
        return TopicReader.at(consumer, coordinates);
    }

    private static Coordinates coordinates(PublishedOutputs.Published published) {
        return new Coordinates(published.topic(), published.partition(), published.offset());
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
