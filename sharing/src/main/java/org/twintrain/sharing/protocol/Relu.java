package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * max(0, x) and its derivative bit from one comparison: positive = 1 - [x &lt; 0] (an integer bit, so 1 at
 * x = 0, like the cleartext backends), relu = positive * x without truncation. 9 rounds: 7 for the sign,
 * 1 for B2A, 1 for the product.
 */
public final class Relu {
    private Relu() {
    }

    /** {relu(x) (same encoding as x), positive bit as 0/1 integer shares}. */
    public static LongMatrix[] reluWithDerivative(ProtocolContext ctx, LongMatrix x) {
        LongMatrix negative = LessThanZero.arithmetic(ctx, x);
        LongMatrix positive = oneMinus(ctx, negative);
        return new LongMatrix[] {BeaverMul.mul(ctx, positive, x), positive};
    }

    /** 1 - bit for integer bit shares (party 0 adds the public 1). */
    static LongMatrix oneMinus(ProtocolContext ctx, LongMatrix bit) {
        long[] d = bit.data(), out = new long[d.length];
        long one = ctx.isParty0() ? 1L : 0L;
        for (int i = 0; i < d.length; i++) {
            out[i] = one - d[i];
        }
        return new LongMatrix(bit.rows(), bit.cols(), out);
    }
}
