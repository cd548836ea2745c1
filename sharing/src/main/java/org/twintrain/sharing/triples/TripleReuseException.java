package org.twintrain.sharing.triples;

/** A triple key was taken a second time in one run. */
public class TripleReuseException extends IllegalStateException {
    public TripleReuseException(TripleKey key) {
        super("triple " + key.id() + " was already consumed in this run; a triple may mask only one opening");
    }
}
