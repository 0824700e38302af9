package io.marginflow.risk.options;

/** A European call or put. */
public enum OptionType { CALL, PUT }
