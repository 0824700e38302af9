package io.marginflow.bench;

import io.marginflow.app.MarginflowApp;
import io.marginflow.app.TopicSetup;
import io.marginflow.config.ConfigKeys;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.embedded.ConsumerGroupLag;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
/**
 * End-to-end throughput on an embedded broker, three applications on the same input topics,
 * broker and JVM, one after the other: the one-stage pass-through (DESIGN.md's yardstick), the
 * two-hop baseline built like Marginflow ({@link Baselines#twoHop}) and Marginflow (sequencer,
 * journal, engine, outputs), all exactly-once with the same stream threads, commit interval and
 * {@code max.task.idle.ms}. The input topics are filled first; each application is timed from
 * RUNNING until it has consumed everything (its intermediate topic included). A warm-up round on
 * a smaller load runs all three first, so that the measured round is not the JIT's.
 *
 * <p>Reported per application: seconds and input events per second, the ratios, process CPU per
 * input event (broker included: it shares the JVM) and by thread group, and the records and bytes
 * per input event it wrote, by topic. Not a test; {@code scripts/bench pipeline [accounts] [ticks]
 * [step] [stream threads] [commit interval ms] [max.task.idle.ms] [interleaved|blocked]
 * [warm-up accounts]}, default 100000 100 0.001 2 50 0 interleaved 20000 (see
 * {@link BenchLoad} for the mix). System properties {@code -Dmarginflow.KEY=VALUE} override
 * Marginflow's configuration.
 */
public final class PipelineThroughput {

    private PipelineThroughput() {}

