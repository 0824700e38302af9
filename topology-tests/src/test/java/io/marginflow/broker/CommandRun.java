package io.marginflow.broker;

import io.marginflow.app.MarginflowApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** A {@code marginflow} command run in this JVM as a user runs it: its exit code, standard output and standard error. */
record CommandRun(int code, String out, String err) {

    /** Runs {@code args} with {@code --config CONFIG} added (unless CONFIG is null: a command that takes none). */
    static CommandRun of(Path config, String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        if (config != null) {
            line.add("--config=" + config);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = MarginflowApp.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(line.toArray(String[]::new));
        return new CommandRun(code, out.toString(), err.toString());
    }
}
