package io.marginflow.engine;

import io.marginflow.config.EngineSettings;
import io.marginflow.risk.BuildUpRule;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.PriceGuard;
import io.marginflow.risk.PriceGuard.Quote;
import io.marginflow.risk.UnderlyingStatistics;
import io.marginflow.risk.stats.RobustBaseline;
import io.marginflow.schema.Alert;
import io.marginflow.schema.AlertAction;
import io.marginflow.schema.AlertKind;
import io.marginflow.schema.Fill;
import io.marginflow.schema.PriceKind;
import io.marginflow.translation.EngineOutputs;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * An account's trading, checked as each fill is applied: a fill far off its instrument's mark
 * ({@link #offMarket}), and a fill that grows the account's gross position ({@link #buildUp}) or its
 * initial margin ({@link #marginUsage}) far beyond its own habit. All are reported on the alerts
 * topic by the account's journal partition and change nothing: a fill is the clearinghouse's record
 * of a trade, and is applied. Part of {@link MarginEngine}.
 */
final class TradingChecks {

    private final EngineSettings settings;
    private final MarketReplica replica;
    private final BiConsumer<Alert, Trigger> alerts;

    /** @param alerts where an alert goes, with the entry that raised it */
    TradingChecks(EngineSettings settings, MarketReplica replica, BiConsumer<Alert, Trigger> alerts) {
        this.settings = settings;
        this.replica = replica;
        this.alerts = alerts;
    }

    /**
     * Reports a fill of a future or perpetual priced further from the instrument's last applied mark
     * than its underlying's price guard makes plausible in the time since the mark (OFF_MARKET_FILL);
     * a fill stamped before that mark is not judged (the mark at its own time is not kept).
     */
    void offMarket(Fill fill, InstrumentSpec spec, Trigger cause) {
        if (!spec.isLinear()) {
            return; // an option's price moves with its own volatility and the underlying's, not by the underlying's alone
        }
        Market market = replica.market();
        PriceGuard guard = market.parameters(spec.underlying()).priceGuard();
        Optional<Quote> mark = replica.applied(PriceKind.MARK, spec.id());
        if (!guard.judges() || mark.isEmpty() || fill.getEventTime().toEpochMilli() < mark.get().millis()) {
            return;
        }
        double forecastVol = market.statistics(spec.underlying()).map(UnderlyingStatistics::forecastVol).orElse(0.0);
        Quote traded = new Quote(fill.getPrice(), fill.getEventTime().toEpochMilli());
        guard.jump(mark.get(), traded, forecastVol, settings.history().intervalMillis()).ifPresent(jump -> alerts.accept(EngineOutputs.alert(AlertKind.OFF_MARKET_FILL,
                        AlertAction.APPLIED, spec.underlying(), spec.id(), fill.getAccount(), "FILL", fill.getFillId(),
                        cause.cause(), GuardedPrices.figures(new PriceGuard.Finding(PriceGuard.Action.APPLIED, mark.get(),
                                traded, Optional.of(jump), Optional.empty(), false, false), guard, forecastVol),
                        String.format("fill %s of %s traded %s at %s, %.1f standard deviations of %s's forecast volatility"
                                + " over the %d ms since its mark %s, beyond the %s allowed; applied (a fill is the"
                                + " clearinghouse's record)", fill.getFillId(), fill.getAccount(), spec.id(), fill.getPrice(),
                                jump.sigmas(), spec.underlying(), traded.millis() - mark.get().millis(), mark.get().price(),
                                guard.sigmas())), cause));
    }

    /**
     * The account's growth baseline after {@code fill} took its book from {@code before} to
     * {@code after}; a growth far above the account's habit is reported first (POSITION_BUILD_UP).
     * A fill from or to a flat book leaves the baseline as it is (there is no growth to speak of).
     */
    RobustBaseline buildUp(Fill fill, InstrumentSpec spec, Portfolio before, Portfolio after, RobustBaseline baseline,
                           Trigger cause) {
        Market market = replica.market();
        java.util.function.Function<String, BigDecimal> multiplier = id -> market.instrument(id)
                .map(InstrumentSpec::multiplier).orElse(BigDecimal.ONE);
        return habit(Habit.GROSS, settings.buildUps(), fill, spec, before.grossAtCost(multiplier),
                after.grossAtCost(multiplier), baseline, cause);
    }

    /**
     * The account's margin-usage baseline after {@code fill} took its initial margin from
     * {@code before} (the margin last published before the fill: within the result tolerance of the
     * margin at the market the fill found, since every price recomputes the accounts exposed to it)
     * to {@code after}; a growth far above the account's
     * habit is reported first (MARGIN_USAGE). Equity does not move with a fill (but for its fee),
     * so the growth of the margin is the growth of its usage. A fill from or to no margin leaves the
     * baseline as it is.
     */
    RobustBaseline marginUsage(Fill fill, InstrumentSpec spec, double before, double after, RobustBaseline baseline,
                               Trigger cause) {
        return habit(Habit.MARGIN, settings.marginUsage(), fill, spec, before, after, baseline, cause);
    }

    /** What a habit check measures: its alert, the names of its figures and the words of its reason. */
    private enum Habit {
        GROSS(AlertKind.POSITION_BUILD_UP, "grossBefore", "grossAfter", "gross position at cost"),
        MARGIN(AlertKind.MARGIN_USAGE, "initialMarginBefore", "initialMarginAfter", "initial margin at the same market");

        final AlertKind kind;
        final String beforeName;
        final String afterName;
        final String what;

        Habit(AlertKind kind, String beforeName, String afterName, String what) {
            this.kind = kind;
            this.beforeName = beforeName;
            this.afterName = afterName;
            this.what = what;
        }
    }

    private RobustBaseline habit(Habit habit, BuildUpRule rule, Fill fill, InstrumentSpec spec, double before, double after,
                                 RobustBaseline baseline, Trigger cause) {
        if (!(before > 0.0 && after > 0.0)) {
            return baseline;
        }
        double growth = BuildUpRule.growth(before, after);
        rule.buildUp(baseline, growth).ifPresent(z -> {
            SortedMap<String, Double> figures = new TreeMap<>();
            figures.put(habit.beforeName, before);
            figures.put(habit.afterName, after);
            figures.put("growth", growth);
            figures.put("median", baseline.median());
            figures.put("mad", baseline.mad());
            figures.put("fillsSeen", (double) baseline.count());
            figures.put("z", z);
            figures.put("allowedSigmas", rule.sigmas());
            alerts.accept(EngineOutputs.alert(habit.kind, AlertAction.APPLIED, spec.underlying(), spec.id(),
                    fill.getAccount(), "FILL", fill.getFillId(), cause.cause(), figures, String.format("fill %s took %s's"
                            + " %s from %.2f to %.2f (growth %.3f in log terms), %.1f robust standard"
                            + " deviations above the median growth %.3f of its last fills, beyond the %s allowed; applied",
                            fill.getFillId(), fill.getAccount(), habit.what, before, after, growth, z, baseline.median(),
                            rule.sigmas())), cause);
        });
        return baseline.next(growth, rule.rate());
    }
}
