package io.marginflow.engine;

import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SnapshotMark;
import io.marginflow.schema.VolSurface;
import io.marginflow.translation.EngineTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The market entries of the journal (prices, snapshots, surfaces, instruments, parameters):
 * each is applied to the market replica, checked where a check needs state (prices by the price
 * guard, {@link GuardedPrices}), and leaves the exposed accounts to recompute ({@link FanOut}).
 * Part of {@link MarginEngineProcessor}.
 */
final class MarketEntries {

    /** Refuses an entry: dead-letters it under {@code key} with the error class and reason. */
    @FunctionalInterface
    interface Rejections {
        void reject(String key, Trigger cause, String errorClass, String reason);
    }

    private final MarketReplica replica;
    private final AccountBook book;
    private final AccountMargining margining;
    private final Rejections rejections;
    private final GuardedPrices guard;

    MarketEntries(MarketReplica replica, AccountBook book, AccountMargining margining, Rejections rejections,
                  GuardedPrices guard) {
        this.replica = replica;
        this.guard = guard;
        this.book = book;
        this.margining = margining;
        this.rejections = rejections;
    }

    FanOut onPrice(PriceUpdate price, Trigger cause) {
        if (price.getKind() == PriceKind.SETTLEMENT) {
            Optional<FanOut> settlement = settleExpired(price, cause);
            if (settlement.isPresent()) {
                return settlement.get();
            }
        }
        if (!guard.admits(price, cause)) {
            return FanOut.NONE;
        }
        replica.putPrice(price, cause.timestamp());
        return recomputeExposed(replica.market().underlyingOf(price.getInstrument()), cause);
    }

    /**
     * Every price of the snapshot the price guard admits, then each exposed account recomputed once.
     * A snapshot naming an instrument the engine does not know, or one of another underlying, is
     * refused whole.
     */
    FanOut onSnapshot(MarketSnapshot snapshot, Trigger cause) {
        String underlying = snapshot.getUnderlying();
        Market market = replica.market();
        for (SnapshotMark mark : snapshot.getMarks()) {
            Optional<InstrumentSpec> spec = market.instrument(mark.getInstrument());
            if (spec.isEmpty() || !spec.get().underlying().equals(underlying)) {
                rejections.reject(underlying, cause, spec.isEmpty() ? "UNKNOWN_INSTRUMENT" : "WRONG_UNDERLYING", "snapshot of "
                        + underlying + " marks " + mark.getInstrument() + (spec.isEmpty() ? ", which "
                        + MarginEngineTopology.INSTRUMENTS + " does not define" : ", an instrument of "
                        + spec.get().underlying()) + "; none of its prices is applied");
                return FanOut.NONE;
            }
        }
        List<PriceUpdate> prices = new ArrayList<>();
        if (snapshot.getIndex() != null) {
            prices.add(new PriceUpdate(underlying, snapshot.getIndex(), PriceKind.INDEX, snapshot.getEventTime()));
        }
        for (SnapshotMark mark : snapshot.getMarks()) {
            prices.add(new PriceUpdate(mark.getInstrument(), mark.getPrice(), PriceKind.MARK, snapshot.getEventTime()));
        }
        int held = 0;
        for (PriceUpdate price : prices) {
            if (guard.admits(price, cause)) {
                replica.putPrice(price, cause.timestamp());
            } else {
                held++;
            }
        }
        return held > 0 && held == prices.size() ? FanOut.NONE : recomputeExposed(underlying, cause);
    }

    /** The sequencer has refused malformed and arbitrageable surfaces. */
    FanOut onSurface(VolSurface record, Trigger cause) {
        io.marginflow.risk.options.VolSurface surface;
        try {
            surface = EngineTypes.volSurface(record);
        } catch (IllegalArgumentException e) {
            rejections.reject(record.getUnderlying(), cause, "INVALID_SURFACE", e.getMessage());
            return FanOut.NONE;
        }
        replica.putSurface(record, surface, cause.timestamp());
        return recomputeExposed(record.getUnderlying(), cause);
    }

