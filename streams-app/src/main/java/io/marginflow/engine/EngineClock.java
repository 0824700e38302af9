package io.marginflow.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * One engine task's clock: the partition's stream time (the largest event time its journal has
 * brought, kept in the {@code engine-clock} store so a restart resumes it) and the timers that fire
 * on it ({@code timers} store, keyed {@code <time, 19 digits> NUL <kind> NUL <id>}, so that the
 * store's order is time order): margin-call deadlines, held decisions and parked fills. A timer
 * fires at the first entry whose event time is later than the timer's by more than the engine's
 * decision grace, before that entry is applied ({@link #due} is asked with the entry's time less
 * the grace).
 *
 * <p>The earliest timer's time is kept in memory, so an entry that fires nothing costs one
 * comparison ({@link #due}); an entry that fires timers reads from the earliest on, only those
 * (not the removed timers before them). A timer scheduled in a unit that then fails, or one
 * cancelled, leaves the in-memory earliest too early, which costs one short scan.
 */
final class EngineClock {

    /** What a timer is for. */
    enum Kind {
        /** A margin call's deadline: the account is decided at the first entry later than it by more than the grace. */
        CALL_DEADLINE('C'),
        /** A held decision: the account is decided at the first entry later than its instant by more than the grace. */
        HELD('H'),
        /** A parked fill's wait for its instrument ends; the id is the parked fill's key. */
        PARKED('P');

        final char code;

        Kind(char code) {
            this.code = code;
        }

        static Kind of(char code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalStateException("unknown timer kind " + code);
        }
    }

    /** A timer that has come due. */
    record Due(long time, Kind kind, String id) {}

    private static final String STREAM_TIME = "stream-time";
    private static final String LAST_TICK = "clock-tick";
    private static final char SEPARATOR = '\u0000';
    private static final byte[] NOTHING = new byte[0];

    private final UnitOfWork.Staged<Long> clock;
    private final UnitOfWork.Staged<byte[]> timers;
    private long streamTime = Long.MIN_VALUE;
    private long earliest = Long.MAX_VALUE;

    /**
     * The multiple of {@code interval} that stream time crosses moving from {@code before} to
     * {@code eventTime} (the latest, if it crosses several), if it crosses one: the instant of a
     * partition's checkpoint or stress run. None while stream time has not started, or with an interval of 0.
     */
    static OptionalLong multipleCrossed(long before, long eventTime, long interval) {
        if (interval == 0 || before == Long.MIN_VALUE || eventTime <= before) {
            return OptionalLong.empty();
        }
        long boundary = Math.floorDiv(eventTime, interval) * interval;
        return boundary > before ? OptionalLong.of(boundary) : OptionalLong.empty();
    }

    EngineClock(UnitOfWork unit) {
        clock = unit.store(MarginEngineTopology.CLOCK);
        timers = unit.store(MarginEngineTopology.TIMERS);
    }

    /** Reads the stream time and the earliest timer from the stores, as at a restart. */
    void restore() {
        Long stored = clock.get(STREAM_TIME);
        streamTime = stored == null ? Long.MIN_VALUE : stored;
        earliest = firstTimer();
    }

    long streamTime() {
        return streamTime;
    }

    /** Moves stream time to {@code eventTime} if that is later (in a unit); returns the stream time. */
    long advance(long eventTime) {
        if (eventTime > streamTime) {
            streamTime = eventTime;
            clock.put(STREAM_TIME, eventTime);
        }
        return streamTime;
    }

    /**
     * Records a clock tick at {@code time} unless it is older than the last one (in a unit).
     *
     * @return the last tick before this one ({@link Long#MIN_VALUE} if none)
     */
    long tick(long time) {
        Long last = clock.get(LAST_TICK);
        long previous = last == null ? Long.MIN_VALUE : last;
        if (time >= previous) {
            clock.put(LAST_TICK, time);
        }
        return previous;
    }

    void schedule(long time, Kind kind, String id) {
        timers.put(key(time, kind, id), NOTHING);
        earliest = Math.min(earliest, time);
    }

    void cancel(long time, Kind kind, String id) {
        timers.delete(key(time, kind, id));
    }

    /**
     * The timers before {@code instant} (an entry's event time), in time order: O(1) when there
     * are none. Called between units, so the scan sees every committed timer; the caller removes
     * them in a unit ({@link #remove}).
     */
    List<Due> due(long instant) {
        if (instant <= earliest) {
            return List.of();
        }
        List<Due> due = new ArrayList<>();
        long next = Long.MAX_VALUE;
        // From the earliest timer on: the removed timers before it would cost a scan over their tombstones.
        try (KeyValueIterator<String, byte[]> all = timers.from(timePrefix(earliest))) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                long time = Long.parseLong(entry.key.substring(0, 19));
                if (time >= instant) {
                    next = time;
                    break;
                }
                due.add(new Due(time, Kind.of(entry.key.charAt(20)), entry.key.substring(22)));
            }
        }
        earliest = next;
        return due;
    }

    /** Removes timers that have come due. */
    void remove(List<Due> due) {
        for (Due timer : due) {
            timers.delete(key(timer.time(), timer.kind(), timer.id()));
        }
    }

    private long firstTimer() {
        try (KeyValueIterator<String, byte[]> all = timers.all()) {
            return all.hasNext() ? Long.parseLong(all.next().key.substring(0, 19)) : Long.MAX_VALUE;
        }
    }

    private static String key(long time, Kind kind, String id) {
        if (time < 0) {
            throw new IllegalArgumentException("a timer before 1970: " + time);
        }
        return timePrefix(time) + SEPARATOR + kind.code + SEPARATOR + id;
    }

    private static String timePrefix(long time) {
        return String.format(java.util.Locale.ROOT, "%019d", Math.max(0, time));
    }
}
