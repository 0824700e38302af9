package io.marginflow.registry;

/** Compatibility levels of the Confluent Schema Registry API. Marginflow's topics use BACKWARD. */
public enum Compatibility {
    /** No check. */
    NONE,
    /** The new schema reads data written with the latest registered one. */
    BACKWARD,
    /** The new schema reads data written with every registered one. */
    BACKWARD_TRANSITIVE,
    /** The latest registered schema reads data written with the new one. */
    FORWARD,
    /** Every registered schema reads data written with the new one. */
    FORWARD_TRANSITIVE,
    /** BACKWARD and FORWARD. */
    FULL,
    /** BACKWARD_TRANSITIVE and FORWARD_TRANSITIVE. */
    FULL_TRANSITIVE;

    /** Whether new schemas must read old data. */
    boolean checksBackward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether old schemas must read new data. */
    boolean checksForward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether the check runs against every registered version rather than the latest. */
    boolean isTransitive() {
        return name().endsWith("_TRANSITIVE");
    }
}