    /** One application's measured run. */
    private record Run(String name, double seconds, long events, long processCpu, Map<String, Long> cpuByGroup,
                       TopicTraffic traffic) {
        double rate() {
            return events / seconds;
        }

        double micros(long nanos) {
            return nanos / 1e3 / events;
        }
    }

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int ticks = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        double step = args.length > 2 ? Double.parseDouble(args[2]) : 0.001;
        String threads = args.length > 3 ? args[3] : "2";
        String commitInterval = args.length > 4 ? args[4] : "50"; // Marginflow's default
        String maxTaskIdle = args.length > 5 ? args[5] : "0"; // Marginflow's default
        boolean interleaved = !(args.length > 6 && args[6].equals("blocked"));
        int warmUpAccounts = args.length > 7 ? Integer.parseInt(args[7]) : 20_000;
        Path state = Files.createTempDirectory("marginflow-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Properties common = new Properties();
            common.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            common.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            common.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
            common.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval);
            common.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, maxTaskIdle);
            SchemaRegistry registry = InMemorySchemaRegistry.scope("marginflow-bench");
            System.out.println("each application: " + threads + " stream threads, commit interval " + commitInterval
                    + " ms, max.task.idle.ms " + maxTaskIdle + ", exactly-once v2; 3 partitions per topic");
            for (String round : List.of("warm-up", "measured")) {
                BenchLoad load = new BenchLoad(round.equals("warm-up") ? warmUpAccounts : accounts, ticks, step, interleaved);
                MarginflowConfig config = marginflowConfig(kafka.bootstrapServers(), round, common, state);
                Topics topics = config.topics();
                TopicSetup.createMissing(admin, topics);
                Baselines.Written baselines = Baselines.Written.under(round + ".");
                admin.createTopics(baselines.all().stream().map(name -> new NewTopic(name, 3, (short) 1))
                        .toList()).all().get();
                long events = load.publish(kafka.bootstrapServers(), topics, registry);
                System.out.println(round + " round: " + load.describe());

                List<Run> runs = new ArrayList<>();
                runs.add(time(admin, kafka.bootstrapServers(), round, "one-stage", events, topics.inputs(), List.of(),
                        List.of(baselines.counts()),
                        id -> new KafkaStreams(Baselines.oneStage(topics, baselines.counts()),
                                streamsProperties(common, id, state))));
                runs.add(time(admin, kafka.bootstrapServers(), round, "two-hop", events, topics.inputs(),
                        List.of(baselines.hop()), List.of(baselines.hop(), baselines.outputs()),
                        id -> new KafkaStreams(Baselines.twoHop(topics, baselines.hop(), baselines.outputs()),
                                streamsProperties(common, id, state))));
                List<String> written = new ArrayList<>(List.of(topics.journal(), topics.marginLatest()));
                written.addAll(topics.outputs());
                runs.add(time(admin, kafka.bootstrapServers(), round, "Marginflow", events, topics.inputs(),
                        List.of(topics.journal()), written, id -> MarginflowApp.start(config, registry)));
                if (round.equals("measured")) {
                    report(runs);
                }
            }
        } finally {
            try (var paths = Files.walk(state)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static MarginflowConfig marginflowConfig(String bootstrap, String round, Properties common, Path state) {
        Map<String, String> settings = new TreeMap<>();
        common.stringPropertyNames().forEach(name -> settings.put(name, common.getProperty(name)));
        // every topic under the round's prefix, so that each round starts from empty topics
        ConfigKeys.all().stream().filter(key -> key.name().startsWith("topic."))
                .forEach(key -> settings.put(key.name(), round + "." + key.defaultValue()));
        settings.put("schema.registry.url", "mock://marginflow-bench");
        return BenchConfig.marginflow(bootstrap, applicationId("Marginflow", round), state.resolve(round + "-marginflow"),
                settings);
    }

    private static String applicationId(String name, String round) {
        return "bench-" + round + "-" + name.toLowerCase(java.util.Locale.ROOT);
    }

    private static Properties streamsProperties(Properties common, String applicationId, Path state) {
        Properties properties = new Properties();
        properties.putAll(common);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve(applicationId).toString());
        return properties;
    }

    /**
     * Starts an application and measures it from RUNNING until its consumer group has consumed
     * {@code inputs} and then {@code intermediate} (written transactionally: a partition one
     * record behind, its commit marker, counts as consumed); then reads what it wrote.
     */
    private static Run time(Admin admin, String bootstrap, String round, String name, long events, List<String> inputs,
                            List<String> intermediate, List<String> outputs, Function<String, KafkaStreams> start)
            throws Exception {
        String id = applicationId(name, round);
        double seconds;
        long processCpu;
        Map<String, Long> cpuByGroup = new TreeMap<>();
        try (KafkaStreams streams = start.apply(id)) {
            if (streams.state() == KafkaStreams.State.CREATED) {
                streams.start();
            }
            while (streams.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            long start0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            Map<String, Long> groups0 = cpuByThreadGroup();
            while (ConsumerGroupLag.of(admin, id, inputs, 0) > 0) {
                Thread.sleep(100);
            }
            while (!intermediate.isEmpty() && ConsumerGroupLag.of(admin, id, intermediate, 1) > 0) {
                Thread.sleep(100);
            }
            seconds = (System.nanoTime() - start0) / 1e9;
            processCpu = processCpuNanos() - cpu0;
            cpuByThreadGroup().forEach((group, nanos) -> cpuByGroup.put(group, nanos - groups0.getOrDefault(group, 0L)));
        }
        List<String> written = new ArrayList<>(outputs);
        admin.listTopics().names().get().stream().filter(topic -> topic.startsWith(id + "-")).sorted().forEach(written::add);
        Run run = new Run(name, seconds, events, processCpu, cpuByGroup, TopicTraffic.read(bootstrap, written));
        System.out.printf("  %-10s %7.1f s %,9.0f events/s %6.0f µs process CPU per event%n", name, seconds, run.rate(),
                run.micros(processCpu));
        return run;
    }

    private static void report(List<Run> runs) {
        Run oneStage = runs.get(0);
        Run twoHop = runs.get(1);
        Map<String, Function<Run, String>> rows = new LinkedHashMap<>();
        rows.put("seconds", run -> String.format("%.1f", run.seconds()));
        rows.put("input events/s", run -> String.format("%,.0f", run.rate()));
        rows.put("ratio to one-stage", run -> String.format("%.2f", run.rate() / oneStage.rate()));
        rows.put("ratio to two-hop", run -> String.format("%.2f", run.rate() / twoHop.rate()));
        rows.put("process CPU µs/event", run -> String.format("%.1f", run.micros(run.processCpu())));
        for (String group : runs.get(2).cpuByGroup().keySet()) {
            rows.put("  " + group, run -> String.format("%.1f", run.micros(run.cpuByGroup().getOrDefault(group, 0L))));
        }
        rows.put("records written/event", run -> String.format("%.2f", (double) run.traffic().records() / run.events()));
        rows.put("KB written/event", run -> String.format("%.2f", run.traffic().bytes() / 1024.0 / run.events()));
        System.out.printf("%n%-44s %12s %12s %12s%n", "measured round", "one-stage", "two-hop", "Marginflow");
        rows.forEach((label, value) -> System.out.printf("%-44s %12s %12s %12s%n", label,
                value.apply(runs.get(0)), value.apply(runs.get(1)), value.apply(runs.get(2))));
        for (Run run : runs) {
            System.out.printf("%n%s, by topic: records per input event, bytes per record%n", run.name());
            run.traffic().byTopic().forEach((topic, count) -> System.out.printf("  %-62s %6.2f %7.0f B%n", topic,
                    (double) count[0] / run.events(), count[0] == 0 ? 0.0 : (double) count[1] / count[0]));
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU nanoseconds used so far by each group of threads (stream threads, broker, clients …). */
    private static Map<String, Long> cpuByThreadGroup() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                groups.merge(group(info.getThreadName()), cpu, Long::sum);
            }
        }
        return groups;
    }

    private static String group(String thread) {
        if (thread.contains("StreamThread") && thread.contains("producer")) {
            return "stream producers' network threads";
        }
        if (thread.contains("StreamThread")) {
            return "stream threads";
        }
        if (thread.contains("request-handler")) {
            return "broker request handlers";
        }
        if (thread.contains("network-thread") || thread.contains("SocketServer") || thread.contains("Acceptor")) {
            return "broker and client network threads";
        }
        return "other Java threads";
    }
}
