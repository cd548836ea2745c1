package org.twintrain.sharing.protocol;

import org.twintrain.sharing.triples.TripleKey;

/**
 * Numbers the triple keys of one party: a scope (epoch, step, layer) set by the caller, and an operation
 * counter that every key drawn in the scope advances. Both parties run the same program, so they draw the
 * same keys in the same order, and a retried task that re-enters the scope finds the same keys again.
 * Not thread-safe: one scope per party thread.
 */
public final class KeyScope {
    private long epoch = -1;
    private long step;
    private String layer = "main";
    private int op;

    /** Starts a scope; the operation counter restarts at 0. */
    public void begin(long epoch, long step, String layer) {
        if (layer == null || layer.isEmpty() || layer.indexOf('/') >= 0) {
            throw new IllegalArgumentException("scope layer name must be non-empty and contain no '/'");
        }
        this.epoch = epoch;
        this.step = step;
        this.layer = layer;
        this.op = 0;
    }

    /** The next key of this scope. */
    public TripleKey next(TripleKey.Kind kind, int... shape) {
        return new TripleKey(epoch, step, layer, op++, kind, shape);
    }

    /** The current scope's layer name (never a secret). */
    public String layer() {
        return layer;
    }

    /** Operations numbered so far in this scope. */
    public int operations() {
        return op;
    }

    @Override
    public String toString() {
        return "KeyScope[" + epoch + "/" + step + "/" + layer + " op=" + op + "]";
    }
}
