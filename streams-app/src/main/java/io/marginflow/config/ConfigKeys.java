package io.marginflow.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Marginflow's own configuration keys, read from the commented defaults file: each key, its
 * default and its meaning (the comment above it, shared by the keys of a group). A key under one
 * of Marginflow's prefixes that is not among them is a mistake, refused with the nearest valid key.
 */
public final class ConfigKeys {

    /** A key, its default and what it means. */
    public record Key(String name, String defaultValue, String meaning) {}

    private static final Set<String> OWN_PREFIXES = Set.of("topic.", "topics.", "engine.", "sequencer.", "dead-letters.",
            "monitoring.", "api.");
    private static final List<Key> ALL = read();

    private ConfigKeys() {}

    /** Every key of the defaults file, in its order, with default and meaning. */
    public static List<Key> all() {
        return ALL;
    }

    /** Whether {@code key} is under one of Marginflow's own prefixes rather than a Kafka client key. */
    public static boolean isOwn(String key) {
        return OWN_PREFIXES.stream().anyMatch(key::startsWith);
    }

    /**
     * Refuses a key under Marginflow's prefixes that the defaults do not define, naming the
     * nearest valid key (a mistyped key would otherwise be ignored in silence).
     *
     * @param sources where each key came from, for the message (a file, an environment variable)
     */
    static void refuseUnknown(Map<String, String> sources) {
        for (Map.Entry<String, String> key : sources.entrySet()) {
            if (isOwn(key.getKey()) && ALL.stream().noneMatch(k -> k.name().equals(key.getKey()))) {
                throw new ConfigException("unknown configuration key " + key.getKey() + " (" + key.getValue() + ")"
                        + nearest(key.getKey()).map(k -> "; did you mean " + k + "?").orElse("")
                        + " (marginflow config --list shows every key)");
            }
        }
    }

    /** The valid key closest to {@code key} by edit distance, if any is reasonably close. */
    static Optional<String> nearest(String key) {
        return ALL.stream().map(Key::name)
                .min(Comparator.comparingInt((String k) -> distance(k, key)).thenComparing(k -> k))
                .filter(k -> distance(k, key) <= Math.max(3, key.length() / 3));
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The defaults file's keys: a comment block applies to the keys that follow it until the next block or blank line. */
    private static List<Key> read() {
        List<Key> keys = new ArrayList<>();
        try (InputStream in = ConfigKeys.class.getResourceAsStream("marginflow-defaults.properties");
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder comment = new StringBuilder();
            boolean commentClosed = false;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String trimmed = line.trim();
                if (trimmed.isEmpty()) {
                    comment.setLength(0);
                    commentClosed = false;
                } else if (trimmed.startsWith("#")) {
                    if (commentClosed) {
                        comment.setLength(0);
                        commentClosed = false;
                    }
                    String text = trimmed.substring(1).trim();
                    if (!text.startsWith("---")) {
                        comment.append(comment.length() == 0 ? "" : " ").append(text);
                    }
                } else {
                    int equals = trimmed.indexOf('=');
                    keys.add(new Key(trimmed.substring(0, equals).trim(), trimmed.substring(equals + 1).trim(),
                            comment.toString()));
                    commentClosed = true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read marginflow-defaults.properties", e);
        }
        return List.copyOf(keys);
    }
}
