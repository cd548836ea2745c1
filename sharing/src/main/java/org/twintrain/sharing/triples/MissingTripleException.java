package org.twintrain.sharing.triples;

/** The source does not hold the randomness a run asks for (too few triples, or triples for another plan). */
public class MissingTripleException extends IllegalStateException {
    public MissingTripleException(String message) {
        super(message);
    }
}
