package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Boolean to arithmetic sharing of bits with a BIT correlation (a random bit r shared both ways): open
 * c = b ^ r (bits packed 64 to a word: one round, n/8 bytes each way), then b = c ^ r = c + r - 2cr, which is
 * linear in the arithmetic share of r. The result is the integer 0 or 1, not a fixed-point number.
 */
public final class B2A {
    private B2A() {
    }

    public static LongMatrix convert(ProtocolContext ctx, SharedBits bits, int rows, int cols) {
        int n = bits.count();
        if ((long) rows * cols != n) {
            throw new IllegalArgumentException(n + " bits do not fit shape " + rows + "x" + cols);
        }
        Correlation t = ctx.take(TripleKey.Kind.BIT, n);
        long[] rXor = t.part(0), rArith = t.part(1);
        long[] masked = bits.words().clone();
        for (int e = 0; e < n; e++) {
            masked[e >>> 6] ^= (rXor[e] & 1L) << (e & 63);
        }
        long[] c = Open.openXor(ctx, masked)[0];
        boolean zero = ctx.isParty0();
        long[] out = new long[n];
        for (int e = 0; e < n; e++) {
            long ce = (c[e >>> 6] >>> (e & 63)) & 1L;
            out[e] = (zero ? ce : 0L) + (1 - 2 * ce) * rArith[e];
        }
        return new LongMatrix(rows, cols, out);
    }
}
