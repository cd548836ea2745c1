package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * bit ? ifOne : ifZero: ifZero + bit * (ifOne - ifZero). The product with an integer bit is exact, so there
 * is no truncation. For an arithmetic 0/1 bit: one Beaver round, 16 bytes per entry each way; for XOR-shared
 * bits straight from a comparison the B2A rides in that same round.
 */
public final class Select {
    private Select() {
    }

    /** For arithmetic 0/1 integer bit shares. */
    public static LongMatrix select(ProtocolContext ctx, LongMatrix bit, LongMatrix ifOne, LongMatrix ifZero) {
        return ifZero.add(BeaverMul.mul(ctx, bit, ifOne.sub(ifZero)));
    }

    /** For XOR-shared bits (e.g. {@link LessThanZero#bits}); one round including the B2A. */
    public static LongMatrix select(ProtocolContext ctx, SharedBits bits, LongMatrix ifOne, LongMatrix ifZero) {
        return ifZero.add(B2A.multiply(ctx, bits, ifOne.sub(ifZero))[0]);
    }
}
