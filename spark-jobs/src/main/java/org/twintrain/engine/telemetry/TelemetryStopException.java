package org.twintrain.engine.telemetry;

/**
 * A training run stopped by its telemetry ({@code train.telemetry.action = stop}): names the step, the layer (or
 * "truncation failures") and the revealed count, never a value. Thrown on both parties at the same step, before
 * that step's backward pass and update, so the model holds the weights of the step before.
 */
public final class TelemetryStopException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long step;
    private final String layer;
    private final long count;

    public TelemetryStopException(String message, long step, String layer, long count) {
        super(message);
        this.step = step;
        this.layer = layer;
        this.count = count;
    }

    public long step() {
        return step;
    }

    /** The layer whose count crossed the threshold, or null for the step's truncation failures. */
    public String layer() {
        return layer;
    }

    public long count() {
        return count;
    }
}
