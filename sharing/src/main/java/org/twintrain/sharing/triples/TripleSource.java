package org.twintrain.sharing.triples;

import java.util.Collection;

/**
 * One party's supply of correlated randomness (the offline phase's output), keyed by {@link TripleKey}.
 *
 * <p>Call order: {@link #reserve} (optional: announce the keys a run will take, so that a stored source can
 * check up front that it holds them all and a dealer can generate ahead), then {@link #take} for each key,
 * each key at most once, then {@link #close}. Taking a key twice is an error ({@link TripleReuseException}),
 * and so is taking one that a stored source does not hold ({@link MissingTripleException}).
 */
public interface TripleSource extends AutoCloseable {

    /** 0 or 1: which half this source hands out. */
    int party();

    /** Checks (and may prepare) the keys a run will take; throws {@link MissingTripleException} if any is missing. */
    void reserve(Collection<TripleKey> keys);

    /**
     * This party's half of the randomness for key. Layout by kind: MUL {a, b, c}; SQUARE {a, a^2}; MATMUL {U
     * (m*k), V (k*n), Z (m*n)}; AND {a, b, c} as XOR shares of 64-bit words; TRUNC {r, (r mod 2^63) >> f, r >>> 63} (r uniform in Z_2^64, see {@link Dealer}); BIT {b as XOR
     * share in bit 0, b as arithmetic share}.
     */
    Correlation take(TripleKey key);

    /** Keys taken so far, in order (the ledger of a run). */
    java.util.List<TripleKey> consumed();

    @Override
    void close();
}
