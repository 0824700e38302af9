package io.marginflow.risk;

/**
 * One instrument's risk at the current market, computed once per market event and shared by
 * every account holding it: the profit or loss of one long contract in each scenario of its
 * underlying's grid, and its current value terms.
 */
public final class InstrumentRisk {

    private final InstrumentSpec spec;
    private final double mark;
    private final double multiplier;
    private final double[] pnlPerContract;

    InstrumentRisk(InstrumentSpec spec, double mark, ScenarioGrid grid) {
        this.spec = spec;
        this.mark = mark;
        this.multiplier = spec.multiplier().doubleValue();
        this.pnlPerContract = new double[grid.size()];
        for (int k = 0; k < grid.size(); k++) {
            // A linear contract gains multiplier × price × move when the price moves by `move`.
            pnlPerContract[k] = multiplier * mark * grid.move(k);
        }
    }

    public InstrumentSpec spec() {
        return spec;
    }

    public double mark() {
        return mark;
    }

    public double multiplier() {
        return multiplier;
    }

    /** P&L of one long contract in scenario {@code k}. */
    public double pnlPerContract(int k) {
        return pnlPerContract[k];
    }

    /** Delta of one long contract, in units of the underlying. */
    public double deltaPerContract() {
        return multiplier;
    }
}
