package io.marginflow.translation;

import io.marginflow.config.DeadLetterLimits;
import io.marginflow.schema.Cause;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.SourceCoordinates;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Every {@link DeadLetter} is built here, so that each one can always be written: the original
 * key and value bytes are cut to {@link DeadLetterLimits#maxOriginalBytes} (their full sizes are
 * recorded, and the whole record stays at its source coordinates), the reason to
 * {@link DeadLetterLimits#maxReasonChars}, and the Kafka key to {@link #MAX_KEY_CHARS}.
 */
public final class DeadLetters {

    /** The longest dead-letter Kafka key, in characters; a longer original key is cut. */
    public static final int MAX_KEY_CHARS = 1_024;
    /** How many characters of a long value a reason quotes. */
    private static final int QUOTED_CHARS = 64;

    private final DeadLetterLimits limits;

    public DeadLetters(DeadLetterLimits limits) {
        this.limits = limits;
    }

    /** An input record the sequencer refused: it never entered the journal; its bytes are carried. */
    public DeadLetter sequencer(SourceCoordinates source, byte[] key, byte[] value, String errorClass, String reason) {
        return builder(source, RejectionStage.SEQUENCER, errorClass, reason, key, value).build();
    }

    /**
     * A journal entry the engine refused or could not process, keyed by {@code key} (the account,
     * instrument or underlying it concerns): the input is at the cause's source coordinates, the
     * entry at its journal partition and offset.
     */
    public DeadLetter engine(Cause cause, String key, String errorClass, String reason) {
        return builder(cause.getSource(), RejectionStage.ENGINE, errorClass, reason,
                key.getBytes(StandardCharsets.UTF_8), null)
                .setJournalPartition(cause.getJournalPartition())
                .setJournalOffset(cause.getJournalOffset())
                .build();
    }

    /**
     * A record that Kafka Streams could not read or write, reported by one of its exception
     * handlers: {@code journalPartition}/{@code journalOffset} are set when the record being
     * processed was a journal entry.
     */
    public DeadLetter handled(SourceCoordinates source, RejectionStage stage, byte[] key, byte[] value,
                              String errorClass, String reason, Integer journalPartition, Long journalOffset) {
        return builder(source, stage, errorClass, reason, key, value)
                .setJournalPartition(journalPartition)
                .setJournalOffset(journalOffset)
                .build();
    }

    /** The Kafka key of a dead letter: the original key (cut to {@link #MAX_KEY_CHARS}), or the source topic. */
    public static String key(String originalKey, String sourceTopic) {
        return originalKey == null ? sourceTopic : cut(originalKey, MAX_KEY_CHARS);
    }

    /** A value quoted in a reason: whole if short, otherwise its start and its length. */
    public static String quote(String value) {
        if (value.length() <= QUOTED_CHARS) {
            return "'" + value + "'";
        }
        return "'" + value.substring(0, QUOTED_CHARS) + "…' (" + value.length() + " characters)";
    }

    private DeadLetter.Builder builder(SourceCoordinates source, RejectionStage stage, String errorClass, String reason,
                                       byte[] key, byte[] value) {
        return DeadLetter.newBuilder()
                .setSource(source)
                .setStage(stage)
                .setErrorClass(errorClass)
                .setReason(cut(reason, limits.maxReasonChars()))
                .setOriginalKey(head(key))
                .setOriginalKeySize(key == null ? null : key.length)
                .setOriginalValue(head(value))
                .setOriginalValueSize(value == null ? null : value.length);
    }

    private ByteBuffer head(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return ByteBuffer.wrap(bytes.length <= limits.maxOriginalBytes() ? bytes
                : Arrays.copyOf(bytes, limits.maxOriginalBytes()));
    }

    /** {@code text} cut to {@code max} characters, saying how long it was. */
    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        String tail = "… (cut; " + text.length() + " characters in all)";
        int keep = Math.max(0, max - tail.length());
        if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never split a surrogate pair
        }
        return text.substring(0, keep) + tail;
    }
}
