package io.marginflow.engine;

import io.marginflow.risk.InstrumentSpec;
import io.marginflow.risk.Market;
import java.util.Optional;

/** Whether a fill's instrument can be traded on a market: one rule for the engine and for what-ifs. */
final class FillChecks {

    /** Why a fill is refused: its dead-letter error class and reason. */
    record Refusal(String errorClass, String reason) {}

    private FillChecks() {}

    /**
     * Why a fill for {@code instrument} cannot be applied on {@code market}, if it cannot:
     * {@code UNKNOWN_INSTRUMENT}, {@code EXPIRED_INSTRUMENT} or {@code UNPRICED_UNDERLYING};
     * {@code subject} names the fill in the reason ("fill F-1").
     */
    static Optional<Refusal> untradeable(Market market, String instrument, String subject) {
        Optional<InstrumentSpec> spec = market.instrument(instrument);
        if (spec.isEmpty()) {
            return Optional.of(new Refusal("UNKNOWN_INSTRUMENT", subject + " is for instrument " + instrument + ", which "
                    + MarginEngineTopology.INSTRUMENTS + " does not define"));
        }
        if (!spec.get().active()) {
            return Optional.of(new Refusal("EXPIRED_INSTRUMENT", subject + " is for instrument " + instrument
                    + ", which has expired"));
        }
        return market.whyUnpriceable(spec.get()).map(why -> new Refusal("UNPRICED_UNDERLYING", subject + ": " + why
                + "; publish the underlying's index price (or surface) before its options trade"));
    }
}
