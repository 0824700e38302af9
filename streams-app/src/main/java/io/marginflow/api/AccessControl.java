package io.marginflow.api;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;

/**
 * Who may ask what: bearer tokens from a file ({@code api.tokens}), each either {@code operator}
 * (everything) or a comma-separated list of the accounts it may read and what-if (a member firm).
 * Without a file, access is open (the instance logs a WARN at start). Tokens are compared in
 * constant time and never logged.
 */
final class AccessControl {

    /** What a request may see. */
    record Grant(boolean operator, Set<String> accounts) {
        static final Grant EVERYTHING = new Grant(true, Set.of());

        boolean mayRead(String account) {
            return operator || accounts.contains(account);
        }
    }

    private final Optional<Map<String, Grant>> tokens;

    private AccessControl(Optional<Map<String, Grant>> tokens) {
        this.tokens = tokens;
    }

    static AccessControl open() {
        return new AccessControl(Optional.empty());
    }

    boolean isOpen() {
        return tokens.isEmpty();
    }

    /** The tokens in {@code file}: {@code TOKEN=operator} or {@code TOKEN=ACC-1,ACC-2} per line. */
    static AccessControl fromFile(Path file) {
        Properties lines = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines.load(reader);
        } catch (IOException e) {
            throw new ConfigException("api.tokens", file.toString(), "cannot read the token file: " + e.getMessage());
        }
        Map<String, Grant> grants = new TreeMap<>();
        for (String token : lines.stringPropertyNames()) {
            String scope = lines.getProperty(token).trim();
            if (token.length() < 16) {
                throw new ConfigException("api.tokens", file.toString(), "a token must be at least 16 characters long");
            }
            grants.put(token, scope.equals("operator") ? Grant.EVERYTHING
                    : new Grant(false, new TreeSet<>(Arrays.stream(scope.split(",")).map(String::trim)
                            .filter(account -> !account.isEmpty()).toList())));
        }
        if (grants.isEmpty()) {
            throw new ConfigException("api.tokens", file.toString(), "the token file names no token");
        }
        return new AccessControl(Optional.of(grants));
    }

    /** The grant of an {@code Authorization} header's bearer token; empty if it names none known. */
    Optional<Grant> grant(String authorization) {
        if (tokens.isEmpty()) {
            return Optional.of(Grant.EVERYTHING);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        Grant found = null;
        for (Map.Entry<String, Grant> token : tokens.get().entrySet()) {
            if (MessageDigest.isEqual(presented, token.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = token.getValue();
            }
        }
        return Optional.ofNullable(found);
    }
}
