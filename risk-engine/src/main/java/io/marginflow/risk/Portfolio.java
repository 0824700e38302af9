package io.marginflow.risk;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An account's ledger: positions by instrument and collateral balances by asset, both in sorted
 * order so that every sum over them is taken in the same order on every replay. Immutable.
 */
public record Portfolio(SortedMap<String, Position> positions, SortedMap<String, BigDecimal> balances) {

    public static final Portfolio EMPTY = new Portfolio(new TreeMap<>(), new TreeMap<>());

    public Portfolio {
        positions = Collections.unmodifiableSortedMap(new TreeMap<>(positions));
        balances = Collections.unmodifiableSortedMap(new TreeMap<>(balances));
    }

    /**
     * The ledger after a fill: the position moves, the realised P&amp;L is credited in the
     * instrument's settlement asset, and the fee is debited in its own asset (a negative fee is a
     * rebate).
     */
    public Portfolio withFill(InstrumentSpec instrument, BigDecimal quantity, double price,
                              BigDecimal fee, String feeAsset) {
        Position before = positions.getOrDefault(instrument.id(), Position.flat(instrument.id()));
        Position.AfterFill after = before.apply(quantity, price, instrument.multiplier());
        TreeMap<String, Position> newPositions = new TreeMap<>(positions);
        if (after.position().isFlat()) {
            newPositions.remove(instrument.id());
        } else {
            newPositions.put(instrument.id(), after.position());
        }
        TreeMap<String, BigDecimal> newBalances = new TreeMap<>(balances);
        credit(newBalances, instrument.settlementAsset(), after.realizedPnl());
        credit(newBalances, feeAsset, fee.negate());
        return new Portfolio(newPositions, newBalances);
    }

    /**
     * The ledger after the position in {@code instrument} is settled at expiry: it leaves the
     * portfolio and {@code finalPrice} − average price (per unit, times quantity and multiplier)
     * is realised in the settlement asset. No position: the same ledger.
     */
    public Portfolio withSettlement(InstrumentSpec instrument, double finalPrice) {
        Position position = positions.get(instrument.id());
        if (position == null) {
            return this;
        }
        TreeMap<String, Position> newPositions = new TreeMap<>(positions);
        newPositions.remove(instrument.id());
        TreeMap<String, BigDecimal> newBalances = new TreeMap<>(balances);
        credit(newBalances, instrument.settlementAsset(), position.settle(finalPrice, instrument.multiplier()));
        return new Portfolio(newPositions, newBalances);
    }

    /** The ledger after {@code amount} of {@code asset} is credited (negative: debited). */
    public Portfolio withMovement(String asset, BigDecimal amount) {
        TreeMap<String, BigDecimal> newBalances = new TreeMap<>(balances);
        credit(newBalances, asset, amount);
        return new Portfolio(positions, newBalances);
    }

    public boolean isEmpty() {
        return positions.isEmpty() && balances.isEmpty();
    }

    /**
     * The gross position at cost: the sum over positions of |quantity| × average price × the
     * instrument's contract multiplier, in instrument order (the same sum on every replay).
     */
    public double grossAtCost(java.util.function.Function<String, BigDecimal> multiplier) {
        double gross = 0.0;
        for (Position position : positions.values()) {
            gross += position.quantity().abs().doubleValue() * position.averagePrice()
                    * multiplier.apply(position.instrument()).doubleValue();
        }
        return gross;
    }

    private static void credit(TreeMap<String, BigDecimal> balances, String asset, BigDecimal amount) {
        if (amount.signum() == 0) {
            return;
        }
        BigDecimal sum = balances.getOrDefault(asset, BigDecimal.ZERO).add(amount);
        if (sum.signum() == 0) {
            balances.remove(asset);
        } else {
            balances.put(asset, sum.stripTrailingZeros());
        }
    }
}
