package io.marginflow.serde;

/** Confluent's default subject naming (TopicNameStrategy): {@code <topic>-value} and {@code <topic>-key}. */
public final class Subjects {

    private Subjects() {}

    public static String of(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
