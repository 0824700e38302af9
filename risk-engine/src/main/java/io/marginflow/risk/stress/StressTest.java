package io.marginflow.risk.stress;

import io.marginflow.risk.AccountRiskView;
import io.marginflow.risk.Market;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accounts revalued in stress scenarios at one market: each position fully revalued with the
 * engine's own pricing ({@link io.marginflow.risk.InstrumentRisk#stressedPnlPerContract}: futures
 * and swaps at the moved mark, options with Black-76 at the moved forward and the scaled vol), and
 * each collateral asset that is itself an underlying at its moved price after haircut. Each
 * instrument is revalued once per scenario however many accounts hold it; accounts only sum.
 * Not thread-safe: one per run.
 */
public final class StressTest {

    private final Market market;
    private final List<StressScenario> scenarios;
    /** Instrument → P&amp;L of one long contract per scenario (looked up, never iterated). */
    private final Map<String, double[]> perContract = new HashMap<>();

    public StressTest(Market market, List<StressScenario> scenarios) {
        this.market = market;
        this.scenarios = List.copyOf(scenarios);
    }

    public List<StressScenario> scenarios() {
        return scenarios;
    }

    /**
     * The account's profit or loss in each scenario, in scenario order (negative: a loss), summed
     * in the view's order.
     *
     * @throws IllegalStateException if a position cannot be valued at this market (no mark, no surface)
     */
    public double[] pnl(AccountRiskView view) {
        double[] pnl = new double[scenarios.size()];
        for (int p = 0; p < view.positionCount(); p++) {
            double[] contract = perContract.computeIfAbsent(view.instrument(p), this::revalue);
            double quantity = view.quantity(p);
            for (int s = 0; s < pnl.length; s++) {
                pnl[s] += quantity * contract[s];
            }
        }
        for (int a = 0; a < view.assetCount(); a++) {
            String asset = view.asset(a);
            double value = view.amount(a) * market.collateralValuePerUnit(asset);
            for (int s = 0; s < pnl.length; s++) {
                pnl[s] += value * scenarios.get(s).shock(asset).priceMove();
            }
        }
        return pnl;
    }

    private double[] revalue(String instrument) {
        var risk = market.risk(instrument);
        String underlying = risk.spec().underlying();
        double[] pnl = new double[scenarios.size()];
        for (int s = 0; s < pnl.length; s++) {
            StressScenario.Shock shock = scenarios.get(s).shock(underlying);
            pnl[s] = risk.stressedPnlPerContract(shock.priceMove(), shock.volFactor());
        }
        return pnl;
    }
}
