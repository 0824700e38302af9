package io.marginflow.risk;

/**
 * An account's risk on one underlying.
 *
 * @param requirement worst weighted scenario loss of the account's positions on the underlying, in USD, never negative
 * @param worstPriceMove relative price move of the scenario that set the requirement (0 when no scenario loses)
 * @param netDelta net delta in units of the underlying
 * @param unrealizedPnl unrealised P&L of the positions at the current marks, in USD
 */
public record UnderlyingRisk(String underlying, double requirement, double worstPriceMove, double netDelta,
                             double unrealizedPnl) {}
