package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * bit ? ifOne : ifZero for an arithmetic 0/1 integer bit: ifZero + bit * (ifOne - ifZero). The product with
 * an integer bit is exact, so there is no truncation: one Beaver round, 16 bytes per entry each way.
 */
public final class Select {
    private Select() {
    }

    public static LongMatrix select(ProtocolContext ctx, LongMatrix bit, LongMatrix ifOne, LongMatrix ifZero) {
        return ifZero.add(BeaverMul.mul(ctx, bit, ifOne.sub(ifZero)));
    }
}
