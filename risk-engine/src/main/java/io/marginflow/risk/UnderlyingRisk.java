package io.marginflow.risk;

/**
 * An account's risk on one underlying: what its requirement is and why.
 *
 * @param requirement initial-margin requirement of the account's positions on the underlying, in USD, never
 *        negative: the larger of the worst weighted scenario loss and the short-option minimum
 * @param worstPriceMove relative price move of the scenario with the worst weighted loss (0 when no scenario loses)
 * @param worstVolShock nominal relative vol shock of that scenario (+0.3 vol up 30%, 0 unchanged)
 * @param worstScenarioLoss that scenario's loss before its weight, in USD (0 when no scenario loses)
 * @param shortOptionMinimum the short-option minimum charge of the positions, in USD
 * @param netDelta net delta in units of the underlying
 * @param gamma net gamma: change of net delta per USD move of the underlying
 * @param vega net vega: USD per vol point (0.01) rise of every implied vol
 * @param theta net theta: USD the positions gain per day passing
 * @param unrealizedPnl unrealised P&amp;L of the positions at the current marks, in USD
 * @param forecastVol the underlying's volatility forecast per sampling interval after
 *        anti-procyclicality (0 while its history is too short)
 * @param scanRange the core scan range the requirement was computed over
 * @param concentrationAddOn the concentration add-on of the positions, in USD
 */
public record UnderlyingRisk(String underlying, double requirement, double worstPriceMove, double worstVolShock,
                             double worstScenarioLoss, double shortOptionMinimum, double netDelta, double gamma,
                             double vega, double theta, double unrealizedPnl, double forecastVol, double scanRange,
                             double concentrationAddOn) {}
