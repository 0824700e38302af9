package io.marginflow.api;

import io.marginflow.config.MarginflowConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/** The API's TLS: the server's certificate ({@code api.tls.keystore.*}) and whom it trusts when forwarding ({@code api.tls.truststore.*}). */
final class Tls {

    private Tls() {}

    static Optional<SSLContext> serverContext(MarginflowConfig config) {
        return config.optional("api.tls.keystore.location").map(location -> {
            char[] password = config.optional("api.tls.keystore.password").map(String::toCharArray).orElse(null);
            try {
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load("api.tls.keystore.location", location, password), password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new ConfigException("api.tls.keystore.location", location, "cannot serve TLS with it: " + e.getMessage());
            }
        });
    }

    static Optional<SSLContext> peerContext(MarginflowConfig config) {
        return config.optional("api.tls.truststore.location").map(location -> {
            char[] password = config.optional("api.tls.truststore.password").map(String::toCharArray).orElse(null);
            try {
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load("api.tls.truststore.location", location, password));
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new ConfigException("api.tls.truststore.location", location, "cannot trust with it: " + e.getMessage());
            }
        });
    }

    private static KeyStore load(String key, String location, char[] password) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(location.endsWith(".jks") ? "JKS" : "PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, location, "cannot read the key store: " + e.getMessage());
        }
    }
}
