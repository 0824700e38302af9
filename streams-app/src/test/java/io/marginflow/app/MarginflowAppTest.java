package io.marginflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.config.ConfigKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it, without a cluster: help, version, and one-line mistakes with exit code 2. */
class MarginflowAppTest {

    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = MarginflowApp.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    @Test
    void everyCommandHasHelpAndTheVersionIsTheBuilds() {
        for (String command : new String[] {"run", "create-topics", "seed-history", "heartbeat", "liquidate", "config",
            "keygen"}) {
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out.toString()).contains("Usage: marginflow " + command);
        }
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).containsPattern("marginflow \\d+\\.\\d+\\.\\d+");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Exit codes:", "2   a mistake in the command line or the configuration");
    }

    @Test
    void aMistakeIsOneLineAndExitCodeTwo() throws Exception {
        Path typo = Files.writeString(directory.resolve("typo.properties"), "engine.defualt.price-scan-range=0.2\n");
        Path noKey = Files.writeString(directory.resolve("no-key.properties"),
                "engine.checkpoint.signing-key=" + directory.resolve("missing.key") + "\n");
        Path publicOnly = directory.resolve("public-only.key");
        io.marginflow.engine.CheckpointKeys.generate(directory.resolve("pair.key"), publicOnly);
        Path wrongKey = Files.writeString(directory.resolve("wrong-key.properties"),
                "engine.checkpoint.signing-key=" + publicOnly + "\n");
        String[][] mistakes = {
            {"bogus"},
            {"run", "--colour"},
            {"seed-history", "--index", "BTC"},
            {"heartbeat", "--every", "0"},
            {"heartbeat", "--every", "often"},
            {"run", "--config", directory.resolve("missing.properties").toString()},
            {"create-topics", "--config", typo.toString()},
            {"run", "--config", noKey.toString()},
            {"run", "--config", wrongKey.toString()},
            {"keygen", directory.resolve("pair.key").toString()},
        };
        String[] expected = {
            "Unmatched argument at index 0: 'bogus'",
            "Unknown option: '--colour'",
            "Missing required option: '--csv=FILE'",
            "--every takes a positive number of seconds, not 0",
            "Invalid value for option '--every': 'often' is not a long",
            "cannot read the configuration file " + directory.resolve("missing.properties") + ": no such file",
            "unknown configuration key engine.defualt.price-scan-range (in " + typo + "); did you mean"
                    + " engine.default.price-scan-range?",
            "engine.checkpoint.signing-key: key file " + directory.resolve("missing.key") + ": cannot be read",
            "engine.checkpoint.signing-key: key file " + publicOnly + ": no PRIVATE KEY block",
            directory.resolve("pair.key") + " exists: a new key would orphan every checkpoint signed with the old one",
        };
        for (int i = 0; i < mistakes.length; i++) {
            err.getBuffer().setLength(0);
            assertThat(run(mistakes[i])).as(String.join(" ", mistakes[i])).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", mistakes[i])).startsWith("marginflow: ").contains(expected[i])
                    .hasLineCount(1);
        }
    }

    @Test
    void configListPrintsEveryKeyWithItsDefaultAndMostWithTheirMeaning() {
        assertThat(run("config", "--list")).isZero();
        String listed = out.toString();
        for (ConfigKeys.Key key : ConfigKeys.all()) {
            assertThat(listed).contains(key.name() + "=" + key.defaultValue());
        }
        assertThat(listed).contains("engine.default.call-release-buffer=0.10", "engine.unknown-instrument-wait.ms=60000",
                "A fill for an instrument not yet defined waits this long in stream time");
    }
}
