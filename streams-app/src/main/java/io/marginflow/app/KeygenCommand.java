package io.marginflow.app;

import io.marginflow.engine.CheckpointKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code marginflow keygen FILE}: the Ed25519 key pair integrity checkpoints are signed with. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Makes the Ed25519 key pair integrity checkpoints are signed with (README, \"Integrity"
                + " checkpoints\"): FILE holds the signing key (PKCS#8, with its public key; keep it secret, readable by"
                + " the application only, and set engine.checkpoint.signing-key to it) and FILE.pub the public key"
                + " (X.509 PEM: publish it; marginflow audit verify --public-key checks every checkpoint with it)."})
final class KeygenCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "FILE", description = "where to write the signing key; the public key goes to FILE.pub")
    Path file;

    @Option(names = "--force", description = "replace FILE and FILE.pub if they exist")
    boolean force;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Path signingKey = file.toAbsolutePath();
        Path publicKey = signingKey.resolveSibling(signingKey.getFileName() + ".pub");
        for (Path existing : new Path[] {signingKey, publicKey}) {
            if (Files.exists(existing) && !force) {
                throw new MarginflowApp.UserMistake(existing + " exists: a new key would orphan every checkpoint signed"
                        + " with the old one (--force replaces it)");
            }
        }
        CheckpointKeys.Signer signer;
        try {
            signer = CheckpointKeys.generate(signingKey, publicKey);
        } catch (IOException e) {
            throw new MarginflowApp.UserMistake("cannot write " + signingKey + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("signing key: " + signingKey + " (engine.checkpoint.signing-key; keep it secret)");
        out.println("public key:  " + publicKey + " (publish it; audit verify --public-key)");
        out.println("key id:      " + signer.keyId() + " (each signed checkpoint's keyId)");
        out.flush();
    }
}
