package io.marginflow.risk;

import io.marginflow.risk.options.Black76;
import io.marginflow.risk.options.Greeks;

/**
 * One instrument's risk at the current market, computed once per market event and shared by
 * every account holding it: the profit or loss of one long contract in each scenario of its
 * underlying's grid, its value, and its Greeks. Accounts only sum these, so a tick reprices an
 * option once however many accounts hold it.
 */
public final class InstrumentRisk {

    private static final double DAYS_PER_YEAR = 365.0;
    private static final double VOL_POINT = 0.01;

    private final InstrumentSpec spec;
    private final double mark;
    private final double multiplier;
    private final double[] pnlPerContract;
    private final double delta;
    private final double gamma;
    private final double vega;
    private final double theta;
    private final double shortOptionMinimum;
    private final double[] fhsPnlPerContract;
    private final double deltaUsd;
    private final double notional;
    /** An option's valuation inputs (null for a future or swap, which needs none). */
    private final OptionInputs inputs;

    private InstrumentRisk(InstrumentSpec spec, double mark, double[] pnlPerContract, double delta, double gamma,
                           double vega, double theta, double shortOptionMinimum, double[] fhsPnlPerContract,
                           double deltaUsd, double notional, OptionInputs inputs) {
        this.spec = spec;
        this.mark = mark;
        this.multiplier = spec.multiplier().doubleValue();
        this.pnlPerContract = pnlPerContract;
        this.delta = delta;
        this.gamma = gamma;
        this.vega = vega;
        this.theta = theta;
        this.shortOptionMinimum = shortOptionMinimum;
        this.fhsPnlPerContract = fhsPnlPerContract;
        this.deltaUsd = deltaUsd;
        this.notional = notional;
        this.inputs = inputs;
    }

    /**
     * A future or perpetual swap at {@code mark}: it gains multiplier × mark × move when the price
     * moves by move, in the grid's scenarios and in the FHS scenarios ({@code fhsMoves}, may be empty).
     */
    static InstrumentRisk linear(InstrumentSpec spec, double mark, ScenarioGrid grid, double[] fhsMoves) {
        double multiplier = spec.multiplier().doubleValue();
        double[] pnl = new double[grid.size()];
        for (int k = 0; k < pnl.length; k++) {
            pnl[k] = multiplier * mark * grid.move(k);
        }
        double[] fhs = new double[fhsMoves.length];
        for (int s = 0; s < fhs.length; s++) {
            fhs[s] = multiplier * mark * fhsMoves[s];
        }
        return new InstrumentRisk(spec, mark, pnl, multiplier, 0.0, 0.0, 0.0, 0.0, fhs, multiplier * mark, multiplier * mark,
                null);
    }

    /**
     * The inputs an option is valued with: the forward for its expiry, its implied vol and the
     * years left to expiry.
     */
    public record OptionInputs(double forward, double vol, double years) {}

    /**
     * A European option valued with Black-76 (no discounting: the premium is margined
     * futures-style) and fully revalued in every scenario: the forward moved by the scenario's
     * price move, the vol by its vol shock for this expiry, time held still.
     *
     * @param shortOptionMinimum fraction of multiplier × forward charged at least per short contract
     */
    static InstrumentRisk option(InstrumentSpec spec, OptionInputs inputs, ScenarioGrid grid, double shortOptionMinimum,
                                 double[] fhsMoves) {
        InstrumentSpec.OptionTerms terms = spec.option().orElseThrow();
        double multiplier = spec.multiplier().doubleValue();
        Greeks now = Black76.greeks(terms.type(), inputs.forward(), terms.strike(), inputs.years(), inputs.vol(), 0.0);
        double[] pnl = new double[grid.size()];
        for (int k = 0; k < pnl.length; k++) {
            double forward = inputs.forward() * (1.0 + grid.move(k));
            double vol = inputs.vol() * (1.0 + grid.volShock(k, inputs.years()));
            double value = Black76.price(terms.type(), forward, terms.strike(), inputs.years(), vol, 0.0);
            pnl[k] = multiplier * (value - now.price());
        }
        // FHS scenarios move the forward only: vol and time held, as in the grid's vol-unchanged scenarios.
        double[] fhs = new double[fhsMoves.length];
        for (int s = 0; s < fhs.length; s++) {
            double value = Black76.price(terms.type(), inputs.forward() * (1.0 + fhsMoves[s]), terms.strike(),
                    inputs.years(), inputs.vol(), 0.0);
            fhs[s] = multiplier * (value - now.price());
        }
        return new InstrumentRisk(spec, now.price(), pnl, multiplier * now.delta(), multiplier * now.gamma(),
                multiplier * now.vega() * VOL_POINT, multiplier * now.theta() / DAYS_PER_YEAR,
                shortOptionMinimum * multiplier * inputs.forward(), fhs, multiplier * now.delta() * inputs.forward(),
                multiplier * inputs.forward(), inputs);
    }

    /**
     * P&amp;L of one long contract if its underlying's prices move by {@code priceMove} and its implied
     * vol is multiplied by {@code volFactor} at once, time held still: a stress scenario's full
     * revaluation. A future or swap gains multiplier × mark × move; an option is revalued with
     * Black-76 at the moved forward and the scaled vol, against its value now.
     */
    public double stressedPnlPerContract(double priceMove, double volFactor) {
        if (inputs == null) {
            return multiplier * mark * priceMove;
        }
        InstrumentSpec.OptionTerms terms = spec.option().orElseThrow();
        double value = Black76.price(terms.type(), inputs.forward() * (1.0 + priceMove), terms.strike(), inputs.years(),
                inputs.vol() * volFactor, 0.0);
        return multiplier * (value - mark);
    }

    public InstrumentSpec spec() {
        return spec;
    }

    /** The value of one unit of the underlying's worth of the contract, in USD: the mark, or an option's model value. */
    public double mark() {
        return mark;
    }

    public double multiplier() {
        return multiplier;
    }

    /** P&amp;L of one long contract in scenario {@code k}. */
    public double pnlPerContract(int k) {
        return pnlPerContract[k];
    }

    /** Delta of one long contract, in units of the underlying. */
    public double deltaPerContract() {
        return delta;
    }

    /** Delta of one long contract in USD: its delta times the price it moves with (a linear contract's mark). */
    public double deltaUsdPerContract() {
        return deltaUsd;
    }

    /** What one contract is written on, in USD: multiplier × its mark (futures, swaps) or × its forward (options). */
    public double notionalPerContract() {
        return notional;
    }

    /** Gamma of one long contract: change of its delta per USD move of the forward. */
    public double gammaPerContract() {
        return gamma;
    }

    /** Vega of one long contract: USD per vol point (0.01) rise of its implied vol. */
    public double vegaPerContract() {
        return vega;
    }

    /** Theta of one long contract: USD of value it gains per day passing (negative for a long option). */
    public double thetaPerContract() {
        return theta;
    }

    /** P&amp;L of one long contract in each FHS scenario, most recent window first (the calculator's; not to be modified). */
    double[] fhsPnlVector() {
        return fhsPnlPerContract;
    }

    /** The least requirement a short contract carries, in USD (0 for futures and swaps). */
    public double shortOptionMinimumPerContract() {
        return shortOptionMinimum;
    }
}
