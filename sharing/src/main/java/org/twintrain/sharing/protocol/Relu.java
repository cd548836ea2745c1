package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * max(0, x) and its derivative bit from one comparison: with n = [x &lt; 0] as XOR-shared bits, relu =
 * x - n x and positive = 1 - n (an integer bit, so 1 at x = 0, like the cleartext backends). The product n x
 * and the B2A of n share one round ({@link B2A#multiply}), and the product by an integer bit is exact (no
 * truncation): 8 rounds, 7 for the sign and 1 for both.
 */
public final class Relu {
    /** Rounds of {@link #reluWithDerivative}. */
    public static final int ROUNDS = LessThanZero.ROUNDS + 1;

    private Relu() {
    }

    /** {relu(x) (same encoding as x), positive bit as 0/1 integer shares}. */
    public static LongMatrix[] reluWithDerivative(ProtocolContext ctx, LongMatrix x) {
        return reluWithDerivative(ctx, x, 64);
    }

    /** The same with the sign circuit at the given width (x within +-2^(width-1) ring units). */
    public static LongMatrix[] reluWithDerivative(ProtocolContext ctx, LongMatrix x, int width) {
        LongMatrix[] negative = B2A.multiply(ctx, LessThanZero.bits(ctx, x, width), x);
        return new LongMatrix[] {x.sub(negative[0]), oneMinus(ctx, negative[1])};
    }

    /** 1 - bit for integer bit shares (party 0 adds the public 1). */
    public static LongMatrix oneMinus(ProtocolContext ctx, LongMatrix bit) {
        long[] d = bit.data(), out = new long[d.length];
        long one = ctx.isParty0() ? 1L : 0L;
        for (int i = 0; i < d.length; i++) {
            out[i] = one - d[i];
        }
        return new LongMatrix(bit.rows(), bit.cols(), out);
    }
}
