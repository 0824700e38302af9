package io.marginflow.config;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * The sane ranges every input record must lie within to enter the journal (configuration keys
 * {@code sequencer.*}). They are chosen so that any one record fits the journal and every output
 * derived from it: quantities and amounts far inside the contract's decimal(38,18) (whose
 * integer part ends below 1e20), a fill's value |quantity| × price × multiplier at most
 * {@code maxFillNotional} × {@code maxContractMultiplier} (1e12 × 1e4 = 1e16 USD by default),
 * lists and text short enough that a journal entry stays far below Kafka's default 1 MB record
 * limit. What a record alone cannot bound (a position
 * built from many fills, a price that moves a huge position) is the engine's check
 * ({@code OUT_OF_RANGE}, per account).
 *
 * @param maxIdLength longest id, asset name or key, in characters
 * @param minPrice smallest price, strike, forward or tick size (USD per unit); smaller is not a
 *        price anyone quotes, and makes option valuation meaningless
 * @param maxPrice largest price, strike or forward (USD per unit)
 * @param maxQuantity largest |quantity| of a fill, in contracts
 * @param maxAmount largest |amount| of a collateral movement, and |fee| of a fill
 * @param maxFillNotional largest |quantity| × price of a fill (USD per unit of contract multiplier)
 * @param maxContractMultiplier largest contract multiplier of an instrument
 * @param maxImpliedVol largest implied volatility on a surface (10 = 1,000%)
 * @param maxSmiles most expiries on a surface
 * @param maxSmilePoints most strikes in one smile
 * @param maxListLength most extreme moves, and most collateral haircuts, in a parameter set
 * @param maxSnapshotMarks most marks in a market snapshot
 * @param earliestTime earliest event time, expiry or effective time
 * @param latestTime latest event time, expiry or effective time (exclusive)
 * @param maxFutureMillis how far an event time may lie after its record's Kafka timestamp: a
 *        record cannot describe an event after it was published, beyond clock skew (parameter
 *        sets are exempt: their effective time may lie ahead)
 */
public record InputBounds(
        int maxIdLength,
        double minPrice,
        double maxPrice,
        BigDecimal maxQuantity,
        BigDecimal maxAmount,
        double maxFillNotional,
        BigDecimal maxContractMultiplier,
        double maxImpliedVol,
        int maxSmiles,
        int maxSmilePoints,
        int maxListLength,
        int maxSnapshotMarks,
        Instant earliestTime,
        Instant latestTime,
        long maxFutureMillis) {

    /** The largest magnitude the contract's decimal(38,18) carries: 38 digits, 18 after the point. */
    public static final BigDecimal CONTRACT_DECIMAL_LIMIT = new BigDecimal("1E20");

    /** The defaults of {@code marginflow-defaults.properties}. */
    public static final InputBounds DEFAULT = new InputBounds(256, 1e-8, 1e9, new BigDecimal("1E15"),
            new BigDecimal("1E15"), 1e12, new BigDecimal("1E4"), 10.0, 64, 256, 64, 4_096,
            Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"), 300_000L);

    public InputBounds {
        Objects.requireNonNull(maxQuantity, "maxQuantity");
        Objects.requireNonNull(maxAmount, "maxAmount");
        Objects.requireNonNull(maxContractMultiplier, "maxContractMultiplier");
        Objects.requireNonNull(earliestTime, "earliestTime");
        Objects.requireNonNull(latestTime, "latestTime");
        if (maxIdLength < 1 || maxSmiles < 1 || maxSmilePoints < 1 || maxListLength < 0 || maxSnapshotMarks < 1
                || maxFutureMillis < 0) {
            throw new IllegalArgumentException("lengths, counts and the future allowance must be positive");
        }
        if (!(minPrice > 0.0 && minPrice < maxPrice && Double.isFinite(maxPrice))) {
            throw new IllegalArgumentException("prices need 0 < min < max < infinity: " + minPrice + ", " + maxPrice);
        }
        if (!(maxFillNotional > 0.0 && Double.isFinite(maxFillNotional) && maxImpliedVol > 0.0
                && Double.isFinite(maxImpliedVol))) {
            throw new IllegalArgumentException("the fill notional and implied vol limits must be finite and positive");
        }
        for (BigDecimal limit : new BigDecimal[] {maxQuantity, maxAmount, maxContractMultiplier}) {
            if (limit.signum() <= 0 || limit.compareTo(CONTRACT_DECIMAL_LIMIT) >= 0) {
                throw new IllegalArgumentException("quantity, amount and multiplier limits must lie in (0, 1e20): " + limit);
            }
        }
        if (earliestTime.toEpochMilli() < 0 || !earliestTime.isBefore(latestTime)) {
            throw new IllegalArgumentException("times need 1970 ≤ earliest < latest: " + earliestTime + ", " + latestTime);
        }
    }
}
