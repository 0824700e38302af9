package io.marginflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Configuration mistakes are reported at start-up, naming the key. */
class SchemaRegistriesTest {

    @Test
    void aServerUrlGivesACachingHttpClient() {
        assertThat(SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, "https://registry.example:8081")))
                .isInstanceOf(CachingSchemaRegistry.class)
                .hasToString("CachingSchemaRegistry[HttpSchemaRegistry[https://registry.example:8081]]");
    }

    @Test
    void serializerSettingsAreReadWithConfluentsKeysAndDefaults() {
        String url = "https://registry.example:8081";
        assertThat(SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, url, SchemaWrites.AUTO_REGISTER, "TRUE")))
                .isInstanceOf(CachingSchemaRegistry.class);
        assertThat(SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, url, SchemaWrites.AUTO_REGISTER, "false",
                SchemaWrites.USE_LATEST_VERSION, "true")))
                .isInstanceOf(SchemaWrites.class)
                .hasToString("CachingSchemaRegistry[HttpSchemaRegistry[" + url + "]] (auto.register.schemas=false,"
                        + " use.latest.version=true)");
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, url,
                SchemaWrites.USE_LATEST_VERSION, "yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("use.latest.version")
                .hasMessageContaining("must be true or false");
    }

    @Test
    void theUrlIsRequired() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistries.URL);
    }

    @Test
    void onlyHttpHttpsAndMockUrlsAreUnderstood() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, "ftp://registry")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, "registry:8081")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, "http://a:8081,http://b:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("one registry URL");
    }

    @Test
    void credentialsMustBeUserColonPassword() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(
                SchemaRegistries.URL, "http://registry:8081",
                SchemaRegistries.BASIC_AUTH_USER_INFO, "just-a-user")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("user:password");
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(
                SchemaRegistries.URL, "http://registry:8081",
                SchemaRegistries.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USER_INFO");
    }

    @Test
    void timeoutsArePositiveWholeMilliseconds() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(
                SchemaRegistries.URL, "http://registry:8081", SchemaRegistries.REQUEST_TIMEOUT_MS, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistries.REQUEST_TIMEOUT_MS);
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(
                SchemaRegistries.URL, "http://registry:8081", SchemaRegistries.CONNECT_TIMEOUT_MS, "5s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("whole number");
    }

    @Test
    void anUnreadableTruststoreIsNamed() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(
                SchemaRegistries.URL, "https://registry:8081",
                SchemaRegistries.TRUSTSTORE_LOCATION, "/nonexistent/truststore.p12")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/nonexistent/truststore.p12");
    }

    @Test
    void aMockUrlNamesItsScope() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(SchemaRegistries.URL, "mock://")))
                .isInstanceOf(ConfigException.class);
    }
}
