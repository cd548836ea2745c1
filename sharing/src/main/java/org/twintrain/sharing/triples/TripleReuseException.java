package org.twintrain.sharing.triples;

/** A triple key was taken a second time in one run. */
public class TripleReuseException extends IllegalStateException {
    public TripleReuseException(TripleKey key) {
        super("triple " + key.id() + " was already consumed in this run; a triple may mask only one opening");
    }

    /** A second take of key, with where the first one is recorded (e.g. a ledger of an earlier run). */
    public TripleReuseException(TripleKey key, String detail) {
        super("triple " + key.id() + " was already consumed: " + detail + "; a triple may mask only one opening");
    }
}
