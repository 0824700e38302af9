package io.marginflow.risk.options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An underlying's implied-volatility surface as of one instant: one smile per expiry, each a
 * forward and implied vols at strikes.
 *
 * <p>Interpolation: within a smile, linear in volatility against log-moneyness ln(K/F), flat
 * beyond the outermost strikes; between expiries, linear in total variance σ²T at the same
 * log-moneyness, with the forward linear in time; before the first expiry the first smile's
 * vols, after the last the last smile's (flat in volatility).
 *
 * <p>{@link #of} refuses a surface that offers arbitrage, with the reason: a smile whose call
 * prices are not decreasing and convex in strike (butterfly arbitrage), or total variance that
 * falls from one expiry to the next at some log-moneyness (calendar arbitrage). Smiles that have
 * expired at the surface's time are dropped.
 */
public final class VolSurface {

    /** One expiry's smile: strikes strictly increasing, vols positive. */
    public record Smile(long expiryMillis, double forward, double[] strikes, double[] vols) {
        public Smile {
            Objects.requireNonNull(strikes, "strikes");
            Objects.requireNonNull(vols, "vols");
            strikes = strikes.clone();
            vols = vols.clone();
            if (strikes.length == 0 || strikes.length != vols.length) {
                throw new IllegalArgumentException("a smile needs as many vols as strikes, at least one");
            }
        }
    }

    /**
     * The smallest arbitrage a surface is refused for, as a fraction of the forward: 0.0005, a
     * minimum option tick on Deribit (0.0005 BTC per BTC). Real Deribit marks rounded to 0.01 vol
     * point break convexity by up to 0.0004 of the forward (DeribitMarksTest).
     */
    static final double ARBITRAGE_TOLERANCE = 5e-4;
    private static final double MILLIS_PER_YEAR = 365.0 * 24 * 3600 * 1000;

    private final String underlying;
    private final long asOfMillis;
    private final long[] expiries;
    private final double[] years;
    private final double[] forwards;
    private final double[][] strikes;
    private final double[][] logMoneyness;
    private final double[][] vols;

    private VolSurface(String underlying, long asOfMillis, List<Smile> smiles) {
        this.underlying = underlying;
        this.asOfMillis = asOfMillis;
        int n = smiles.size();
        expiries = new long[n];
        years = new double[n];
        forwards = new double[n];
        strikes = new double[n][];
        logMoneyness = new double[n][];
        vols = new double[n][];
        for (int i = 0; i < n; i++) {
            Smile smile = smiles.get(i);
            expiries[i] = smile.expiryMillis();
            years[i] = yearsBetween(asOfMillis, smile.expiryMillis());
            forwards[i] = smile.forward();
            strikes[i] = smile.strikes().clone();
            logMoneyness[i] = new double[smile.strikes().length];
            for (int j = 0; j < smile.strikes().length; j++) {
                logMoneyness[i][j] = Math.log(smile.strikes()[j] / smile.forward());
            }
            vols[i] = smile.vols().clone();
        }
    }

    /**
     * The surface of {@code underlying} built at {@code asOfMillis}.
     *
     * @throws IllegalArgumentException with the reason, if the smiles are malformed, all expired,
     *         or arbitrageable
     */
    public static VolSurface of(String underlying, long asOfMillis, List<Smile> smiles) {
        List<Smile> live = new ArrayList<>();
        long previousExpiry = Long.MIN_VALUE;
        for (Smile smile : smiles) {
            if (smile.expiryMillis() <= previousExpiry) {
                throw new IllegalArgumentException("smiles of " + underlying + " are not in increasing expiry order");
            }
            previousExpiry = smile.expiryMillis();
            if (!(smile.forward() > 0.0) || !Double.isFinite(smile.forward())) {
                throw new IllegalArgumentException("forward of " + underlying + " for expiry " + smile.expiryMillis()
                        + " must be finite and positive: " + smile.forward());
            }
            for (int j = 0; j < smile.strikes().length; j++) {
                double strike = smile.strikes()[j];
                double vol = smile.vols()[j];
                if (!(strike > 0.0) || !Double.isFinite(strike) || (j > 0 && !(strike > smile.strikes()[j - 1]))) {
                    throw new IllegalArgumentException("strikes of " + underlying + " for expiry " + smile.expiryMillis()
                            + " must be positive and strictly increasing at " + strike);
                }
                if (!(vol > 0.0) || !Double.isFinite(vol)) {
                    throw new IllegalArgumentException("implied vol of " + underlying + " at strike " + strike
                            + " must be finite and positive: " + vol);
                }
            }
            if (smile.expiryMillis() > asOfMillis) {
                live.add(smile);
            }
        }
        if (live.isEmpty()) {
            throw new IllegalArgumentException("every smile of the surface of " + underlying + " has expired");
        }
        VolSurface surface = new VolSurface(underlying, asOfMillis, live);
        surface.checkButterflies();
        surface.checkCalendar();
        return surface;
    }

    public String underlying() {
        return underlying;
    }

    public long asOfMillis() {
        return asOfMillis;
    }

    /** Years (of 365 days) from {@code fromMillis} to {@code toMillis}; 0 if {@code toMillis} is not later. */
    public static double yearsBetween(long fromMillis, long toMillis) {
        return Math.max(0.0, (toMillis - fromMillis) / MILLIS_PER_YEAR);
    }

    /** The forward for an expiry, from the smiles' forwards (linear in time, flat outside). */
    public double forward(long expiryMillis) {
        int n = expiries.length;
        if (expiryMillis <= expiries[0]) {
            return forwards[0];
        }
        if (expiryMillis >= expiries[n - 1]) {
            return forwards[n - 1];
        }
        int i = upperIndex(expiryMillis);
        double weight = (double) (expiryMillis - expiries[i - 1]) / (expiries[i] - expiries[i - 1]);
        return forwards[i - 1] + weight * (forwards[i] - forwards[i - 1]);
    }

    /** The implied volatility for {@code strike} at {@code expiryMillis}. */
    public double vol(double strike, long expiryMillis) {
        double x = Math.log(strike / forward(expiryMillis));
        int n = expiries.length;
        if (expiryMillis <= expiries[0]) {
            return smileVol(0, x);
        }
        if (expiryMillis >= expiries[n - 1]) {
            return smileVol(n - 1, x);
        }
        int i = upperIndex(expiryMillis);
        double t = yearsBetween(asOfMillis, expiryMillis);
        double w0 = square(smileVol(i - 1, x)) * years[i - 1];
        double w1 = square(smileVol(i, x)) * years[i];
        double w = w0 + (w1 - w0) * (t - years[i - 1]) / (years[i] - years[i - 1]);
        return Math.sqrt(w / t);
    }

    /** The vol of smile {@code i} at log-moneyness {@code x}: linear between points, flat outside. */
    double smileVol(int i, double x) {
        double[] xs = logMoneyness[i];
        double[] vs = vols[i];
        if (x <= xs[0]) {
            return vs[0];
        }
        if (x >= xs[xs.length - 1]) {
            return vs[vs.length - 1];
        }
        int j = Arrays.binarySearch(xs, x);
        if (j >= 0) {
            return vs[j];
        }
        int upper = -j - 1;
        double weight = (x - xs[upper - 1]) / (xs[upper] - xs[upper - 1]);
        return vs[upper - 1] + weight * (vs[upper] - vs[upper - 1]);
    }

    /** The first expiry index whose expiry is at or after {@code expiryMillis} (callers exclude the ends). */
    private int upperIndex(long expiryMillis) {
        int i = Arrays.binarySearch(expiries, expiryMillis);
        return i >= 0 ? i : -i - 1;
    }

    /**
     * Undiscounted call prices at a smile's strikes must fall with the strike, no faster than
     * one for one, and be convex: otherwise a call spread or a butterfly pays for itself. A
     * violation smaller than {@link #ARBITRAGE_TOLERANCE} of the forward is quote rounding, not
     * arbitrage anyone can trade.
     */
    private void checkButterflies() {
        for (int i = 0; i < expiries.length; i++) {
            double forward = forwards[i];
            double tolerance = ARBITRAGE_TOLERANCE * forward;
            double[] strikes = this.strikes[i];
            int n = strikes.length;
            double[] calls = new double[n];
            for (int j = 0; j < n; j++) {
                calls[j] = Black76.price(OptionType.CALL, forward, strikes[j], years[i], vols[i][j], 0.0);
            }
            for (int j = 0; j + 1 < n; j++) {
                double drop = calls[j] - calls[j + 1];
                if (drop < -tolerance || drop > strikes[j + 1] - strikes[j] + tolerance) {
                    throw arbitrage("call spread", i, strikes[j], strikes[j + 1], calls[j], calls[j + 1]);
                }
                if (j + 2 < n) {
                    double weight = (strikes[j + 2] - strikes[j + 1]) / (strikes[j + 2] - strikes[j]);
                    double excess = calls[j + 1] - (weight * calls[j] + (1 - weight) * calls[j + 2]);
                    if (excess > tolerance) {
                        throw arbitrage("butterfly", i, strikes[j], strikes[j + 2], calls[j], calls[j + 2]);
                    }
                }
            }
        }
    }

    /** A surface refused because it offers arbitrage (as opposed to being malformed). */
    public static final class ArbitrageException extends IllegalArgumentException {
        ArbitrageException(String reason) {
            super(reason);
        }
    }

    private ArbitrageException arbitrage(String kind, int smile, double k0, double k1, double c0, double c1) {
        return new ArbitrageException("the smile of " + underlying + " for expiry " + expiries[smile]
                + " offers " + kind + " arbitrage between strikes " + round(k0) + " and " + round(k1)
                + " (call prices " + round(c0) + " and " + round(c1) + " are not decreasing and convex in strike)");
    }

    /**
     * Total variance at any log-moneyness a smile quotes must not fall from one expiry to the
     * next (by more than {@link #ARBITRAGE_TOLERANCE} of the forward in call value).
     */
    private void checkCalendar() {
        for (int i = 0; i + 1 < expiries.length; i++) {
            for (int side = 0; side < 2; side++) {
                for (double x : logMoneyness[i + side]) {
                    double before = square(smileVol(i, x)) * years[i];
                    double after = square(smileVol(i + 1, x)) * years[i + 1];
                    // The later call, per unit of forward, must not be cheaper than the earlier one.
                    double earlier = Black76.price(OptionType.CALL, 1.0, Math.exp(x), 1.0, Math.sqrt(before), 0.0);
                    double later = Black76.price(OptionType.CALL, 1.0, Math.exp(x), 1.0, Math.sqrt(after), 0.0);
                    if (later < earlier - ARBITRAGE_TOLERANCE) {
                        throw new ArbitrageException("the surface of " + underlying + " offers calendar arbitrage at"
                                + " log-moneyness " + round(x) + ": total variance falls from " + round(before)
                                + " (expiry " + expiries[i] + ") to " + round(after) + " (expiry " + expiries[i + 1] + ")");
                    }
                }
            }
        }
    }

    private static double square(double x) {
        return x * x;
    }

    private static String round(double x) {
        return String.format(java.util.Locale.ROOT, "%.6g", x);
    }
}
