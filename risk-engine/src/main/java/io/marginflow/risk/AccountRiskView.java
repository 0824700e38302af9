package io.marginflow.risk;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * An account's portfolio laid out for fast margining: positions as parallel arrays sorted by
 * underlying then instrument, and collateral balances sorted by asset. Built once when the
 * portfolio changes and reused for every price tick until it changes again.
 */
public final class AccountRiskView {

    final String[] instruments;
    final String[] underlyings;
    final double[] quantities;
    final double[] averagePrices;
    final String[] assets;
    final double[] amounts;

    private AccountRiskView(String[] instruments, String[] underlyings, double[] quantities, double[] averagePrices,
                            String[] assets, double[] amounts) {
        this.instruments = instruments;
        this.underlyings = underlyings;
        this.quantities = quantities;
        this.averagePrices = averagePrices;
        this.assets = assets;
        this.amounts = amounts;
    }

    /**
     * The risk view of {@code portfolio}'s positions, grouped by underlying, at {@code market}'s instruments.
     *
     * @throws IllegalStateException if a position's instrument is unknown to {@code market}
     */
    public static AccountRiskView of(Portfolio portfolio, Market market) {
        record Row(String underlying, Position position) {}
        List<Row> rows = new ArrayList<>();
        for (Position position : portfolio.positions().values()) {
            InstrumentSpec spec = market.instrument(position.instrument()).orElseThrow(() ->
                    new IllegalStateException("position in unknown instrument " + position.instrument()));
            rows.add(new Row(spec.underlying(), position));
        }
        rows.sort(Comparator.comparing(Row::underlying).thenComparing(row -> row.position().instrument()));
        int n = rows.size();
        String[] instruments = new String[n];
        String[] underlyings = new String[n];
        double[] quantities = new double[n];
        double[] averagePrices = new double[n];
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            instruments[i] = row.position().instrument();
            underlyings[i] = row.underlying();
            quantities[i] = row.position().quantity().doubleValue();
            averagePrices[i] = row.position().averagePrice();
        }
        String[] assets = new String[portfolio.balances().size()];
        double[] amounts = new double[assets.length];
        int a = 0;
        for (Map.Entry<String, BigDecimal> balance : portfolio.balances().entrySet()) {
            assets[a] = balance.getKey();
            amounts[a++] = balance.getValue().doubleValue();
        }
        return new AccountRiskView(instruments, underlyings, quantities, averagePrices, assets, amounts);
    }

    /**
     * Everything whose price moves this account: the underlyings of its positions and its
     * collateral assets other than {@code cashAssets} (worth one USD a unit, never repriced).
     */
    public SortedSet<String> exposures(Set<String> cashAssets) {
        TreeSet<String> exposures = new TreeSet<>();
        forEachExposure(cashAssets, exposures::add);
        return exposures;
    }

    /**
     * Visits what {@link #exposures} holds without collecting it (the price-tick path asks for
     * every exposed account): each position's underlying once, then each collateral asset other
     * than {@code cashAssets}, in the view's order; a name that is both (BTC held and traded) is
     * visited twice.
     */
    public void forEachExposure(Set<String> cashAssets, Consumer<String> action) {
        for (int i = 0; i < underlyings.length; i++) {
            if (i == 0 || !underlyings[i].equals(underlyings[i - 1])) {
                action.accept(underlyings[i]);
            }
        }
        for (String asset : assets) {
            if (!cashAssets.contains(asset)) {
                action.accept(asset);
            }
        }
    }

    public int positionCount() {
        return instruments.length;
    }

    /** The instrument of position {@code i}, in the view's order (by underlying, then instrument). */
    public String instrument(int i) {
        return instruments[i];
    }

    public String underlying(int i) {
        return underlyings[i];
    }

    /** The signed quantity of position {@code i}. */
    public double quantity(int i) {
        return quantities[i];
    }

    public int assetCount() {
        return assets.length;
    }

    /** The collateral asset {@code a}, in asset order. */
    public String asset(int a) {
        return assets[a];
    }

    /** The balance of collateral asset {@code a}, in units of it. */
    public double amount(int a) {
        return amounts[a];
    }

    /**
     * The same account with other quantities, position by position in the view's order, and the
     * same collateral: what its margin would be after trades (a reduction plan's, say). A zero
     * quantity is a closed position.
     */
    public AccountRiskView withQuantities(double[] changed) {
        if (changed.length != instruments.length) {
            throw new IllegalArgumentException(changed.length + " quantities for " + instruments.length + " positions");
        }
        return new AccountRiskView(instruments, underlyings, changed.clone(), averagePrices, assets, amounts);
    }
}
