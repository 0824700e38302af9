package io.marginflow.risk;

/**
 * How implied volatility moves in the scenarios of an underlying. Each core price point is
 * combined with a vol-up and a vol-down scenario (and, if {@link #unchangedScenarios}, one with
 * vol unchanged); extreme moves keep vol unchanged, as in CME SPAN's scenarios 15 and 16.
 *
 * <p>Shorter expiries move more: for an option with {@code d} days to expiry the relative shock
 * is the nominal shock × (30 / d)^p, {@code p} = {@link #expiryExponent}, with {@code d} counted
 * as at least one day. A scaled fall is capped at {@link #MAX_FALL}, so a shocked vol stays
 * positive.
 *
 * @param shockUp nominal relative rise of implied vol (0.3: every vol rises by 30% of itself), not negative
 * @param shockDown nominal relative fall of implied vol, in [0, 1)
 * @param expiryExponent exponent p of the expiry scaling; 0 shocks every expiry alike
 * @param unchangedScenarios whether each price point also has a vol-unchanged scenario
 */
public record VolatilityScan(double shockUp, double shockDown, double expiryExponent, boolean unchangedScenarios) {

    /** No volatility scenarios: price moves only (enough for futures and perpetual swaps). */
    public static final VolatilityScan NONE = new VolatilityScan(0.0, 0.0, 0.0, true);

    /** The largest relative fall of a vol after expiry scaling. */
    public static final double MAX_FALL = 0.9;

    private static final double DAYS_PER_YEAR = 365.0;

    public VolatilityScan {
        if (!(shockUp >= 0.0) || !Double.isFinite(shockUp)) {
            throw new IllegalArgumentException("vol shock up must be finite and not negative: " + shockUp);
        }
        if (!(shockDown >= 0.0 && shockDown < 1.0)) {
            throw new IllegalArgumentException("vol shock down must be in [0, 1): " + shockDown);
        }
        if (!(expiryExponent >= 0.0 && expiryExponent <= 2.0)) {
            throw new IllegalArgumentException("vol shock expiry exponent must be in [0, 2]: " + expiryExponent);
        }
    }

    /**
     * The vol directions each core price point is scanned with, in scenario order: +1 up, 0
     * unchanged, -1 down. A direction whose shock is 0 would repeat the unchanged scenario and
     * is left out.
     */
    int[] directions() {
        boolean up = shockUp > 0.0;
        boolean down = shockDown > 0.0;
        boolean unchanged = unchangedScenarios || (!up && !down);
        int[] directions = new int[(up ? 1 : 0) + (unchanged ? 1 : 0) + (down ? 1 : 0)];
        int d = 0;
        if (up) {
            directions[d++] = 1;
        }
        if (unchanged) {
            directions[d++] = 0;
        }
        if (down) {
            directions[d] = -1;
        }
        return directions;
    }

    /** The nominal relative vol shock of a direction: +shockUp, 0 or -shockDown. */
    public double nominalShock(int direction) {
        return direction > 0 ? shockUp : direction < 0 ? -shockDown : 0.0;
    }

    /** The relative vol shock of a direction for an option {@code years} from expiry. */
    public double shock(int direction, double years) {
        if (direction == 0 || expiryExponent == 0.0) {
            return direction < 0 ? -Math.min(shockDown, MAX_FALL) : nominalShock(direction);
        }
        double days = Math.max(years * DAYS_PER_YEAR, 1.0);
        double scale = Math.pow(30.0 / days, expiryExponent);
        return direction > 0 ? shockUp * scale : -Math.min(shockDown * scale, MAX_FALL);
    }
}
