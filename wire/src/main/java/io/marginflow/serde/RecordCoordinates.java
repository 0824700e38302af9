package io.marginflow.serde;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Where a record came from, as far as it is known: a Kafka {@code Deserializer} knows only the
 * topic, a consumer of raw bytes also knows partition and offset.
 */
public record RecordCoordinates(String topic, OptionalInt partition, OptionalLong offset) {

    public RecordCoordinates {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(offset, "offset");
    }

    public static RecordCoordinates of(String topic, int partition, long offset) {
        return new RecordCoordinates(topic, OptionalInt.of(partition), OptionalLong.of(offset));
    }

    public static RecordCoordinates ofTopic(String topic) {
        return new RecordCoordinates(topic, OptionalInt.empty(), OptionalLong.empty());
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("topic ").append(topic);
        partition.ifPresent(p -> text.append(" partition ").append(p));
        offset.ifPresent(o -> text.append(" offset ").append(o));
        return text.toString();
    }
}
