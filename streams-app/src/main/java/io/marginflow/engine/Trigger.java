package io.marginflow.engine;

import io.marginflow.schema.Cause;

/**
 * The journal entry being processed: the cause every output names, its event time (the outputs'
 * record timestamp), and the partition's stream time after it.
 */
record Trigger(Cause cause, long timestamp, long streamTime) {}
