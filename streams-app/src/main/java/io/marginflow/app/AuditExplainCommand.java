package io.marginflow.app;

import io.marginflow.audit.JournalReplay;
import io.marginflow.audit.JournalScope;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.engine.AccountQuery;
import io.marginflow.registry.SchemaRegistry;
import java.io.PrintWriter;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code marginflow audit explain ACCOUNT}: an account rebuilt from the journal alone, its margin laid out. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Rebuilds an account from the journal alone (its partition replayed into a fresh engine"
                + " offline) and prints its margin as a risk officer reads it: status and open call, equity and the"
                + " requirements with what set them, VaR/ES and add-ons, positions with marks and P&L, collateral, and"
                + " per underlying the worst scenario, the Greeks and the forecast; then what was last published.",
                "By default at what the application has processed; --at takes a journal offset (the account after"
                + " that entry) or an ISO-8601 instant (after every entry stamped at or before it)."})
final class AuditExplainCommand extends AuditCommand.Connected {
    @CommandLine.Parameters(index = "0", paramLabel = "ACCOUNT", description = "the account id")
    String account;

    @Option(names = "--at", paramLabel = "OFFSET|INSTANT",
            description = "a journal offset of the account's partition, or an instant such as 2020-03-12T08:00:00Z")
    String at;

    @Option(names = "--json", description = "print the account as JSON (the query API's GET /accounts/ID form)")
    boolean json;

    @Override
    int audit(MarginflowConfig loaded, SchemaRegistry registry, KafkaConsumer<byte[], byte[]> consumer, JournalScope scope,
              PrintWriter out) {
        java.util.function.BiPredicate<Long, io.marginflow.schema.JournalEntry> within = within(at);
        int partition = io.marginflow.sequencer.JournalPartitioner.accountPartition(account, scope.partitions());
        long end = scope.ends().get(partition);
        if (at != null && isOffset(at) && Long.parseLong(at) >= end) {
            throw new MarginflowApp.UserMistake("--at " + at + " is beyond what the application has processed of "
                    + scope.journal() + " partition " + partition + ", " + account + "'s partition (its entries end at"
                    + " offset " + (end - 1) + ")");
        }
        JournalReplay.Rebuilt rebuilt = new JournalReplay(loaded, registry, MarginflowApp.outputLimits(loaded))
                .rebuild(consumer, scope.journal(), partition, end, within);
        AccountQuery query = new AccountQuery(loaded.engine(), rebuilt.engine().stores());
        AccountQuery.Account found = query.account(account).orElseThrow(() -> new MarginflowApp.UserMistake(
                "account " + account + " has no state in " + scope.journal() + " partition " + partition
                        + " (its partition of " + scope.partitions() + ") up to offset " + rebuilt.lastOffset()));
        com.fasterxml.jackson.databind.node.ObjectNode view = io.marginflow.api.Views.account(found, query.market(),
                partition);
        view.put("journalOffset", rebuilt.lastOffset());
        rebuilt.lastEventTime().ifPresent(time -> view.put("eventTime", time.toString()));
        if (json) {
            out.println(view);
        } else {
            AccountText.print(view, found, query.market(), out);
        }
        return 0;
    }

    /** Whether {@code --at} gives a journal offset (digits a long holds) rather than an instant. */
    private static boolean isOffset(String at) {
        return !at.isEmpty() && at.length() < 19 && at.chars().allMatch(Character::isDigit);
    }

    private java.util.function.BiPredicate<Long, io.marginflow.schema.JournalEntry> within(String at) {
        if (at == null) {
            return (offset, entry) -> true;
        }
        if (isOffset(at)) {
            long last = Long.parseLong(at);
            return (offset, entry) -> offset <= last;
        }
        try {
            java.time.Instant until = java.time.Instant.parse(at);
            return (offset, entry) -> !entry.getEventTime().isAfter(until);
        } catch (java.time.format.DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--at takes a journal offset or an ISO-8601"
                    + " instant such as 2020-03-12T08:00:00Z, not " + at);
        }
    }
}
