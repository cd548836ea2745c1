package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Elementwise products of additive shares with Beaver triples (a, b, c = ab). With E = x - a and F = y - b
 * opened, xy = c + E b + F a + E F, where only party 0 adds the public E F. All pairs of one call share one
 * triple key and ONE exchange carrying every E and F: one round, 16 bytes per product each way.
 *
 * <p>The result is the exact ring product (no truncation): fixed-point callers truncate it with {@link
 * Truncation}; multiplying by an integer share such as a 0/1 bit needs no truncation.
 */
public final class BeaverMul {
    private BeaverMul() {
    }

    /** x * y entrywise over Z_2^64. */
    public static LongMatrix mul(ProtocolContext ctx, LongMatrix x, LongMatrix y) {
        return mul(ctx, new LongMatrix[] {x}, new LongMatrix[] {y})[0];
    }

    /** xs[i] * ys[i] entrywise for every i, in one round. */
    public static LongMatrix[] mul(ProtocolContext ctx, LongMatrix[] xs, LongMatrix[] ys) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("batched product of " + xs.length + " by " + ys.length + " matrices");
        }
        int total = 0;
        for (int i = 0; i < xs.length; i++) {
            xs[i].requireSameShape(ys[i]);
            total = Math.addExact(total, xs[i].size());
        }
        Correlation t = ctx.take(TripleKey.Kind.MUL, total);
        long[] a = t.part(0), b = t.part(1), c = t.part(2);
        long[] ef = new long[2 * total];
        int at = 0;
        for (LongMatrix x : xs) {
            long[] xd = x.data();
            for (int j = 0; j < xd.length; j++, at++) {
                ef[at] = xd[j] - a[at];
            }
        }
        at = 0;
        for (LongMatrix y : ys) {
            long[] yd = y.data();
            for (int j = 0; j < yd.length; j++, at++) {
                ef[total + at] = yd[j] - b[at];
            }
        }
        long[] theirs = ctx.exchange(ef);
        boolean zero = ctx.isParty0();
        LongMatrix[] out = new LongMatrix[xs.length];
        at = 0;
        for (int i = 0; i < xs.length; i++) {
            long[] z = new long[xs[i].size()];
            for (int j = 0; j < z.length; j++, at++) {
                long e = ef[at] + theirs[at];
                long f = ef[total + at] + theirs[total + at];
                z[j] = c[at] + e * b[at] + f * a[at] + (zero ? e * f : 0L);
            }
            out[i] = new LongMatrix(xs[i].rows(), xs[i].cols(), z);
        }
        return out;
    }
}
