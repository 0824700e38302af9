package io.marginflow.risk;

import io.marginflow.risk.stats.PriceJump;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How an underlying's prices are guarded against moves its volatility does not make plausible
 * (a fat-fingered mark, a broken index feed): a mark or index price more than {@code sigmas}
 * standard deviations of the underlying's forecast volatility, scaled to the time since the
 * previous price of the same instrument or index, away from that price is a jump
 * ({@link PriceJump}). A future's or perpetual's mark is also judged against where its underlying's
 * index puts it, scaled to the time between the two (see {@link #judge(Optional, Optional, Quote,
 * Optional, double, long)}). A jump is always reported; with a hold it is not applied until a price
 * within the plausible range of it confirms the move within {@code holdMillis} of stream time.
 *
 * @param sigmas standard deviations of the elapsed time taken as plausible; 0: prices are not judged
 * @param holdMillis how long, in stream time, a jump waits for a confirming price before it is
 *        dropped; 0: a jump is applied at once (reported only)
 * @param minElapsedMillis the least elapsed time a move is judged over (prices a millisecond apart
 *        are not held to a move of nothing)
 */
public record PriceGuard(double sigmas, long holdMillis, long minElapsedMillis) {

    /** A price and the stream time it came at. */
    public record Quote(double price, long millis) {}

    /**
     * Where the index puts a mark: the underlying's last applied {@code index} times e^{@code basis}.
     * A perpetual's funding keeps its mark at the index itself (basis 0); a dated future's basis is
     * its carry, taken from its last applied mark.
     *
     * @param accepted the applied mark already lay beyond range of this place (a perpetual's basis
     *        confirmed once, {@link Verdict#offIndex}): the mark is then not judged against it
     */
    public record IndexReference(Quote index, double basis, boolean accepted) {

        /** The mark the index puts there. */
        public double mark() {
            return index.price() * Math.exp(basis);
        }
    }

    /** What the guard did with a price. */
    public enum Action {
        /** A jump, applied as it came: the guard holds nothing. */
        APPLIED,
        /** A jump, not applied: it waits for a price that confirms it. */
        HELD,
        /** A jump within range of the price held before it, which it confirms: applied. */
        CONFIRMED,
        /** A held price dropped: a price within range of the last applied one came, or its window passed. */
        DISCARDED
    }

    /**
     * One thing the guard reports about a price.
     *
     * @param reference the price the move is measured from: the last applied one, or for a
     *        discarded price the held price itself
     * @param jump the move, for APPLIED, HELD and CONFIRMED
     * @param held the held price concerned: confirmed, discarded, or replaced by a new hold
     * @param expired for DISCARDED: the held price's window had passed
     * @param againstIndex the reference is where the underlying's index puts the mark ({@link IndexReference#mark}),
     *        not the previous price of the same instrument
     */
    public record Finding(Action action, Quote reference, Quote price, Optional<PriceJump> jump, Optional<Quote> held,
                          boolean expired, boolean againstIndex) {}

    /**
     * The guard's decision on a price.
     *
     * @param applies whether the price is applied now
     * @param held the price held for confirmation after this one
     * @param findings what to report, in order
     * @param offIndex for a mark judged against its index: it lies beyond the plausible range of where
     *        the index puts it (kept with a perpetual's mark when it is applied, as the next mark's
     *        {@link IndexReference#accepted})
     */
    public record Verdict(boolean applies, Optional<Quote> held, List<Finding> findings, boolean offIndex) {
        public Verdict {
            findings = List.copyOf(findings);
        }

        Verdict(boolean applies, Optional<Quote> held, List<Finding> findings) {
            this(applies, held, findings, false);
        }
    }

    /** No judgement: every price is applied as it comes, nothing reported. */
    public static final PriceGuard OFF = new PriceGuard(0.0, 0, 60_000);

    /** The longest hold: a day of stream time. */
    public static final long MAX_HOLD_MILLIS = 86_400_000L;

    public PriceGuard {
        if (!(sigmas >= 0.0 && Double.isFinite(sigmas))) {
            throw new IllegalArgumentException("price jump sigmas must be finite and not negative (0: no guard): " + sigmas);
        }
        if (holdMillis < 0 || holdMillis > MAX_HOLD_MILLIS) {
            throw new IllegalArgumentException("price jump hold must be 0 to " + MAX_HOLD_MILLIS + " ms: " + holdMillis);
        }
        if (minElapsedMillis <= 0 || minElapsedMillis > MAX_HOLD_MILLIS) {
            throw new IllegalArgumentException("price jump minimum elapsed time must be 1 to " + MAX_HOLD_MILLIS + " ms: "
                    + minElapsedMillis);
        }
    }

    /** Whether prices are judged at all. */
    public boolean judges() {
        return sigmas > 0.0;
    }

    /** Whether a jump is held for confirmation rather than applied. */
    public boolean holds() {
        return judges() && holdMillis > 0;
    }

