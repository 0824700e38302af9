package io.marginflow.risk.lifecycle;

import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.InstrumentRisk;
import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.MarginCalculator;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.Position;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Plans the trades that bring an account in liquidation back to its release level with as little
 * closed as the method can find. Executed at the marks, closing trades leave equity where it is
 * (unrealised P&amp;L becomes realised, fees aside), so the plan is the smallest reduction after
 * which initial margin is at most equity / (1 + liquidationReleaseBuffer).
 *
 * <p>The method, in the spirit of incremental liquidation (Deribit) and partial liquidation
 * (dYdX, Hyperliquid): positions are grouped by underlying, where hedges live (a future against
 * a perpetual, a covered call, a spread). Each round closes the group that frees the most initial
 * margin per USD of notional closed; the last group needed is reduced only as far as it must be,
 * every position of it by the same fraction (so a group's hedges shrink together and no option is
 * left short and naked by closing its hedge first), found by bisection and rounded up to each
 * instrument's lot. Within a group the steps close short options first, then long options, then
 * futures and swaps. Steps only reduce: never more than the position, never a flip, never a new
 * position. When equity is not positive, or no group frees margin, the plan is the whole book and
 * says it does not restore the account.
 *
 * <p>Not thread-safe (it keeps a calculator): one per task.
 */
public final class ReductionPlanner {

    private static final int BISECTION_STEPS = 10;

    private final MarginCalculator calculator = new MarginCalculator();

    /**
     * The plan for {@code portfolio} at {@code market}.
     *
     * @param targetInitialMargin the initial margin the plan must reach or go below
     * @param wholeBook close everything (an account below its backstop)
     */
    public ReductionPlan plan(Portfolio portfolio, Market market, double targetInitialMargin, boolean wholeBook) {
        AccountRiskView view = AccountRiskView.of(portfolio, market);
        int n = view.positionCount();
        if (n == 0) {
            return ReductionPlan.NOTHING;
        }
        Book book = new Book(portfolio, market, view);
        if (wholeBook || !(targetInitialMargin >= 0.0)) {
            return book.wholeBook();
        }
        double[] remaining = book.quantities.clone();
        double current = initialMargin(view, market, remaining);
        BigDecimal[] closed = new BigDecimal[n];
        java.util.Arrays.fill(closed, BigDecimal.ZERO);
        List<Integer> order = new ArrayList<>();
        boolean[] done = new boolean[book.groups.size()];
        while (current > targetInitialMargin) {
            int best = -1;
            double bestRatio = 0.0;
            double bestAfter = current;
            for (int g = 0; g < done.length; g++) {
                if (done[g]) {
                    continue;
                }
                double after = initialMargin(view, market, book.without(remaining, g));
                double ratio = (current - after) / Math.max(book.notional(remaining, g), 1e-12);
                if (current - after > 0.0 && ratio > bestRatio) {
                    best = g;
                    bestRatio = ratio;
                    bestAfter = after;
                }
            }
            if (best < 0) {
                return book.wholeBook();
            }
            done[best] = true;
            order.add(best);
            double fraction = 1.0;
            if (bestAfter <= targetInitialMargin) {
                double low = 0.0;
                for (int i = 0; i < BISECTION_STEPS; i++) {
                    double mid = 0.5 * (low + fraction);
                    if (initialMargin(view, market, book.reduced(remaining, closed, best, mid)) <= targetInitialMargin) {
                        fraction = mid;
                    } else {
                        low = mid;
                    }
                }
            }
            book.close(remaining, closed, best, fraction);
            current = initialMargin(view, market, remaining);
        }
        return book.plan(order, closed, true, current, view, market);
    }

    private double initialMargin(AccountRiskView view, Market market, double[] quantities) {
        return calculator.margin(view.withQuantities(quantities), market).initialMargin();
    }

    /** The account's positions in the view's order, grouped by underlying, with their exact quantities and lots. */
    private final class Book {
        final double[] quantities;
        final BigDecimal[] exact;
        final BigDecimal[] lots;
        final InstrumentRisk[] risks;
        final List<int[]> groups = new ArrayList<>();

        Book(Portfolio portfolio, Market market, AccountRiskView view) {
            int n = view.positionCount();
            quantities = new double[n];
            exact = new BigDecimal[n];
            lots = new BigDecimal[n];
            risks = new InstrumentRisk[n];
            int start = 0;
            for (int i = 0; i < n; i++) {
                Position position = portfolio.positions().get(view.instrument(i));
                exact[i] = position.quantity();
                quantities[i] = view.quantity(i);
                InstrumentSpec spec = market.instrument(view.instrument(i)).orElseThrow();
                lots[i] = spec.lotSize();
                risks[i] = market.risk(view.instrument(i));
                if (i > 0 && !view.underlying(i).equals(view.underlying(i - 1))) {
                    groups.add(new int[] {start, i});
                    start = i;
                }
            }
            groups.add(new int[] {start, n});
        }

