package io.marginflow.app;

import io.marginflow.audit.AuditMistake;
import io.marginflow.audit.TopicReader;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistries;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.StressResult;
import io.marginflow.serde.SpecificAvroDeserializer;
import io.marginflow.stress.StressReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marginflow stress report}: the latest stress run's Cover-1/Cover-2 table, read from the stress topic. */
@Command(name = "stress", mixinStandardHelpOptions = true,
        description = "The clearinghouse's stress tests (README, \"Stress tests\").",
        subcommands = {StressCommand.Report.class})
final class StressCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: report");
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"Prints the latest stress run on the stress topic (committed records only): per scenario its"
                    + " moves, Cover-1 and Cover-2 and the members that set them; the run's Cover-2; and the largest"
                    + " members of its worst scenario. Reads, joins no consumer group, writes nothing."})
    static final class Report implements Runnable {

        @Mixin
        MarginflowApp.ConfigFile config;

        @Option(names = "--members", paramLabel = "N", defaultValue = "5",
                description = "members of the worst scenario to list (default 5; 0: none)")
        int members;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (members < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--members cannot be negative");
            }
            MarginflowConfig loaded = config.load();
            SchemaRegistry registry = SchemaRegistries.fromConfig(loaded.registryConfig());
            String topic = loaded.topics().stress();
            List<StressResult> results = new ArrayList<>();
            SpecificAvroDeserializer<StressResult> decoder = new SpecificAvroDeserializer<>(StressResult.class, registry);
            try (KafkaConsumer<byte[], byte[]> consumer = TailCommand.readOnlyConsumer(loaded)) {
                TopicReader.readAll(consumer, topic, record -> results.add(decoder.deserialize(topic, record.value())));
            } catch (AuditMistake e) {
                throw new MarginflowApp.UserMistake(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            StressReport.lines(StressReport.latestRun(results), members).forEach(out::println);
            out.flush();
        }
    }
}
