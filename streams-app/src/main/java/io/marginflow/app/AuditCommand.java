package io.marginflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.marginflow.audit.AuditMistake;
import io.marginflow.audit.ChainVerification;
import io.marginflow.audit.JournalReplay;
import io.marginflow.audit.JournalScope;
import io.marginflow.audit.JournalStats;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.engine.CheckpointKeys;
import io.marginflow.registry.SchemaRegistries;
import io.marginflow.registry.SchemaRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marginflow audit ...}: an auditor's tools, which read the topics and write nothing. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "An auditor's tools: they read the topics (committed records only), join no consumer group and"
                + " write nothing to the cluster (README, \"Auditing\").",
        subcommands = {AuditCommand.Replay.class, AuditCommand.Verify.class, AuditExplainCommand.class,
                AuditProveCommand.class, AuditCommand.Stats.class})
final class AuditCommand implements Runnable {

    /** Exit code of an audit that found a divergence. */
    static final int DIVERGENT = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * What every audit command shares: the configuration, a read-only consumer and admin client,
     * the journal entries in scope (by default what the application has processed), and a
     * mistake found in the topics ({@link AuditMistake}) as a one-line exit 2.
     */
    abstract static class Connected implements Callable<Integer> {
        @Mixin
        MarginflowApp.ConfigFile config;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<Integer> partitions = partitions();
            MarginflowConfig loaded = config.load();
            SchemaRegistry registry = SchemaRegistries.fromConfig(loaded.registryConfig());
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = Admin.create(loaded.adminProperties());
                 KafkaConsumer<byte[], byte[]> consumer = TailCommand.readOnlyConsumer(loaded)) {
                int code = audit(loaded, registry, consumer, inScope(loaded, admin, consumer, partitions), out);
                out.flush();
                return code;
            } catch (AuditMistake e) {
                throw new MarginflowApp.UserMistake(e.getMessage());
            }
        }

        /** The journal partitions in scope; empty: all. */
        List<Integer> partitions() {
            return List.of();
        }

        /** The journal entries to audit: by default what the application has processed. */
        JournalScope inScope(MarginflowConfig config, Admin admin, KafkaConsumer<byte[], byte[]> consumer,
                             List<Integer> partitions) throws Exception {
            return JournalScope.processed(config, admin, consumer, partitions);
        }

        /** The audit of {@code scope}; its exit code. */
        abstract int audit(MarginflowConfig config, SchemaRegistry registry, KafkaConsumer<byte[], byte[]> consumer,
                           JournalScope scope, PrintWriter out);
    }

    /** {@code --public-key FILE}: the key checkpoints must be signed with (verify, prove). */
    static final class PublicKeyOption {
        @Option(names = "--public-key", paramLabel = "FILE",
                description = "The clearinghouse's published Ed25519 public key (marginflow keygen writes it): every"
                        + " checkpoint must be signed with it. Without it signatures are not checked.")
        Path file;

        /** The key, if one is given; a file that holds none is a mistake. */
        Optional<PublicKey> key() {
            try {
                return Optional.ofNullable(file).map(CheckpointKeys::publicKey);
            } catch (CheckpointKeys.BadKeyFile e) {
                throw new AuditMistake(e.getMessage());
            }
        }
    }

    /** An audit of chosen journal partitions ({@code --partition}). */
    abstract static class Audit extends Connected {
        @Option(names = "--partition", paramLabel = "N", split = ",",
                description = "journal partitions in scope (repeatable or comma-separated; default: all)")
        List<Integer> partitions = new ArrayList<>();

        @Override
        List<Integer> partitions() {
            if (partitions.stream().anyMatch(p -> p < 0)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--partition cannot be negative");
            }
            return partitions;
        }
    }

    /** An audit that lists the problems it finds. */
    abstract static class Listing extends Audit {
        @Option(names = "--show", paramLabel = "N", defaultValue = "10",
                description = "problems to list after the first (default 10)")
        int show;

        @Override
        public Integer call() throws Exception {
            if (show < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--show cannot be negative");
            }
            return super.call();
        }

        /** Lists {@code problems} after the first, up to {@code --show}. */
        <T> void listFurther(List<T> problems, java.util.function.Function<T, String> line, PrintWriter out) {
            problems.stream().skip(1).limit(show).forEach(problem -> out.println("  " + line.apply(problem)));
            if (problems.size() > show + 1) {
                out.printf("  … and %,d more%n", problems.size() - show - 1);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks every account's hash chain on the margin, margin-call and liquidation topics from the"
                    + " records alone: each record's hash is the SHA-256 of its encoding with the hash left empty, each"
                    + " account's records run from sequence 1 with no gap and no second record at a place, and each names"
                    + " the hash of the record before it. Then every integrity checkpoint on the checkpoints topic: its"
                    + " hash, its place in its journal partition's chain of checkpoints, its Merkle root against the chain"
                    + " heads before it, and (with --public-key) its Ed25519 signature.",
                    "Judges the outputs of the journal entries the application has processed (its consumer group's"
                    + " committed offsets)."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every chain is whole and every hash holds",
                    "1:failed while working (the broker or schema registry refused)",
                    "2:a mistake in the command line or the configuration",
                    "3:a record fails a check: each is named by topic, partition and offset"})
    static final class Verify extends Listing {
        @Mixin
        PublicKeyOption publicKey;

        @Override
        int audit(MarginflowConfig config, SchemaRegistry registry, KafkaConsumer<byte[], byte[]> consumer,
                  JournalScope scope, PrintWriter out) {
            Optional<PublicKey> key = publicKey.key();
            ChainVerification.Report report = new ChainVerification(config.topics(), registry, key).verify(consumer, scope);
            out.printf("verified the outputs of %s in %.1f s: %,d records of %,d accounts, %,d checkpoints%s%n",
                    scope.describe(), report.seconds(), report.records(), report.accounts(), report.checkpoints(),
                    report.signaturesChecked() ? " (signatures checked with key " + CheckpointKeys.keyId(key.orElseThrow()) + ")"
                            : " (signatures not checked: no --public-key)");
            if (report.verified()) {
                out.println("verdict: VERIFIED: every record's hash holds, every account's chain is whole and linked,"
                        + " and every checkpoint is linked and commits to the chain heads before it"
                        + (report.signaturesChecked() ? ", signed with the key given" : ""));
                return 0;
            }
            Map<ChainVerification.Problem, Long> kinds = new TreeMap<>(report.failures().stream()
                    .collect(Collectors.groupingBy(ChainVerification.Failure::problem, Collectors.counting())));
            out.printf("failures: %,d (%s)%n", report.failures().size(), kinds.entrySet().stream()
                    .map(kind -> kind.getKey() + " " + kind.getValue()).collect(Collectors.joining(", ")));
            report.failures().stream().limit(1).forEach(first -> out.println("first failure: " + line(first)));
            listFurther(report.failures(), Verify::line, out);
            out.printf("verdict: FAILED: %,d record%s fail%s a check%n", report.failures().size(),
                    report.failures().size() == 1 ? "" : "s", report.failures().size() == 1 ? "s" : "");
            return DIVERGENT;
        }

        private static String line(ChainVerification.Failure failure) {
            return failure.problem() + " " + failure.at() + (failure.subject() == null ? ""
                    : " (" + failure.subject() + ", sequence " + failure.sequence() + ")") + ": " + failure.detail();
        }
    }

    @Command(name = "journal-stats", mixinStandardHelpOptions = true,
            description = "The journal's entries by kind and partition and the event time they span (the whole journal"
                    + " as it is now), and the dead letters by stage and error class: what an auditor looks at first.")
    static final class Stats extends Audit {
        @Override
        JournalScope inScope(MarginflowConfig config, Admin admin, KafkaConsumer<byte[], byte[]> consumer,
                             List<Integer> partitions) {
            return JournalScope.whole(config, consumer, partitions);
        }

        @Override
        int audit(MarginflowConfig config, SchemaRegistry registry, KafkaConsumer<byte[], byte[]> consumer,
                  JournalScope scope, PrintWriter out) {
            JournalStats.Report report = new JournalStats(registry).count(consumer, scope, config.topics().deadLetters());
            out.printf("%s: %,d entries%n", scope.describe(), report.total());
            report.firstEventTime().ifPresent(first -> out.printf("event time: %s to %s%n", first,
                    report.lastEventTime().orElseThrow()));
            out.println("entries by kind and journal partition:");
            StringBuilder header = new StringBuilder(String.format("  %-20s", "kind"));
            scope.ends().keySet().forEach(partition -> header.append(String.format(" %10d", partition)));
            out.println(header.append(String.format(" %10s", "total")));
            report.entries().forEach((kind, byPartition) -> out.println(row(kind, byPartition, scope)));
            if (!report.undecodable().isEmpty()) {
                out.println(row("(does not decode)", report.undecodable(), scope));
            }
            long letters = report.deadLetters().values().stream().flatMap(byClass -> byClass.values().stream())
                    .mapToLong(Long::longValue).sum();
            out.printf("dead letters on %s: %,d%n", config.topics().deadLetters(), letters);
            report.deadLetters().forEach((stage, byClass) -> byClass.forEach((errorClass, count) ->
                    out.printf("  %-10s %-32s %,10d%n", stage, errorClass, count)));
            return 0;
        }

        private static String row(String name, Map<Integer, Long> byPartition, JournalScope scope) {
            StringBuilder row = new StringBuilder(String.format("  %-20s", name));
            scope.ends().keySet().forEach(partition -> row.append(String.format(" %,10d", byPartition.getOrDefault(partition, 0L))));
            return row.append(String.format(" %,10d", byPartition.values().stream().mapToLong(Long::longValue).sum())).toString();
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Replays the journal from its first entry into a fresh engine offline and compares every"
                    + " margin result, margin call and liquidation signal it gives, at its place in its account's hash"
                    + " chain, with the one published, and every integrity checkpoint it writes with the one published at"
                    + " its place in its journal partition's checkpoints, and every entry it refuses with the engine's"
                    + " dead letters; then lists what is published that the replay did not give.",
                    "Each journal partition is replayed up to what the application has processed (its consumer group's"
                    + " committed offset), so outputs still to come are not counted as missing."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every published output of the replayed entries is reproduced exactly",
                    "1:failed while working (the broker or schema registry refused)",
                    "2:a mistake in the command line or the configuration",
                    "3:a divergence: the first is shown in full"})
    static final class Replay extends Listing {
        @Option(names = "--from-checkpoint", paramLabel = "INSTANT",
                description = "compare only from each journal partition's last checkpoint at or before INSTANT"
                        + " (e.g. 2026-11-30T00:00:00Z) on: the entries before it are replayed but their outputs are not"
                        + " compared, the replayed checkpoint must equal the published one (audit verify checks its"
                        + " signature and its root against the outputs before it); a partition without one is compared"
                        + " from its first entry")
        Instant fromCheckpoint;

        @Override
        int audit(MarginflowConfig config, SchemaRegistry registry, KafkaConsumer<byte[], byte[]> consumer,
                  JournalScope processed, PrintWriter out) {
            JournalReplay replay = new JournalReplay(config, registry, MarginflowApp.outputLimits(config));
            JournalScope scope = fromCheckpoint == null ? processed : replay.fromCheckpoints(consumer, processed, fromCheckpoint);
            if (fromCheckpoint != null && scope.anchors().size() < scope.ends().size()) {
                out.println("no checkpoint at or before " + fromCheckpoint + " on " + config.topics().checkpoints() + " for"
                        + " journal partition" + (scope.ends().size() - scope.anchors().size() == 1 ? " " : "s ")
                        + scope.ends().keySet().stream().filter(p -> !scope.anchors().containsKey(p)).map(String::valueOf)
                                .collect(Collectors.joining(", ")) + ": compared from the first entry");
            }
            out.println("replaying " + scope.describe() + " (what the application has processed)");
            out.flush();
            JournalReplay.Report report = replay.replay(consumer, scope, progress(spec.commandLine().getErr()));
            print(report, consumer, new RegistryJson(registry), config.topics().journal(), out);
            return report.verified() ? 0 : DIVERGENT;
        }

        /** A progress bar on a terminal; otherwise a line every 100,000 entries. */
        private static JournalReplay.Progress progress(PrintWriter err) {
            boolean terminal = onTerminal();
            return (entries, total) -> {
                if (terminal) {
                    int width = 30;
                    int done = total == 0 ? width : (int) Math.min(width, entries * width / total);
                    err.printf("\r[%s%s] %,d / %,d journal entries", "#".repeat(done), " ".repeat(width - done), entries, total);
                    if (entries == total) {
                        err.println();
                    }
                    err.flush();
                } else if (entries % 100_000 == 0 || entries == total) {
                    err.printf("replayed %,d of %,d journal entries%n", entries, total);
                    err.flush();
                }
            };
        }

        /**
         * Whether the command runs on a terminal: a console before Java 22; from Java 22 on, where
         * there is always a console, {@code Console.isTerminal()}.
         */
        @SuppressWarnings("SystemConsoleNull")
        private static boolean onTerminal() {
            java.io.Console console = System.console();
            if (console == null) {
                return false;
            }
            try {
                return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                return true;
            }
        }

        private void print(JournalReplay.Report report, KafkaConsumer<byte[], byte[]> consumer, RegistryJson json,
                           String journal, PrintWriter out) {
            out.printf("read the published outputs in %.1f s; replayed %,d journal entries in %.1f s (%,.0f entries/s;"
                    + " the engine %.1f s of it)%s%n", report.publishedSeconds(), report.entries(), report.replaySeconds(),
                    report.entries() / Math.max(report.replaySeconds(), 1e-9), report.engineSeconds(),
                    report.undecodable() == 0 ? "" : String.format("; %,d journal records do not decode and were"
                            + " skipped, as the live engine skips them", report.undecodable()));
            Map<JournalReplay.Kind, Long> kinds = new TreeMap<>(report.divergences().stream()
                    .collect(Collectors.groupingBy(JournalReplay.Divergence::kind, Collectors.counting())));
            report.matched().forEach((topic, matched) -> out.printf("  %-24s %,10d reproduced exactly%n", topic, matched));
            if (report.verified()) {
                out.println("verdict: VERIFIED: every published margin result, margin call, liquidation signal,"
                        + " checkpoint, engine rejection, alert and stress outcome of these entries is reproduced exactly, hashes included,"
                        + " and none is missing");
                return;
            }
            out.printf("divergences: %,d (%s)%n", report.divergences().size(), kinds.entrySet().stream()
                    .map(kind -> kind.getKey() + " " + kind.getValue()).collect(Collectors.joining(", ")));
            JournalReplay.Divergence first = report.divergences().get(0);
            out.printf("first divergence: %s on %s: %s%n", first.kind(), first.topic(), first.detail());
            first.replayed().ifPresent(record -> out.println("  replayed:  " + io.marginflow.serde.JsonRecords.toJson(record,
                    record.getSchema())));
            first.published().ifPresent(at -> out.println("  published (" + at + "): " + jsonAt(consumer, json, at)));
            if (first.journalPartition() >= 0) {
                JournalReplay.Coordinates entry = new JournalReplay.Coordinates(journal, first.journalPartition(),
                        first.journalOffset());
                out.println("  journal entry (" + entry + "): " + jsonAt(consumer, json, entry));
            }
            listFurther(report.divergences(), divergence -> divergence.kind() + " "
                    + divergence.published().map(Object::toString).orElse(divergence.topic())
                    + (divergence.journalPartition() < 0 ? "" : " (journal " + divergence.journalPartition() + "@"
                            + divergence.journalOffset() + ")") + ": " + divergence.detail(), out);
            out.printf("verdict: DIVERGENT: %,d published figure%s not reproduced by the journal%n",
                    report.divergences().size(), report.divergences().size() == 1 ? " is" : "s are");
        }

        private static String jsonAt(KafkaConsumer<byte[], byte[]> consumer, RegistryJson json,
                                     JournalReplay.Coordinates at) {
            return JournalReplay.recordAt(consumer, at).map(record -> decoded(json, record))
                    .orElse("(no committed record there)");
        }

        private static String decoded(RegistryJson json, ConsumerRecord<byte[], byte[]> record) {
            try {
                JsonNode value = json.decode(record);
                return value.toString();
            } catch (IOException | RuntimeException e) {
                return "(does not decode: " + e.getMessage() + ")";
            }
        }
    }
}
