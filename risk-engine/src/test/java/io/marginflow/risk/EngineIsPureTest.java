package io.marginflow.risk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The risk engine is pure margin mathematics (DESIGN.md, Layout): the same code serves a
 * pre-trade check, a backtest and the stream, so nothing of Kafka, Avro or the generated
 * contract classes may be reachable from it. The enforcer rule in this module's pom fails the
 * build on such a dependency; this test states the same from the running class path.
 */
class EngineIsPureTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "org.apache.kafka.common.serialization.Serde",
        "org.apache.kafka.streams.KafkaStreams",
        "org.apache.avro.Schema",
        "io.confluent.kafka.serializers.KafkaAvroSerializer",
        "io.marginflow.schema.Fill"
    })
    void noKafkaAvroOrContractClassIsOnTheEnginesClassPath(String className) {
        assertThat(isLoadable(className)).as("%s on risk-engine's class path", className).isFalse();
    }

    private static boolean isLoadable(String className) {
        try {
            Class.forName(className, false, EngineIsPureTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException expected) {
            return false;
        }
    }
}
