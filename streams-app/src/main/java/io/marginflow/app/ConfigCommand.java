package io.marginflow.app;

import io.marginflow.config.ConfigKeys;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marginflow config --list}: every configuration key with its default and meaning. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Shows Marginflow's configuration keys.")
final class ConfigCommand implements Runnable {

    @Option(names = "--list", required = true, description = "every key with its default and meaning")
    boolean list;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        for (ConfigKeys.Key key : ConfigKeys.all()) {
            out.printf("%s=%s%n", key.name(), key.defaultValue());
            if (!key.meaning().isBlank()) {
                out.printf("    %s%n", key.meaning());
            }
        }
        out.flush();
    }
}
