package io.marginflow.translation;

/**
 * An amount the contract cannot carry: beyond the ±1e20 of its decimal(38,18), or not finite.
 * Raised where engine figures become contract fields; the engine refuses the entry, or the
 * account's share of it, with error class {@code OUT_OF_RANGE} instead of publishing it.
 */
public final class OutOfRangeException extends ArithmeticException {

    public OutOfRangeException(String message) {
        super(message);
    }
}
