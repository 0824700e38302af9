package io.marginflow.errors;

/**
 * A record too large to publish within the configured limit: the unit that made it is dropped
 * and dead-lettered ({@code OUTPUT_TOO_LARGE}) instead of failing the task at the producer.
 */
public final class OutputTooLargeException extends RuntimeException {

    public OutputTooLargeException(String message) {
        super(message);
    }
}
