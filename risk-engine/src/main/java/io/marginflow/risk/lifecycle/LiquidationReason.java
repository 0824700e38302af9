package io.marginflow.risk.lifecycle;

/** Why an account is being liquidated. */
public enum LiquidationReason {
    /** Equity fell below maintenance margin. */
    MAINTENANCE_BREACH,
    /** A margin call's deadline passed while equity was still below initial margin. */
    CALL_EXPIRED
}
