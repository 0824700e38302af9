package io.marginflow.pipeline;

import static io.marginflow.pipeline.Inputs.deposit;
import static io.marginflow.pipeline.Inputs.fill;
import static io.marginflow.pipeline.Inputs.mark;
import static io.marginflow.pipeline.Inputs.perpetual;
import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.schema.MarginResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** risk.margin-latest: each account's last result, the very record risk.margin carries last for it. */
class MarginLatestSpec {

    @Test
    void theLatestResultTopicHoldsEachAccountsLastResultAsPublished() {
        try (PipelineDriver pipeline = new PipelineDriver()) {
            pipeline.publish(perpetual("BTC-PERPETUAL", "BTC"));
            pipeline.publish(deposit("M-1", "ACC-A", "USD", "10000"));
            pipeline.publish(fill("F-1", "ACC-A", "BTC-PERPETUAL", "2", 5_000.0));
            pipeline.publish(deposit("M-2", "ACC-B", "USD", "10000"));
            pipeline.publish(mark("BTC-PERPETUAL", 4_000.0, 5));

            List<MarginResult> history = pipeline.margin();
            Map<String, MarginResult> latest = pipeline.marginLatest();

            assertThat(history).extracting(MarginResult::getAccount).containsExactly("ACC-A", "ACC-A", "ACC-B", "ACC-A");
            assertThat(latest).containsOnlyKeys("ACC-A", "ACC-B");
            assertThat(latest.get("ACC-A")).isEqualTo(history.get(3)); // the mark's, hash chain and all
            assertThat(latest.get("ACC-B")).isEqualTo(history.get(2));
        }
    }
}
