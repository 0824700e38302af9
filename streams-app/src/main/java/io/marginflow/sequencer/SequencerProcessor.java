package io.marginflow.sequencer;

import io.marginflow.config.InputBounds;
import io.marginflow.config.Topics;
import io.marginflow.errors.Failures;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SourceCoordinates;
import io.marginflow.schema.StressScenario;
import io.marginflow.schema.VolSurface;
import io.marginflow.serde.RecordCoordinates;
import io.marginflow.serde.RecordDecodingException;
import io.marginflow.serde.SpecificAvroDeserializer;
import io.marginflow.translation.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes and validates one input record and forwards it either to the journal, wrapped in a
 * {@link JournalEntry} with its source coordinates, or to the dead letters with its original
 * bytes and the reason. Stateless. A schema registry outage is not the record's fault: it fails
 * the task instead, so the record is retried, never lost. Any other exception while reading a
 * record (a bug, a value nothing bounded) dead-letters it as {@code PROCESSING_FAILURE}: one
 * record never stops the sequencer.
 */
final class SequencerProcessor implements Processor<byte[], byte[], String, SpecificRecord> {

    private final Map<String, SpecificAvroDeserializer<? extends SpecificRecord>> decoders;
    private final InputValidator validator;
    private final DeadLetters deadLetters;
    private final LongSupplier maxJournalBytes;
    private ProcessorContext<String, SpecificRecord> context;

    /** @param maxJournalBytes the largest journal record the journal topic takes ({@link io.marginflow.errors.OutputLimits}) */
    SequencerProcessor(Topics topics, SchemaRegistry registry, InputBounds bounds, DeadLetters deadLetters,
                       LongSupplier maxJournalBytes) {
        this.validator = new InputValidator(bounds);
        this.deadLetters = deadLetters;
        this.maxJournalBytes = maxJournalBytes;
        this.decoders = Map.of(
                topics.fills(), new SpecificAvroDeserializer<>(Fill.class, registry),
                topics.collateral(), new SpecificAvroDeserializer<>(CollateralMovement.class, registry),
                topics.prices(), new SpecificAvroDeserializer<>(PriceUpdate.class, registry),
                topics.volSurfaces(), new SpecificAvroDeserializer<>(VolSurface.class, registry),
                topics.instruments(), new SpecificAvroDeserializer<>(Instrument.class, registry),
                topics.parameters(), new SpecificAvroDeserializer<>(RiskParameters.class, registry),
                topics.snapshots(), new SpecificAvroDeserializer<>(MarketSnapshot.class, registry),
                topics.clock(), new SpecificAvroDeserializer<>(ClockTick.class, registry),
                topics.stressScenarios(), new SpecificAvroDeserializer<>(StressScenario.class, registry));
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        SourceCoordinates source = new SourceCoordinates(metadata.topic(), metadata.partition(), metadata.offset(),
                Instant.ofEpochMilli(record.timestamp()));
        Optional<String> key = utf8(record.key());
        if (key.isEmpty()) {
            reject(record, source, record.key() == null ? "MISSING_KEY" : "INVALID_KEY",
                    record.key() == null ? "the record has no key" : "the key is not UTF-8 text");
            return;
        }
        if (record.value() == null) {
            reject(record, source, "TOMBSTONE", "a record without a value is not an input event"
                    + " (instruments are retired with state EXPIRED, not deleted)");
            return;
        }
        // The journal entry carries the record re-encoded and its source coordinates: at most this much more.
        long journalBytes = record.key().length + record.value().length + 128L + metadata.topic().length();
        if (journalBytes > maxJournalBytes.getAsLong()) {
            reject(record, source, Failures.OUTPUT_TOO_LARGE, "its journal entry would be about " + journalBytes
                    + " bytes, more than the journal takes (" + maxJournalBytes.getAsLong() + " bytes)");
            return;
        }
        JournalEntry entry;
        try {
            SpecificRecord payload = decoders.get(metadata.topic()).decode(
                    RecordCoordinates.of(metadata.topic(), metadata.partition(), metadata.offset()), record.value());
            Optional<Rejection> rejection = validator.check(key.get(), payload, source.getTimestamp());
            if (rejection.isPresent()) {
                reject(record, source, rejection.get().errorClass(), rejection.get().reason());
                return;
            }
            entry = new JournalEntry(source, InputRecords.eventTime(payload), payload);
        } catch (RecordDecodingException e) {
            reject(record, source, e.reason().name(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            if (Failures.isOutage(e)) {
                throw e;
            }
            reject(record, source, Failures.errorClass(e), Failures.describe(e));
            return;
        }
        context.forward(new Record<String, SpecificRecord>(key.get(), entry, entry.getEventTime().toEpochMilli()),
                SequencerTopology.JOURNAL_SINK);
    }

    private void reject(Record<byte[], byte[]> record, SourceCoordinates source, String errorClass, String reason) {
        context.forward(new Record<String, SpecificRecord>(DeadLetters.key(utf8(record.key()).orElse(null), source.getTopic()),
                deadLetters.sequencer(source, record.key(), record.value(), errorClass, reason), record.timestamp()),
                SequencerTopology.DEAD_LETTER_SINK);
    }

    private static Optional<String> utf8(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
