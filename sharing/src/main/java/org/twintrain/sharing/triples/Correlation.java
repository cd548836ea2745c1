package org.twintrain.sharing.triples;

/**
 * One party's half of one piece of correlated randomness: the parts listed for its kind in {@link
 * TripleSource#take}. toString never prints the values.
 */
public record Correlation(TripleKey key, long[][] parts) {

    public long[] part(int i) {
        return parts[i];
    }

    @Override
    public String toString() {
        return "Correlation[" + key.id() + "]";
    }
}