    /**
     * The decision on {@code price}, a mark or index price, given the last applied price of the same
     * instrument or index and the one held for confirmation. Plausible from the applied price: it is
     * applied, and a held price is discarded (it was the mistake). A jump: applied at once without
     * a hold; with one, applied if it is within range of the held price (confirming the move), else
     * held in its place. A held price whose window has passed is discarded first. Without an applied
     * price or a forecast nothing is judged.
     *
     * @param volPerInterval the underlying's forecast volatility per {@code intervalMillis}; not positive: no forecast
     */
    public Verdict judge(Optional<Quote> applied, Optional<Quote> held, Quote price, double volPerInterval,
                         long intervalMillis) {
        return judge(applied, held, price, Optional.empty(), volPerInterval, intervalMillis);
    }

    /**
     * As {@link #judge(Optional, Optional, Quote, double, long)}, for a future's or perpetual's mark
     * with where its underlying's last applied index puts it ({@code index}): a mark plausible from
     * its previous one is still a jump when it lies further from that place than the range over the
     * time between the mark and the index (at least the floor), unless the place is
     * {@link IndexReference#accepted}. A perpetual's basis confirmed once (a held mark confirmed by
     * the next, or a mark applied without a hold) is accepted until a mark comes back within range,
     * so a lasting basis is reported once, not on every price; a dated future's place follows its
     * last applied mark's basis, so only a sudden change of basis is judged. A mark that leaves its
     * index so is a wrong mark or a wrong index.
     *
     * @param index where the underlying's last applied index puts the mark; empty: the mark is judged
     *        against its previous one alone
     */
    public Verdict judge(Optional<Quote> applied, Optional<Quote> held, Quote price, Optional<IndexReference> index,
                         double volPerInterval, long intervalMillis) {
        if (!judges()) {
            return new Verdict(true, held, List.of());
        }
        Optional<PriceJump> fromIndex = index.flatMap(place -> jump(place.mark(), price.price(),
                Math.abs(price.millis() - place.index().millis()), volPerInterval, intervalMillis));
        boolean offIndex = fromIndex.isPresent();
        boolean basisAccepted = index.isPresent() && index.get().accepted();
        List<Finding> findings = new ArrayList<>();
        Optional<Quote> waiting = held;
        if (waiting.isPresent() && price.millis() - waiting.get().millis() > holdMillis) {
            findings.add(new Finding(Action.DISCARDED, waiting.get(), price, Optional.empty(), waiting, true, false));
            waiting = Optional.empty();
        }
        Optional<PriceJump> jump = applied.flatMap(from -> jump(from, price, volPerInterval, intervalMillis));
        boolean againstIndex = jump.isEmpty() && applied.isPresent() && offIndex && !basisAccepted;
        if (againstIndex) {
            jump = fromIndex;
        }
        if (jump.isEmpty()) {
            waiting.ifPresent(dropped -> findings.add(
                    new Finding(Action.DISCARDED, dropped, price, Optional.empty(), Optional.of(dropped), false, false)));
            return new Verdict(true, Optional.empty(), findings, offIndex);
        }
        Quote reference = againstIndex ? new Quote(index.orElseThrow().mark(), index.get().index().millis())
                : applied.orElseThrow();
        if (!holds()) {
            findings.add(new Finding(Action.APPLIED, reference, price, jump, Optional.empty(), false, againstIndex));
            return new Verdict(true, Optional.empty(), findings, offIndex);
        }
        if (waiting.isPresent() && jump(waiting.get(), price, volPerInterval, intervalMillis).isEmpty()) {
            findings.add(new Finding(Action.CONFIRMED, reference, price, jump, waiting, false, againstIndex));
            return new Verdict(true, Optional.empty(), findings, offIndex);
        }
        findings.add(new Finding(Action.HELD, reference, price, jump, waiting, false, againstIndex));
        return new Verdict(false, Optional.of(price), findings, offIndex);
    }

    /** The jump from {@code from} to {@code to}, over the stream time between them, if this guard judges it one. */
    public Optional<PriceJump> jump(Quote from, Quote to, double volPerInterval, long intervalMillis) {
        return jump(from.price(), to.price(), to.millis() - from.millis(), volPerInterval, intervalMillis);
    }

    /**
     * The jump from {@code reference} to {@code price}, {@code elapsedMillis} of stream time later,
     * if this guard judges it one; never without a volatility forecast.
     *
     * @param volPerInterval the underlying's forecast volatility per {@code intervalMillis}; not positive: no forecast
     */
    public Optional<PriceJump> jump(double reference, double price, long elapsedMillis, double volPerInterval,
                                    long intervalMillis) {
        if (!judges()) {
            return Optional.empty();
        }
        return PriceJump.of(reference, price, elapsedMillis, volPerInterval, intervalMillis, sigmas, minElapsedMillis);
    }
}
