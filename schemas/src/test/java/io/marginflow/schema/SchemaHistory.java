package io.marginflow.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * The released versions of one topic schema, kept as fully resolved {@code .avsc} files under
 * {@code schemas/history/<RecordName>/v<N>.avsc}. Version N+1 must be able to read data
 * written with versions 1..N (BACKWARD compatibility, checked transitively).
 */
record SchemaHistory(Schema current, Path directory, List<Release> releases) {

    record Release(int version, Path file, Schema schema) {}

    private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.avsc");

    /** The history folder: {@code schemas/history}, relative to the module the tests run in. */
    static Path root() {
        return Path.of(System.getProperty("marginflow.schema.history", "history"));
    }

    static SchemaHistory of(Schema current) {
        Path directory = root().resolve(current.getName());
        if (!Files.isDirectory(directory)) {
            return new SchemaHistory(current, directory, List.of());
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Release> releases = files
                    .map(SchemaHistory::readRelease)
                    .sorted(Comparator.comparingInt(Release::version))
                    .toList();
            return new SchemaHistory(current, directory, releases);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Release readRelease(Path file) {
        Matcher name = VERSION_FILE.matcher(file.getFileName().toString());
        if (!name.matches()) {
            throw new IllegalStateException(file + " is not named v<N>.avsc");
        }
        try {
            Schema schema = new Schema.Parser().parse(Files.readString(file, StandardCharsets.UTF_8));
            return new Release(Integer.parseInt(name.group(1)), file, schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Release newest() {
        return releases.get(releases.size() - 1);
    }

    /** The file the next release of the current schema goes to. */
    Path nextReleaseFile() {
        int next = releases.isEmpty() ? 1 : newest().version() + 1;
        return directory.resolve("v" + next + ".avsc");
    }

    /** Writes the current schema, fully resolved, as the next release (pretty JSON, as every release is written). */
    @SuppressWarnings("deprecation") // Schema.toString(true): the format of every released file
    Path release() {
        Path file = nextReleaseFile();
        try {
            Files.createDirectories(directory);
            Files.writeString(file, current.toString(true) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
