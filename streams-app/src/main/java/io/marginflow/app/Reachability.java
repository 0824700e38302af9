package io.marginflow.app;

import io.marginflow.config.MarginflowConfig;
import io.marginflow.errors.Failures;
import io.marginflow.registry.SchemaRegistry;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WARN within seconds when the brokers or the schema registry cannot be reached, instead of the
 * silence Kafka Streams keeps while it retries; checked once at start, beside the application.
 */
final class Reachability {

    private static final Logger LOG = LoggerFactory.getLogger(Reachability.class);
    private static final long PATIENCE_SECONDS = 5;

    private Reachability() {}

    /** Checks both on a daemon thread and logs what cannot be reached (or that both can, at INFO). */
    static void checkInBackground(MarginflowConfig config, SchemaRegistry registry) {
        Thread check = new Thread(() -> {
            boolean brokers = brokersReachable(config);
            boolean schemas = registryReachable(config, registry);
            if (brokers && schemas) {
                LOG.info("the brokers and the schema registry answer");
            }
        }, "marginflow-reachability");
        check.setDaemon(true);
        check.start();
    }

    private static boolean brokersReachable(MarginflowConfig config) {
        try (Admin admin = Admin.create(config.adminProperties())) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS)))
                    .clusterId().get(PATIENCE_SECONDS + 1, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warn("cannot reach the Kafka brokers at {} within {} s ({}); Kafka Streams keeps trying",
                    config.get("bootstrap.servers"), PATIENCE_SECONDS, Failures.describe(e));
            return false;
        }
    }

    /** A lookup of schema id 1: found or not found, the registry answered; an outage it did not. */
    private static boolean registryReachable(MarginflowConfig config, SchemaRegistry registry) {
        try {
            registry.schemaById(1);
            return true;
        } catch (RuntimeException e) {
            if (Failures.isOutage(e)) {
                LOG.warn("cannot reach the schema registry at {} ({}); records cannot be read or written until it answers",
                        config.get("schema.registry.url"), Failures.describe(e));
                return false;
            }
            return true;
        }
    }
}
