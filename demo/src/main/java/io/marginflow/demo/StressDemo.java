package io.marginflow.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.marginflow.config.Topics;
import io.marginflow.schema.StressScenario;
import io.marginflow.serde.JsonRecords;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificData;

/**
 * The demo's clearing members and stress scenarios: the accounts are dealt to {@link #MEMBERS}
 * members in turn, and the scenarios the project ships (deploy/stress-scenarios.jsonl, copied into
 * the demo at build time) are published as {@code marginflow produce} would publish them.
 */
final class StressDemo {

    static final int MEMBERS = 8;
    private static final String SCENARIOS = "data/stress-scenarios.jsonl";

    private StressDemo() {}

    /** The member of account {@code ACC-nnnnn}: CM-01 to CM-08 in turn. */
    static String memberOf(String account) {
        int n = Integer.parseInt(account.substring(account.indexOf('-') + 1));
        return String.format("CM-%02d", 1 + (n - 1) % MEMBERS);
    }

    static void publishScenarios(Publisher out, Topics topics) {
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                Demo.class.getResourceAsStream(SCENARIOS), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                StressScenario scenario = (StressScenario) JsonRecords.fromJson(json.readTree(line),
                        StressScenario.getClassSchema(), SpecificData.get());
                out.send(topics.stressScenarios(), scenario.getScenarioId(), scenario, "stress scenarios");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
