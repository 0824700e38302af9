package io.marginflow.audit;

/**
 * The audit was pointed at something the cluster does not have (a topic, a journal partition):
 * the user's to mend, named in the message.
 */
public final class AuditMistake extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public AuditMistake(String message) {
        super(message);
    }
}
