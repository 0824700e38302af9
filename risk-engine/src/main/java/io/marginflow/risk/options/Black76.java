package io.marginflow.risk.options;

import java.util.OptionalDouble;

/**
 * Black's 1976 model of a European option on a forward (or futures) price, the model crypto
 * options venues quote implied volatilities in. Prices and Greeks are per unit of the
 * underlying, in the forward's currency.
 *
 * <p>Robust at the edges: at expiry, or with a total volatility σ√T too small to matter, an
 * option is worth its discounted intrinsic value; deep in or out of the money and at huge
 * volatilities the normal distribution ({@link NormalDistribution}, Hart's approximation) stays
 * within 1e-15 of the exact value and never leaves [0, 1]. No input the method accepts gives NaN; inputs it does not accept (non-finite,
 * non-positive prices, negative time or vol) are refused with the reason.
 */
public final class Black76 {

    /** Total volatility σ√T below which an option is valued at its intrinsic value. */
    static final double MIN_TOTAL_VOL = 1e-12;
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private Black76() {}

    /**
     * Price and Greeks of one option on one unit of the underlying.
     *
     * @param forward forward price of the underlying for the option's expiry, positive
     * @param strike strike, positive
     * @param years time to expiry in years (365-day), not negative
     * @param vol annualised implied volatility (0.65 = 65%), not negative
     * @param rate continuously compounded discount rate of the premium (0 on crypto venues)
     */
    public static Greeks greeks(OptionType type, double forward, double strike, double years, double vol, double rate) {
        requirePositive("forward", forward);
        requirePositive("strike", strike);
        requireNonNegative("time to expiry", years);
        requireNonNegative("volatility", vol);
        if (!Double.isFinite(rate)) {
            throw new IllegalArgumentException("rate must be finite: " + rate);
        }
        double discount = Math.exp(-rate * years);
        double totalVol = vol * Math.sqrt(years);
        boolean call = type == OptionType.CALL;
        if (!(totalVol >= MIN_TOTAL_VOL)) {
            double intrinsic = call ? Math.max(forward - strike, 0.0) : Math.max(strike - forward, 0.0);
            double delta = forward == strike ? (call ? 0.5 : -0.5)
                    : call ? (forward > strike ? 1.0 : 0.0) : (forward < strike ? -1.0 : 0.0);
            double price = discount * intrinsic;
            return new Greeks(price, discount * delta, 0.0, 0.0, rate * price);
        }
        double d1 = (Math.log(forward / strike) + 0.5 * totalVol * totalVol) / totalVol;
        double d2 = d1 - totalVol;
        double density = normalDensity(d1);
        double price;
        double delta;
        if (call) {
            price = discount * (forward * cdf(d1) - strike * cdf(d2));
            delta = discount * cdf(d1);
        } else {
            price = discount * (strike * cdf(-d2) - forward * cdf(-d1));
            delta = -discount * cdf(-d1);
        }
        // Rounding can take a far out-of-the-money price a hair below zero.
        price = Math.max(price, 0.0);
        double gamma = discount * density / (forward * totalVol);
        double vega = discount * forward * density * Math.sqrt(years);
        double theta = -discount * forward * density * vol / (2.0 * Math.sqrt(years)) + rate * price;
        return new Greeks(price, delta, gamma, vega, theta);
    }

    public static double price(OptionType type, double forward, double strike, double years, double vol, double rate) {
        return greeks(type, forward, strike, years, vol, rate).price();
    }

    /**
     * The volatility at which the model gives {@code price}, found by bisection to 1e-10 in vol;
     * empty when no volatility in (0, 10] gives it (a price at or below intrinsic value, or at or
     * above the forward or strike bound).
     */
    public static OptionalDouble impliedVol(OptionType type, double forward, double strike, double years,
                                            double price, double rate) {
        if (!(years > 0.0) || !Double.isFinite(price)) {
            return OptionalDouble.empty();
        }
        double low = 1e-6;
        double high = 10.0;
        if (!(price > price(type, forward, strike, years, low, rate)) || !(price < price(type, forward, strike, years, high, rate))) {
            return OptionalDouble.empty();
        }
        while (high - low > 1e-10) {
            double middle = 0.5 * (low + high);
            if (price(type, forward, strike, years, middle, rate) < price) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return OptionalDouble.of(0.5 * (low + high));
    }

    /** The standard normal distribution function. */
    static double cdf(double x) {
        return NormalDistribution.cdf(x);
    }

    static double normalDensity(double x) {
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    private static void requirePositive(String what, double value) {
        if (!(value > 0.0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite and positive: " + value);
        }
    }

    private static void requireNonNegative(String what, double value) {
        if (!(value >= 0.0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite and not negative: " + value);
        }
    }
}
