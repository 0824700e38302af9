package io.marginflow.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What the build stamped into {@code version.properties}: Marginflow's version, and the versions
 * of what it serves from its jar (the risk page's charting library). Read once.
 */
public final class BuildInfo {

    private static final Properties STAMPED = read();

    private BuildInfo() {}

    /** Marginflow's version, or "unknown" if the jar carries none. */
    public static String version() {
        return STAMPED.getProperty("version", "unknown");
    }

    /** The version stamped under {@code key} (e.g. {@code uplot.version}). */
    public static String stamped(String key) {
        String value = STAMPED.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("version.properties in the application jar has no " + key);
        }
        return value;
    }

    private static Properties read() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // reported as an unknown version, or by stamped() for a key it cannot find
        }
        return properties;
    }
}
