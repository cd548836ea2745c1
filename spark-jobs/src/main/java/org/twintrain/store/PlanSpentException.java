package org.twintrain.store;

/**
 * A run refused because its stored triples are held by another run ({@link PlanClaim}). Not retryable: another
 * attempt would be refused the same way.
 */
public final class PlanSpentException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public PlanSpentException(String message) {
        super(message);
    }
}