    /**
     * Final settlement: a SETTLEMENT price at or after expiry is the underlying's delivery price.
     * Keyed by an instrument it settles that instrument; keyed by an underlying, every active
     * instrument of it that has expired. Each position closes at the instrument's final value
     * (futures at the price, options at intrinsic value), the P&amp;L is realised, the position leaves
     * the portfolio and the instrument becomes EXPIRED.
     *
     * @return each exposed account's settlement, or empty if there is nothing to settle and the price is a mark
     */
    private Optional<FanOut> settleExpired(PriceUpdate price, Trigger cause) {
        String id = price.getInstrument();
        Market market = replica.market();
        Optional<InstrumentSpec> instrument = market.instrument(id);
        List<InstrumentSpec> expiring;
        String underlying;
        if (instrument.isPresent()) {
            if (!instrument.get().expiredAt(cause.timestamp())) {
                return Optional.empty();
            }
            if (!instrument.get().active()) {
                rejections.reject(id, cause, "ALREADY_SETTLED", id + " was settled before; a second settlement price is ignored");
                return Optional.of(FanOut.NONE);
            }
            expiring = List.of(instrument.get());
            underlying = instrument.get().underlying();
        } else {
            expiring = market.expiredBy(id, cause.timestamp());
            if (expiring.isEmpty()) {
                return Optional.empty();
            }
            underlying = id;
        }
        expiring.forEach(replica::expire);
        return Optional.of(new FanOut(book.exposedTo(underlying), account -> {
            AccountRecord before = book.load(account).record();
            Portfolio portfolio = before.portfolio();
            for (InstrumentSpec spec : expiring) {
                portfolio = portfolio.withSettlement(spec, spec.finalValue(price.getPrice()));
            }
            if (!portfolio.equals(before.portfolio())) {
                book.saveLedger(account, before.withLifecycle(before.lifecycle().withBookChanged()), portfolio);
                margining.recompute(account, cause);
            }
        }));
    }

    /**
     * A new instrument, or a known one again: only its state may change (ACTIVE to EXPIRED), never
     * its terms, and an expired instrument is not listed again; positions are built on its terms.
     */
    FanOut onInstrument(Instrument instrument, Trigger cause) {
        String id = instrument.getInstrumentId();
        InstrumentSpec spec = EngineTypes.instrumentSpec(instrument);
        Optional<InstrumentSpec> known = replica.market().instrument(id);
        if (known.isPresent() && !known.get().sameTerms(spec)) {
            rejections.reject(id, cause, "INSTRUMENT_REDEFINED", "the terms of " + id + " cannot change once it is listed ("
                    + known.get() + " is now defined as " + spec + "); list the new terms under a new instrument id");
            return FanOut.NONE;
        }
        if (known.isPresent() && !known.get().active() && spec.active()) {
            rejections.reject(id, cause, "INSTRUMENT_REDEFINED", id + " has expired and cannot be listed again");
            return FanOut.NONE;
        }
        replica.putInstrument(instrument, spec);
        return recomputeExposed(instrument.getUnderlying(), cause);
    }

    FanOut onParameters(RiskParameters set, Trigger cause) {
        Optional<MarginParameters> current = replica.market().ownParameters(set.getUnderlying());
        if (current.isPresent() && current.get().version() >= set.getVersion()) {
            rejections.reject(set.getUnderlying(), cause, "STALE_PARAMETERS", "parameters of " + set.getUnderlying()
                    + " version " + set.getVersion() + " are not newer than version " + current.get().version());
            return FanOut.NONE;
        }
        replica.putParameters(set);
        // An underlying's parameters may carry the haircut of its collateral asset of the same name.
        return recomputeExposed(set.getUnderlying(), cause);
    }

    private FanOut recomputeExposed(String underlying, Trigger cause) {
        return new FanOut(book.exposedTo(underlying), account -> margining.recompute(account, cause));
    }
}
