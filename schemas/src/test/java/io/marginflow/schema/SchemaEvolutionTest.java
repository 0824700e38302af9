package io.marginflow.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every topic schema evolves BACKWARD-compatibly: consumers upgraded to the current schema
 * read everything written with any released version, so topics can be replayed from the
 * beginning of time.
 *
 * <p>To release a schema change, run {@code mvn -pl schemas clean test -Dmarginflow.schema.release=true}:
 * the current schema of every changed record is written to {@code schemas/history/<Name>/v<N+1>.avsc},
 * and the compatibility checks below still run against every earlier release.
 */
class SchemaEvolutionTest {

    static Stream<Schema> topicSchemas() {
        return TopicSchemas.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicSchemas")
    void everyTopicSchemaHasBeenReleased(Schema current) {
        SchemaHistory history = SchemaHistory.of(current);
        if (history.releases().isEmpty() && releaseRequested()) {
            history.release();
            history = SchemaHistory.of(current);
        }
        assertThat(history.releases())
                .as("released versions of %s under %s", current.getFullName(), history.directory())
                .isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicSchemas")
    void theNewestReleaseIsTheCurrentSchema(Schema current) {
        SchemaHistory history = SchemaHistory.of(current);
        if (history.releases().isEmpty()) {
            return; // reported by everyTopicSchemaHasBeenReleased
        }
        if (history.newest().schema().equals(current)) {
            return;
        }
        if (releaseRequested()) {
            history.release();
            return;
        }
        fail("""
                %s changed since its newest release %s.
                Release it (after checking the change is intended) with
                    mvn -pl schemas clean test -Dmarginflow.schema.release=true
                which writes %s.""",
                current.getFullName(), history.newest().file(), history.nextReleaseFile());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicSchemas")
    void theCurrentSchemaReadsDataWrittenWithEveryRelease(Schema current) {
        for (SchemaHistory.Release release : SchemaHistory.of(current).releases()) {
            SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(current, release.schema());
            assertThat(result.getType())
                    .as("%s reading data written with %s: %s",
                            current.getFullName(), release.file(), result.getResult().getIncompatibilities())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicSchemas")
    void eachReleaseReadsDataWrittenWithTheReleasesBeforeIt(Schema current) {
        var releases = SchemaHistory.of(current).releases();
        for (int later = 1; later < releases.size(); later++) {
            for (int earlier = 0; earlier < later; earlier++) {
                SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(
                        releases.get(later).schema(), releases.get(earlier).schema());
                assertThat(result.getType())
                        .as("%s reading %s", releases.get(later).file(), releases.get(earlier).file())
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    private static boolean releaseRequested() {
        return Boolean.getBoolean("marginflow.schema.release");
    }
}
