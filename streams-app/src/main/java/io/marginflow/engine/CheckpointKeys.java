package io.marginflow.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Ed25519 keys checkpoints are signed with (the JDK's own EdDSA, RFC 8032: a signature is a
 * function of key and message, so a replay signs exactly as the engine did). A signing-key file
 * holds two PEM blocks, the PKCS#8 private key and the X.509 public key; the public-key file holds
 * the second alone, to be published. A key is named by its id: the lowercase hex SHA-256 of its
 * X.509 encoding.
 */
public final class CheckpointKeys {

    private static final String ALGORITHM = "Ed25519";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");

    /** A key pair that signs. */
    public record Signer(PrivateKey privateKey, PublicKey publicKey) {

        /** The Base64 Ed25519 signature of {@code message}. */
        public String sign(byte[] message) {
            try {
                Signature signature = Signature.getInstance(ALGORITHM);
                signature.initSign(privateKey);
                signature.update(message);
                return Base64.getEncoder().encodeToString(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign with an Ed25519 key: " + e.getMessage(), e);
            }
        }

        public String keyId() {
            return CheckpointKeys.keyId(publicKey);
        }
    }

    /** A key file that cannot be used, with the reason. */
    public static final class BadKeyFile extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadKeyFile(Path file, String reason) {
            super("key file " + file + ": " + reason);
        }
    }

    private CheckpointKeys() {}

    /** Makes a new key pair: the signing-key file (both blocks, readable by its owner only) and the public-key file. */
    public static Signer generate(Path signingKey, Path publicKey) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no Ed25519", e);
        }
        String publicBlock = pem("PUBLIC KEY", pair.getPublic().getEncoded());
        Files.writeString(signingKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + publicBlock);
        try {
            Files.setPosixFilePermissions(signingKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the default permissions
        }
        Files.writeString(publicKey, publicBlock);
        return new Signer(pair.getPrivate(), pair.getPublic());
    }

    /** The key pair in a signing-key file. */
    public static Signer signer(Path file) {
        String text = read(file);
        try {
            PrivateKey privateKey = KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(block(file, text, "PRIVATE KEY")));
            return new Signer(privateKey, publicKey(file, text));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BadKeyFile(file, "not an Ed25519 private key (" + e.getMessage() + ")");
        }
    }

    /** The public key in a public-key or signing-key file. */
    public static PublicKey publicKey(Path file) {
        return publicKey(file, read(file));
    }

    /** Whether {@code signature} (Base64) is {@code key}'s Ed25519 signature of {@code message}. */
    public static boolean verifies(PublicKey key, byte[] message, String signature) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The key's id: lowercase hex SHA-256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded());
    }

    private static PublicKey publicKey(Path file, String text) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(block(file, text, "PUBLIC KEY")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BadKeyFile(file, "not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new BadKeyFile(file, "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static byte[] block(Path file, String text, String type) {
        Matcher matcher = PEM.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).equals(type)) {
                return Base64.getMimeDecoder().decode(matcher.group(2));
            }
        }
        throw new BadKeyFile(file, "no " + type + " block (a file marginflow keygen wrote holds one)");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
