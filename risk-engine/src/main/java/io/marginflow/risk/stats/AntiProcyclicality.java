package io.marginflow.risk.stats;

/**
 * The anti-procyclicality tools of EMIR RTS 153/2013 article 28(1), one selected per parameter
 * set, so that margin does not fall as far in calm times only to jump in the next stress:
 * <ul>
 *   <li>{@link Tool#BUFFER}: a buffer of {@code buffer} (≥ 25%) on top of the calculated margin
 *       in normal times, released in stress: the margin is calculated × max(1, (1 + buffer) ×
 *       min(1, σ₁₀ / σ)) with σ the current and σ₁₀ the ten-year volatility. While σ rises from
 *       σ₁₀ to (1 + buffer) σ₁₀ the calculated margin grows in proportion and the buffer shrinks
 *       in proportion, so the margin called stays flat until the buffer is used up;</li>
 *   <li>{@link Tool#STRESSED_WEIGHT}: the volatility is a blend giving stressed observations a
 *       weight of at least 25%: (1 − w) × current + w × stressed;</li>
 *   <li>{@link Tool#TEN_YEAR_FLOOR}: the volatility is never below the one estimated over a
 *       ten-year lookback.</li>
 * </ul>
 */
public record AntiProcyclicality(Tool tool, double buffer, double stressedWeight) {

    public enum Tool { NONE, BUFFER, STRESSED_WEIGHT, TEN_YEAR_FLOOR }

    public static final AntiProcyclicality NONE = new AntiProcyclicality(Tool.NONE, 0.0, 0.0);

    public AntiProcyclicality {
        if (tool == Tool.BUFFER && !(buffer >= 0.25 && buffer <= 10.0)) {
            throw new IllegalArgumentException("EMIR asks for a buffer of at least 25% (and this engine for at most"
                    + " 1,000%): " + buffer);
        }
        if (tool == Tool.STRESSED_WEIGHT && !(stressedWeight >= 0.25 && stressedWeight <= 1.0)) {
            throw new IllegalArgumentException("EMIR asks for a weight of at least 25% on stressed observations: "
                    + stressedWeight);
        }
    }

    /**
     * The volatility to margin with, from the current forecast, the stressed volatility (the
     * highest forecast of the lookback) and the ten-year lookback volatility.
     */
    public double volatility(double current, double stressed, double tenYear) {
        return switch (tool) {
            case STRESSED_WEIGHT -> (1.0 - stressedWeight) * current + stressedWeight * Math.max(current, stressed);
            case TEN_YEAR_FLOOR -> Math.max(current, tenYear);
            case NONE, BUFFER -> current;
        };
    }

    /** The margin to call from the calculated one, given the current and the ten-year volatility. */
    public double margin(double calculated, double current, double tenYear) {
        if (tool != Tool.BUFFER || !(current > 0.0)) {
            return tool == Tool.BUFFER ? calculated * (1.0 + buffer) : calculated;
        }
        return calculated * Math.max(1.0, (1.0 + buffer) * Math.min(1.0, tenYear / current));
    }
}
