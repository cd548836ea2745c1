package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/** Entrywise max(a, b) = [a - b &lt; 0] ? b : a: one comparison and one select, 9 rounds. */
public final class Max {
    private Max() {
    }

    public static LongMatrix max(ProtocolContext ctx, LongMatrix a, LongMatrix b) {
        LongMatrix aBelow = LessThanZero.arithmetic(ctx, a.sub(b));
        return Select.select(ctx, aBelow, b, a);
    }
}
