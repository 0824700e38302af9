package io.marginflow.demo;

import io.marginflow.schema.Alert;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/** What the demo's output consumer has seen: counts, a timeline, and each account's latest result. */
final class DemoTally {

    final AtomicLong results = new AtomicLong();
    /** Results whose initial margin expected shortfall set. */
    final AtomicLong esBinding = new AtomicLong();
    final Map<MarginCallTransition, Long> calls = new TreeMap<>();
    final Map<LiquidationTransition, Long> liquidations = new TreeMap<>();
    final Map<String, Long> deadLetters = new TreeMap<>();
    /** Per 6-hour bucket of event time: calls issued and liquidations triggered. */
    final Map<Instant, long[]> timeline = new TreeMap<>();
    final Map<String, MarginResult> latest = new TreeMap<>();
    /** Calls issued per topic of the input that caused them. */
    final Map<String, Long> callsByCause = new TreeMap<>();
    /** Per account: calls issued and liquidations triggered. */
    final Map<String, long[]> perAccount = new TreeMap<>();
    /** Every result of the accounts whose story the summary tells. */
    final Map<String, List<MarginResult>> watched = new TreeMap<>();
    /** Accounts ever called, liquidated, and cleared of a liquidation. */
    final Set<String> called = new TreeSet<>();
    final Set<String> liquidated = new TreeSet<>();
    final Set<String> restored = new TreeSet<>();
    /** Price alerts per action, and each alert. */
    final Map<String, Long> alerts = new TreeMap<>();
    final List<Alert> alertList = new ArrayList<>();
    /** Every stress run's outcome, per scenario, in the order published. */
    final List<io.marginflow.schema.StressResult> stress = new ArrayList<>();
    /** The fat-fingered mark the scenario published (NaN before), and the liquidations whose plan is priced at it. */
    volatile double fatFingerMark = Double.NaN;
    final Set<String> liquidatedAtFatFinger = new TreeSet<>();
    /** Status changes undone by a result with the same event time, and what each account's status did last. */
    long flips;
    private final Map<String, StatusChange> lastChange = new HashMap<>();

    private record StatusChange(MarginStatus before, MarginStatus after, Instant at) {}

    /** Keeps every result of {@code account}. */
    synchronized void watch(String account) {
        watched.put(account, new ArrayList<>());
    }

    /** The latest event time the outputs have reached: how far the engine has come in market time. */
    volatile Instant marketTime;

    synchronized void result(MarginResult result) {
        results.incrementAndGet();
        Instant at = result.getCause().getEventTime();
        marketTime = marketTime == null || at.isAfter(marketTime) ? at : marketTime;
        if (result.getBindingComponent() == io.marginflow.schema.MarginComponent.EXPECTED_SHORTFALL) {
            esBinding.incrementAndGet();
        }
        MarginResult previous = latest.put(result.getAccount(), result);
        countFlip(previous, result);
        List<MarginResult> story = watched.get(result.getAccount());
        if (story != null) {
            story.add(result);
        }
    }

    /** A status change counts as a flip when the next change, at the same event time, restores the status before it. */
    private void countFlip(MarginResult previous, MarginResult result) {
        if (previous == null || previous.getStatus() == result.getStatus()) {
            return;
        }
        Instant at = result.getCause().getEventTime();
        StatusChange last = lastChange.get(result.getAccount());
        if (last != null && last.at().equals(at) && last.before() == result.getStatus()) {
            flips++;
        }
        lastChange.put(result.getAccount(), new StatusChange(previous.getStatus(), result.getStatus(), at));
    }

    synchronized void call(MarginCallEvent call) {
        calls.merge(call.getTransition(), 1L, Long::sum);
        if (call.getTransition() == MarginCallTransition.ISSUED) {
            bucket(call.getCause().getEventTime())[0]++;
            perAccount.computeIfAbsent(call.getAccount(), a -> new long[2])[0]++;
            callsByCause.merge(call.getCause().getSource().getTopic(), 1L, Long::sum);
            called.add(call.getAccount());
        }
    }

    synchronized void liquidation(LiquidationSignal signal) {
        liquidations.merge(signal.getTransition(), 1L, Long::sum);
        if (signal.getTransition() == LiquidationTransition.TRIGGERED) {
            bucket(signal.getCause().getEventTime())[1]++;
            perAccount.computeIfAbsent(signal.getAccount(), a -> new long[2])[1]++;
            liquidated.add(signal.getAccount());
            if (signal.getPlan().stream().anyMatch(step -> step.getInstrument().equals("BTC-PERPETUAL")
                    && step.getMarkPrice() == fatFingerMark)) {
                liquidatedAtFatFinger.add(signal.getAccount());
            }
        }
        if (signal.getTransition() == LiquidationTransition.CLEARED) {
            restored.add(signal.getAccount());
        }
    }

    synchronized void stress(io.marginflow.schema.StressResult result) {
        stress.add(result);
    }

    synchronized void alert(Alert alert) {
        alerts.merge(alert.getKind() + " " + alert.getAction(), 1L, Long::sum);
        alertList.add(alert);
    }

    synchronized void deadLetter(DeadLetter letter) {
        deadLetters.merge(letter.getStage() + " " + letter.getErrorClass(), 1L, Long::sum);
    }

    synchronized long calls(MarginCallTransition transition) {
        return calls.getOrDefault(transition, 0L);
    }

    synchronized long liquidations(LiquidationTransition transition) {
        return liquidations.getOrDefault(transition, 0L);
    }

    private long[] bucket(Instant time) {
        Instant day = time.truncatedTo(ChronoUnit.DAYS);
        long sixHours = ChronoUnit.HOURS.between(day, time) / 6;
        return timeline.computeIfAbsent(day.plus(sixHours * 6, ChronoUnit.HOURS), t -> new long[2]);
    }
}
