package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * Entrywise max(a, b) = a + [a - b &lt; 0] (b - a): one comparison, whose B2A shares its round with the exact
 * product by the bit ({@link B2A#multiply}): 8 rounds. a - b must not wrap (|a|, |b| &lt; 2^62 in the ring).
 */
public final class Max {
    /** Rounds of {@link #max}. */
    public static final int ROUNDS = LessThanZero.ROUNDS + 1;

    private Max() {
    }

    public static LongMatrix max(ProtocolContext ctx, LongMatrix a, LongMatrix b) {
        return max(ctx, a, b, 64);
    }

    /** The same with the sign circuit at the given width (a - b within +-2^(width-1) ring units). */
    public static LongMatrix max(ProtocolContext ctx, LongMatrix a, LongMatrix b, int width) {
        return a.add(B2A.multiply(ctx, LessThanZero.bits(ctx, a.sub(b), width), b.sub(a))[0]);
    }
}
