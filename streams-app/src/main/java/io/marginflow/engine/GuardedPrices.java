package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.Market;
import io.marginflow.risk.PriceGuard;
import io.marginflow.risk.PriceGuard.Quote;
import io.marginflow.risk.UnderlyingStatistics;
import io.marginflow.risk.stats.PriceJump;
import io.marginflow.schema.Alert;
import io.marginflow.schema.AlertAction;
import io.marginflow.schema.AlertKind;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.translation.EngineOutputs;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The price guard in the engine: before a mark or index price is applied, its underlying's guard
 * ({@link PriceGuard}, set in the underlying's risk parameters) judges it against the last applied
 * price of the same instrument or index (a future's or perpetual's mark also against where its
 * underlying's last applied index puts it: the index itself for a perpetual, the index with the
 * basis of its last applied mark for a dated future) and any price held for confirmation; this class keeps
 * those in the market replica and publishes what the guard reports on the alerts topic.
 * Settlement prices are official and never judged.
 *
 * <p>Every journal partition judges and holds alike, from the broadcast entries and statistics
 * they all share; journal partition 0 alone publishes the price alerts, so that each is published
 * once. (A fill far off its instrument's mark is judged with the same guard: {@link TradingChecks}.)
 * Part of {@link MarginEngine}, through {@link MarketEntries}.
 */
final class GuardedPrices {

    /** The journal partition that publishes price alerts. */
    static final int PUBLISHING_PARTITION = 0;

    private final EngineSettings settings;
    private final MarketReplica replica;
    private final BiConsumer<Alert, Trigger> alerts;

    /** @param alerts where an alert goes, with the entry that raised it */
    GuardedPrices(EngineSettings settings, MarketReplica replica, BiConsumer<Alert, Trigger> alerts) {
        this.settings = settings;
        this.replica = replica;
        this.alerts = alerts;
    }

    /**
     * Whether {@code price} is to be applied now (not while it is held). Changes only what is held,
     * and reports jumps; the caller applies the price.
     */
    boolean admits(PriceUpdate price, Trigger cause) {
        PriceKind kind = price.getKind();
        if (kind == PriceKind.SETTLEMENT) {
            return true;
        }
        Market market = replica.market();
        String id = price.getInstrument();
        String underlying = kind == PriceKind.INDEX ? id : market.underlyingOf(id);
        PriceGuard guard = market.parameters(underlying).priceGuard();
        if (!guard.judges()) {
            return true;
        }
        Optional<Quote> applied = replica.applied(kind, id);
        Optional<Quote> held = replica.held(kind, id);
        Optional<InstrumentSpec> linear = kind == PriceKind.MARK ? market.instrument(id).filter(InstrumentSpec::isLinear)
                : Optional.empty();
        boolean perpetual = linear.filter(spec -> spec.kind() == InstrumentSpec.Kind.PERPETUAL).isPresent();
        Optional<Quote> index = linear.isPresent() ? replica.applied(PriceKind.INDEX, underlying) : Optional.empty();
        Quote quote = new Quote(price.getPrice(), cause.timestamp());
        if (applied.isEmpty() && held.isEmpty()) {
            keepBasis(id, perpetual, index, quote, false);
            return true; // the first price: nothing to judge it against
        }
        double forecastVol = market.statistics(underlying).map(UnderlyingStatistics::forecastVol).orElse(0.0);
        Optional<PriceGuard.IndexReference> place = index.flatMap(at -> perpetual
                ? Optional.of(new PriceGuard.IndexReference(at, 0.0, replica.markOffIndex(id)))
                : replica.markBasis(id).map(basis -> new PriceGuard.IndexReference(at, basis, false)));
        PriceGuard.Verdict verdict = guard.judge(applied, held, quote, place, forecastVol, settings.history().intervalMillis());
        if (!verdict.held().equals(held)) {
            verdict.held().ifPresentOrElse(waiting -> replica.hold(kind, id, waiting), () -> replica.release(kind, id));
        }
        if (verdict.applies()) {
            keepBasis(id, perpetual, index, quote, verdict.offIndex());
        }
        if (cause.cause().getJournalPartition() == PUBLISHING_PARTITION) {
            for (PriceGuard.Finding finding : verdict.findings()) {
                SortedMap<String, Double> figures = figures(finding, guard, forecastVol);
                Optional<PriceGuard.IndexReference> against = finding.againstIndex() ? place : Optional.empty();
                against.ifPresent(at -> {
                    figures.put("index", at.index().price());
                    figures.put("basis", at.basis());
                });
                alerts.accept(EngineOutputs.alert(AlertKind.PRICE_JUMP, AlertAction.valueOf(finding.action().name()), underlying,
                        id, null, kind.name(), id, cause.cause(), figures, reason(finding, against, kind, id, underlying, guard)),
                        cause);
            }
        }
        return verdict.applies();
    }

    /**
     * What the next mark of {@code id} is judged against the index with, kept as {@code mark} is
     * applied: for a perpetual whether it lies off its index ({@code offIndex}), for a dated future its
     * basis over the {@code index} (none without one).
     */
    private void keepBasis(String id, boolean perpetual, Optional<Quote> index, Quote mark, boolean offIndex) {
        if (perpetual) {
            replica.markOffIndex(id, offIndex);
        } else {
            index.ifPresent(at -> replica.markBasis(id, Math.log(mark.price() / at.price())));
        }
    }

    /** The figures behind a finding, by name. */
    static SortedMap<String, Double> figures(PriceGuard.Finding finding, PriceGuard guard, double forecastVol) {
        SortedMap<String, Double> figures = new TreeMap<>();
        figures.put("price", finding.price().price());
        figures.put("reference", finding.reference().price());
        figures.put("elapsedMillis", (double) (finding.price().millis() - finding.reference().millis()));
        figures.put("forecastVol", forecastVol);
        figures.put("allowedSigmas", guard.sigmas());
        finding.held().ifPresent(held -> figures.put("held", held.price()));
        finding.jump().ifPresent(jump -> {
            figures.put("logMove", jump.logMove());
            figures.put("threshold", jump.threshold());
            figures.put("sigmas", jump.sigmas());
        });
        return figures;
    }

    private static String reason(PriceGuard.Finding finding, Optional<PriceGuard.IndexReference> against, PriceKind kind,
                                 String id, String underlying, PriceGuard guard) {
        Quote price = finding.price();
        String move = finding.jump().map(jump -> describe(finding.reference(), price, jump, against, kind, id, underlying,
                guard)).orElse("");
        return switch (finding.action()) {
            case APPLIED -> move + "; applied (the underlying holds no jumps)";
            case HELD -> move + "; held, not applied, until a price within range of it confirms it within "
                    + guard.holdMillis() + " ms" + finding.held().map(before -> " (in place of the held " + before.price() + ")")
                    .orElse("");
            case CONFIRMED -> move + "; within range of the held " + finding.held().orElseThrow().price()
                    + ", which it confirms: applied";
            case DISCARDED -> id + " " + finding.held().orElseThrow().price() + " was held for confirmation"
                    + (finding.expired() ? " and no price confirmed it within " + guard.holdMillis() + " ms"
                            : "; the next price, " + price.price() + ", is within range of the last applied one,"
                                    + " so the held price is dropped");
        };
    }

    private static String describe(Quote from, Quote to, PriceJump jump, Optional<PriceGuard.IndexReference> against,
                                   PriceKind kind, String id, String underlying, PriceGuard guard) {
        String plausible = String.format("%.1f standard deviations of %s's forecast volatility over that time, beyond the %s"
                + " allowed", jump.sigmas(), underlying, guard.sigmas());
        if (against.isEmpty()) {
            return String.format("%s %s moved from %s to %s in %d ms: %s", kind, id, from.price(), to.price(),
                    to.millis() - from.millis(), plausible);
        }
        PriceGuard.IndexReference at = against.get();
        String where = at.basis() == 0.0 ? "" : String.format(" with the basis of its last applied mark (%+.2f%%), at %.2f",
                100.0 * Math.expm1(at.basis()), at.mark());
        return String.format("%s %s at %s lies %.2f%% from %s's index %s of %d ms before%s: %s", kind, id, to.price(),
                100.0 * (to.price() / from.price() - 1.0), underlying, at.index().price(), to.millis() - at.index().millis(),
                where, plausible);
    }
}
