package io.marginflow.risk.options;

/**
 * Value and sensitivities of one option on one unit of the underlying.
 *
 * @param price premium, in the forward's currency
 * @param delta ∂price/∂forward
 * @param gamma ∂²price/∂forward²
 * @param vega ∂price/∂vol per 1.00 of volatility (divide by 100 for one vol point)
 * @param theta −∂price/∂T per year with the forward held (divide by 365 for one day)
 */
public record Greeks(double price, double delta, double gamma, double vega, double theta) {}
