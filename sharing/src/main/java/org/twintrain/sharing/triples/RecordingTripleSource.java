package org.twintrain.sharing.triples;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Wraps a source and logs every key taken, in order: the dry run that records a {@link TriplePlan}. Hands out
 * the wrapped source's halves unchanged, so the recorded program runs exactly as it would for real.
 */
public final class RecordingTripleSource implements TripleSource {
    private final TripleSource inner;
    private final List<TripleKey> recorded = new ArrayList<>();

    public RecordingTripleSource(TripleSource inner) {
        this.inner = inner;
    }

    @Override
    public int party() {
        return inner.party();
    }

    @Override
    public void reserve(Collection<TripleKey> keys) {
        inner.reserve(keys);
    }

    @Override
    public synchronized Correlation take(TripleKey key) {
        Correlation c = inner.take(key);
        recorded.add(key);
        return c;
    }

    /** The keys taken so far, in order. */
    public synchronized List<TripleKey> recorded() {
        return List.copyOf(recorded);
    }

    @Override
    public List<TripleKey> consumed() {
        return inner.consumed();
    }

    @Override
    public void close() {
        inner.close();
    }
}
