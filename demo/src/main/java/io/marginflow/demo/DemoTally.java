package io.marginflow.demo;

import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the demo's output consumer has seen: counts, a timeline, and each account's latest result. */
final class DemoTally {

    final AtomicLong results = new AtomicLong();
    /** Results whose initial margin expected shortfall set. */
    final AtomicLong esBinding = new AtomicLong();
    final Map<MarginCallTransition, Long> calls = new TreeMap<>();
    final Map<LiquidationTransition, Long> liquidations = new TreeMap<>();
    final Map<String, Long> deadLetters = new TreeMap<>();
    /** Per 6-hour bucket of event time: calls issued and liquidations started. */
    final Map<Instant, long[]> timeline = new TreeMap<>();
    final Map<String, MarginResult> latest = new TreeMap<>();
    /** Calls issued per topic of the input that caused them. */
    final Map<String, Long> callsByCause = new TreeMap<>();
    /** Per account: calls issued and liquidations started. */
    final Map<String, long[]> perAccount = new TreeMap<>();
    /** Every result of the accounts whose story the summary tells. */
    final Map<String, List<MarginResult>> watched = new TreeMap<>();

    /** Keeps every result of {@code account}. */
    synchronized void watch(String account) {
        watched.put(account, new ArrayList<>());
    }

    synchronized void result(MarginResult result) {
        results.incrementAndGet();
        if (result.getBindingComponent() == io.marginflow.schema.MarginComponent.EXPECTED_SHORTFALL) {
            esBinding.incrementAndGet();
        }
        latest.put(result.getAccount(), result);
        List<MarginResult> story = watched.get(result.getAccount());
        if (story != null) {
            story.add(result);
        }
    }

    synchronized void call(MarginCallEvent call) {
        calls.merge(call.getTransition(), 1L, Long::sum);
        if (call.getTransition() == MarginCallTransition.ISSUED) {
            bucket(call.getCause().getEventTime())[0]++;
            perAccount.computeIfAbsent(call.getAccount(), a -> new long[2])[0]++;
            callsByCause.merge(call.getCause().getSource().getTopic(), 1L, Long::sum);
        }
    }

    synchronized void liquidation(LiquidationSignal signal) {
        liquidations.merge(signal.getTransition(), 1L, Long::sum);
        if (signal.getTransition() == LiquidationTransition.STARTED) {
            bucket(signal.getCause().getEventTime())[1]++;
            perAccount.computeIfAbsent(signal.getAccount(), a -> new long[2])[1]++;
        }
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
