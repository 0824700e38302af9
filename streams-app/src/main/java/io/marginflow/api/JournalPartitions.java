package io.marginflow.api;

import io.marginflow.config.MarginflowConfig;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;

/** The journal's partition count, asked of the brokers once (it cannot change under a running application). */
final class JournalPartitions implements IntSupplier {

    private final MarginflowConfig config;
    private volatile int count;

    JournalPartitions(MarginflowConfig config) {
        this.config = config;
    }

    @Override
    public int getAsInt() {
        if (count == 0) {
            String journal = config.topics().journal();
            try (Admin admin = Admin.create(config.adminProperties())) {
                count = admin.describeTopics(java.util.List.of(journal)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(journal).partitions().size();
            } catch (ExecutionException | TimeoutException e) {
                throw new Cluster.Unavailable("cannot ask the brokers how many partitions " + journal + " has: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cluster.Unavailable("interrupted while asking for the partitions of " + journal);
            }
        }
        return count;
    }
}
