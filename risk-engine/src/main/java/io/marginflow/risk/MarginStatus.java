package io.marginflow.risk;

/** Where an account's equity stands against its requirements. */
public enum MarginStatus {
    /** Equity covers initial margin. */
    NORMAL,
    /** Equity is below initial margin but at or above maintenance margin. */
    MARGIN_CALL,
    /** Equity is below maintenance margin. */
    LIQUIDATION;

    public static MarginStatus of(double equity, double initialMargin, double maintenanceMargin) {
        if (equity >= initialMargin) {
            return NORMAL;
        }
        return equity >= maintenanceMargin ? MARGIN_CALL : LIQUIDATION;
    }
}
