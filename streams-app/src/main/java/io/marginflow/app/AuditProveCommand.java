package io.marginflow.app;

import io.marginflow.audit.InclusionProof;
import io.marginflow.audit.JournalScope;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.registry.SchemaRegistry;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code marginflow audit prove ACCOUNT}: the Merkle inclusion proof of an account's chain head in a checkpoint. */
@Command(name = "prove", mixinStandardHelpOptions = true,
        description = {"Proves that an account's chain head is in an integrity checkpoint of its journal partition:"
                + " prints the leaf (account, sequence and hash of its last output before the checkpoint, as the output"
                + " topics show it), its index among the checkpoint's leaves, and the audit path (RFC 6962) from it to"
                + " the checkpoint's Merkle root, and checks the path leads there (and, with --public-key, the"
                + " checkpoint's signature). Anyone can check the proof with the leaf, index, size, path and root alone.",
                "By default the partition's latest checkpoint in what the application has processed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:proved",
                "1:failed while working (the broker or schema registry refused)",
                "2:a mistake: no such checkpoint, the account has no output before it, a bad key file",
                "3:the path does not lead to the checkpoint's root, or its signature fails"})
final class AuditProveCommand extends AuditCommand.Connected {

    @CommandLine.Parameters(index = "0", paramLabel = "ACCOUNT", description = "the account id")
    String account;

    @Option(names = "--checkpoint", paramLabel = "N", description = "the checkpoint's sequence on the account's partition")
    Long checkpoint;

    @CommandLine.Mixin
    AuditCommand.PublicKeyOption publicKey;

    @Override
    int audit(MarginflowConfig config, SchemaRegistry registry, KafkaConsumer<byte[], byte[]> consumer, JournalScope scope,
              PrintWriter out) {
        Optional<java.security.PublicKey> key = publicKey.key();
        int partition = io.marginflow.sequencer.JournalPartitioner.accountPartition(account, scope.partitions());
        InclusionProof.Proof proof = new InclusionProof(config.topics(), registry).prove(consumer, scope, account, partition,
                checkpoint == null ? OptionalLong.empty() : OptionalLong.of(checkpoint), key);
        var signed = proof.checkpoint();
        out.printf("checkpoint %d of journal partition %d (%s): at %s, journal offsets %d to %d, %,d accounts%n",
                signed.getSequence(), partition, proof.at(), signed.getCheckpointTime(), signed.getFromOffset(),
                signed.getUntilOffset() - 1, signed.getAccounts());
        out.println("  merkle root " + signed.getMerkleRoot());
        out.println("  hash        " + signed.getHash());
        out.println("  signature   " + (signed.getSignature() == null ? "none (unsigned)"
                : "by key " + signed.getKeyId() + (key.isEmpty() ? " (not checked: no --public-key)"
                        : proof.signatureProblem().map(problem -> ": FAILS, " + problem).orElse(": verified"))));
        out.printf("leaf %d of %d: %s NUL %d NUL %s (the account's output %d)%n", proof.index(), proof.size(), account,
                proof.sequence(), proof.hash(), proof.sequence());
        out.println("audit path, from the leaf up:");
        proof.path().forEach(hash -> out.println("  " + hash));
        if (!proof.proves()) {
            out.println("verdict: NOT PROVED: the path from the output topics' heads does not lead to the checkpoint's"
                    + " root (audit verify names what differs)");
            return AuditCommand.DIVERGENT;
        }
        if (proof.signatureProblem().isPresent()) {
            out.println("verdict: NOT PROVED: the path leads to the root, but the checkpoint's signature fails: "
                    + proof.signatureProblem().get());
            return AuditCommand.DIVERGENT;
        }
        out.println("verdict: PROVED: the account's chain head is leaf " + proof.index() + " of the checkpoint's Merkle tree"
                + (key.isPresent() && signed.getSignature() != null ? ", whose root the clearinghouse signed" : ""));
        return 0;
    }
}
