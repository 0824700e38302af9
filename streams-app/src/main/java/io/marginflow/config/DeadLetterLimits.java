package io.marginflow.config;

/**
 * How much of a rejected record a dead letter carries ({@code dead-letters.*}), so that every
 * dead letter can be written.
 *
 * @param maxOriginalBytes most bytes of the original key, and of the original value, carried
 * @param maxReasonChars most characters of the reason
 */
public record DeadLetterLimits(int maxOriginalBytes, int maxReasonChars) {

    public static final DeadLetterLimits DEFAULT = new DeadLetterLimits(65_536, 2_000);

    public DeadLetterLimits {
        if (maxOriginalBytes < 0) {
            throw new IllegalArgumentException("the original bytes limit must not be negative: " + maxOriginalBytes);
        }
        if (maxReasonChars < 80) {
            throw new IllegalArgumentException("a reason needs at least 80 characters: " + maxReasonChars);
        }
    }
}
