package io.marginflow.risk.bench;

import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.RiskModel;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The benchmarks' market: BTC, ETH, SOL and XRP, margined ±16% in 9 steps with extremes −50% and
 * +100% at 25%, and, when {@code historyDays} is positive, that many daily index closes each
 * (correlated random walks, seed 7), so the statistical layer (1-day FHS, offsets capped at 50%)
 * takes part.
 */
final class FourUnderlyings {

    static final long DAY = 86_400_000L;
    static final List<String> UNDERLYINGS = List.of("BTC", "ETH", "SOL", "XRP");

    private FourUnderlyings() {}

    static Market market(int historyDays, RiskModel.VolatilityModel forecast) {
        RiskModel model = historyDays == 0 ? RiskModel.DEFAULT
                : RiskModel.builder().volatilityModel(forecast).marginPeriodOfRiskDays(1).maxOffsetCredit(0.5).build();
        MarginParameters parameters = MarginParameters.builder("*")
                .extremeMove(-0.5, 0.25).extremeMove(1.0, 0.25)
                .callGracePeriodMillis(3_600_000)
                .riskModel(model)
                .build();
        Market market = new Market(parameters, Set.of("USD"), new Market.HistorySettings(DAY, Math.max(historyDays, 1_000), 250));
        Random history = new Random(7);
        double[] prices = {10_000, 200, 20, 0.3};
        for (int day = 0; day <= historyDays && historyDays > 0; day++) {
            double common = history.nextGaussian();
            for (int u = 0; u < UNDERLYINGS.size(); u++) {
                prices[u] *= Math.exp(0.03 * (0.6 * common + 0.8 * history.nextGaussian()));
                market.recordIndexPrice(UNDERLYINGS.get(u), day * DAY, prices[u]);
            }
        }
        return market;
    }
}
