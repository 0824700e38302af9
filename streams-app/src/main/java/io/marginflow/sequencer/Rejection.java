package io.marginflow.sequencer;

import java.util.Objects;

/**
 * Why an input record is refused: a machine-readable error class (the dead letter's
 * {@code errorClass}) and a reason a person can act on.
 */
public record Rejection(String errorClass, String reason) {

    public Rejection {
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(reason, "reason");
    }
}