        double[] without(double[] remaining, int group) {
            double[] trial = remaining.clone();
            for (int i = groups.get(group)[0]; i < groups.get(group)[1]; i++) {
                trial[i] = 0.0;
            }
            return trial;
        }

        double notional(double[] remaining, int group) {
            double sum = 0.0;
            for (int i = groups.get(group)[0]; i < groups.get(group)[1]; i++) {
                sum += Math.abs(remaining[i]) * risks[i].notionalPerContract();
            }
            return sum;
        }

        /** The quantities after {@code fraction} of every position of the group is closed ({@link #closeAmount}). */
        double[] reduced(double[] remaining, BigDecimal[] closed, int group, double fraction) {
            double[] trial = remaining.clone();
            close(trial, closed.clone(), group, fraction);
            return trial;
        }

        /** Closes {@code fraction} of every position of the group; {@code closed} records the contracts each closes. */
        void close(double[] remaining, BigDecimal[] closed, int group, double fraction) {
            for (int i = groups.get(group)[0]; i < groups.get(group)[1]; i++) {
                closed[i] = closeAmount(i, fraction);
                remaining[i] = exact[i].subtract(closed[i].multiply(BigDecimal.valueOf(exact[i].signum()))).doubleValue();
            }
        }

        /** Contracts of position {@code i} that closing {@code fraction} of it trades: rounded up to a lot, at most all. */
        BigDecimal closeAmount(int i, double fraction) {
            BigDecimal all = exact[i].abs();
            if (fraction >= 1.0) {
                return all;
            }
            BigDecimal wanted = all.multiply(BigDecimal.valueOf(fraction));
            return wanted.divide(lots[i], 0, RoundingMode.CEILING).multiply(lots[i]).min(all).stripTrailingZeros();
        }

        /** Every position closed: the plan does not restore the account. */
        ReductionPlan wholeBook() {
            BigDecimal[] closed = new BigDecimal[exact.length];
            List<Integer> order = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                order.add(g);
            }
            for (int i = 0; i < exact.length; i++) {
                closed[i] = exact[i].abs();
            }
            return plan(order, closed, false, 0.0, null, null);
        }

        /**
         * The steps of the groups in {@code order}, each group's steps short options, long options,
         * then linear contracts. With a view, each group's released margin is evaluated and shared
         * among its steps by notional closed.
         */
        ReductionPlan plan(List<Integer> order, BigDecimal[] closed, boolean restores, double after,
                           AccountRiskView view, Market market) {
            List<ReductionPlan.Step> steps = new ArrayList<>();
            double[] remaining = quantities.clone();
            double current = view == null ? 0.0 : initialMargin(view, market, remaining);
            for (int g : order) {
                int[] range = groups.get(g);
                List<Integer> members = new ArrayList<>();
                double groupNotional = 0.0;
                for (int i = range[0]; i < range[1]; i++) {
                    if (closed[i].signum() > 0) {
                        members.add(i);
                        groupNotional += closed[i].doubleValue() * risks[i].notionalPerContract();
                    }
                }
                double released = 0.0;
                if (view != null) {
                    for (int i : members) {
                        remaining[i] = exact[i].subtract(closed[i].multiply(BigDecimal.valueOf(exact[i].signum())))
                                .doubleValue();
                    }
                    double next = initialMargin(view, market, remaining);
                    released = current - next;
                    current = next;
                }
                members.sort(Comparator.comparingInt((Integer i) -> executionRank(i)).thenComparing(i -> risks[i].spec().id()));
                for (int i : members) {
                    double share = groupNotional > 0.0
                            ? closed[i].doubleValue() * risks[i].notionalPerContract() / groupNotional : 0.0;
                    steps.add(new ReductionPlan.Step(risks[i].spec().id(),
                            exact[i].signum() > 0 ? ReductionPlan.Side.SELL : ReductionPlan.Side.BUY, closed[i],
                            risks[i].mark(), released * share));
                }
            }
            return new ReductionPlan(steps, restores, after);
        }

        /** Short options first, then long options, then futures and swaps. */
        private int executionRank(int i) {
            if (risks[i].spec().isLinear()) {
                return 2;
            }
            return quantities[i] < 0 ? 0 : 1;
        }
    }
}
