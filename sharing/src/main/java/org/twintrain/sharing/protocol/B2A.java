package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Boolean to arithmetic sharing of bits with a BIT correlation (a random bit r shared both ways): open
 * c = b ^ r (bits packed 64 to a word: one round, n/8 bytes each way), then b = c ^ r = c + r - 2cr, which is
 * linear in the arithmetic share of r. The result is the integer 0 or 1, not a fixed-point number.
 *
 * <p>{@link #multiply} also returns b * y in that same round: y * r does not depend on c, so its Beaver
 * product is opened together with c, and b * y = c y + (1 - 2c)(y r) is linear once c is public. This is how
 * ReLU, select after a comparison and max save a round.
 */
public final class B2A {
    private B2A() {
    }

    /** The bits as arithmetic 0/1 integer shares of shape rows x cols; one round. */
    public static LongMatrix convert(ProtocolContext ctx, SharedBits bits, int rows, int cols) {
        requireShape(bits, rows, cols);
        Correlation t = ctx.take(TripleKey.Kind.BIT, bits.count());
        long[] c = Open.openXor(ctx, mask(bits, t))[0];
        return arithmetic(ctx, bits.count(), c, t.part(1), rows, cols);
    }

    /** {b * y, b} with b the bits as arithmetic 0/1 integers (shape of y); one round for both. */
    public static LongMatrix[] multiply(ProtocolContext ctx, SharedBits bits, LongMatrix y) {
        requireShape(bits, y.rows(), y.cols());
        int n = bits.count();
        Correlation t = ctx.take(TripleKey.Kind.BIT, n);
        LongMatrix r = new LongMatrix(y.rows(), y.cols(), t.part(1));
        BeaverMul.Pending yr = BeaverMul.prepare(ctx, new LongMatrix[] {y}, new LongMatrix[] {r});
        long[] masked = mask(bits, t);
        long[] theirs = ctx.exchange(Open.concat(masked, yr.masked()));
        long[] c = new long[masked.length];
        for (int w = 0; w < c.length; w++) {
            c[w] = masked[w] ^ theirs[w];
        }
        long[] theirProduct = new long[theirs.length - c.length];
        System.arraycopy(theirs, c.length, theirProduct, 0, theirProduct.length);
        long[] yrShare = yr.finish(theirProduct)[0].data();
        long[] yd = y.data(), out = new long[n];
        for (int e = 0; e < n; e++) {
            long ce = bitAt(c, e);
            out[e] = ce * yd[e] + (1 - 2 * ce) * yrShare[e];
        }
        return new LongMatrix[] {new LongMatrix(y.rows(), y.cols(), out), arithmetic(ctx, n, c, t.part(1), y.rows(), y.cols())};
    }

    /** This party's share of c = b ^ r, packed. */
    private static long[] mask(SharedBits bits, Correlation t) {
        long[] rXor = t.part(0);
        long[] masked = bits.words().clone();
        for (int e = 0; e < bits.count(); e++) {
            masked[e >>> 6] ^= (rXor[e] & 1L) << (e & 63);
        }
        return masked;
    }

    /** b = c + r - 2cr from the public c and this party's arithmetic share of r. */
    private static LongMatrix arithmetic(ProtocolContext ctx, int n, long[] c, long[] rArith, int rows, int cols) {
        boolean zero = ctx.isParty0();
        long[] out = new long[n];
        for (int e = 0; e < n; e++) {
            long ce = bitAt(c, e);
            out[e] = (zero ? ce : 0L) + (1 - 2 * ce) * rArith[e];
        }
        return new LongMatrix(rows, cols, out);
    }

    private static long bitAt(long[] words, int e) {
        return (words[e >>> 6] >>> (e & 63)) & 1L;
    }

    private static void requireShape(SharedBits bits, int rows, int cols) {
        if ((long) rows * cols != bits.count()) {
            throw new IllegalArgumentException(bits.count() + " bits do not fit shape " + rows + "x" + cols);
        }
    }
}
