package org.twintrain.sharing.triples;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * An in-process dealer as a {@link TripleSource}: the party derives its half of each key on {@link #take}
 * from the dealer seed. Both parties holding the dealer seed means either could compute the other's half,
 * so this source is for tests, the demo and single-process emulation only, never for a real two-server run
 * (there, server 0 keeps {@link Dealer#party0Seed()} and server 1 its materialized halves, made offline).
 *
 * <p>It keeps the ledger of taken keys and refuses a second take of a key with {@link
 * TripleReuseException}. {@link #reserve} has nothing to check (a dealer can derive any key) and only
 * refuses keys already consumed. Thread-safe.
 */
public final class DealerTripleSource implements TripleSource {
    private final int party;
    private final Dealer dealer;
    private final Set<TripleKey> taken = new HashSet<>();
    private final List<TripleKey> ledger = new ArrayList<>();
    private boolean closed;

    public DealerTripleSource(int party, byte[] dealerSeed, FixedPoint fixedPoint) {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party must be 0 or 1, got " + party);
        }
        this.party = party;
        this.dealer = new Dealer(dealerSeed, fixedPoint);
    }

    @Override
    public int party() {
        return party;
    }

    @Override
    public synchronized void reserve(Collection<TripleKey> keys) {
        ensureOpen();
        for (TripleKey key : keys) {
            if (taken.contains(key)) {
                throw new TripleReuseException(key);
            }
        }
    }

    @Override
    public Correlation take(TripleKey key) {
        synchronized (this) {
            ensureOpen();
            if (!taken.add(key)) {
                throw new TripleReuseException(key);
            }
            ledger.add(key);
        }
        return dealer.half(party, key);
    }

    @Override
    public synchronized List<TripleKey> consumed() {
        return List.copyOf(ledger);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("triple source of party " + party + " is closed");
        }
    }
}
