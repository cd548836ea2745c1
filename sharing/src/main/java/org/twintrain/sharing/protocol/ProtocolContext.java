package org.twintrain.sharing.protocol;

import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TripleSource;

/**
 * What one party's protocols run on: its party id (0 or 1), the channel to the peer, its triple source, the
 * fixed-point parameters and the key scope that numbers its operations. Every protocol call must be made by
 * both parties, in the same order, with the same shapes.
 */
public final class ProtocolContext {
    private final int party;
    private final Channel channel;
    private final TripleSource triples;
    private final FixedPoint fixedPoint;
    private final KeyScope scope = new KeyScope();

    public ProtocolContext(int party, Channel channel, TripleSource triples, FixedPoint fixedPoint) {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party must be 0 or 1, got " + party);
        }
        if (triples.party() != party) {
            throw new IllegalArgumentException("triple source of party " + triples.party()
                    + " given to party " + party);
        }
        this.party = party;
        this.channel = channel;
        this.triples = triples;
        this.fixedPoint = fixedPoint;
    }

    public int party() {
        return party;
    }

    public boolean isParty0() {
        return party == 0;
    }

    public Channel channel() {
        return channel;
    }

    public TripleSource triples() {
        return triples;
    }

    public FixedPoint fixedPoint() {
        return fixedPoint;
    }

    public KeyScope scope() {
        return scope;
    }

    /** Draws the next key of the scope and takes this party's half of it. */
    public Correlation take(TripleKey.Kind kind, int... shape) {
        return triples.take(scope.next(kind, shape));
    }

    /** One round: sends mine, returns the peer's words. */
    public long[] exchange(long[] mine) {
        return channel.exchange(mine);
    }

    @Override
    public String toString() {
        return "ProtocolContext[party " + party + ", peer " + channel.peerName() + ", " + scope + "]";
    }
}
