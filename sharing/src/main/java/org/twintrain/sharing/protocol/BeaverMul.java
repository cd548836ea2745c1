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
 * Truncation}; multiplying by an integer share such as a 0/1 bit needs no truncation. {@link #prepare} and
 * {@link Pending#finish} split the protocol around its exchange, so that another protocol can send its own
 * openings in the same round ({@link B2A#multiply}).
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
        Pending p = prepare(ctx, xs, ys);
        return p.finish(ctx.exchange(p.masked()));
    }

    /** Takes the triple and masks the operands; the caller sends {@link Pending#masked} in its next exchange. */
    public static Pending prepare(ProtocolContext ctx, LongMatrix[] xs, LongMatrix[] ys) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("batched product of " + xs.length + " by " + ys.length + " matrices");
        }
        int total = 0;
        for (int i = 0; i < xs.length; i++) {
            xs[i].requireSameShape(ys[i]);
            total = Math.addExact(total, xs[i].size());
        }
        Correlation t = ctx.take(TripleKey.Kind.MUL, total);
        long[] a = t.part(0), b = t.part(1);
        long[] ef = new long[2 * total];
        int at = 0;
        for (LongMatrix x : xs) {
            for (long v : x.data()) {
                ef[at] = v - a[at];
                at++;
            }
        }
        at = 0;
        for (LongMatrix y : ys) {
            for (long v : y.data()) {
                ef[total + at] = v - b[at];
                at++;
            }
        }
        return new Pending(ctx.isParty0(), xs, t, ef);
    }

    /** A product waiting for the peer's masked operands. */
    public static final class Pending {
        private final boolean party0;
        private final LongMatrix[] shapes;
        private final Correlation triple;
        private final long[] ef;

        private Pending(boolean party0, LongMatrix[] shapes, Correlation triple, long[] ef) {
            this.party0 = party0;
            this.shapes = shapes;
            this.triple = triple;
            this.ef = ef;
        }

        /** This party's E and F, all E first: 2 words per product. */
        public long[] masked() {
            return ef;
        }

        /** The products' shares, given the peer's {@link #masked} words. */
        public LongMatrix[] finish(long[] theirs) {
            long[] a = triple.part(0), b = triple.part(1), c = triple.part(2);
            int total = ef.length / 2;
            LongMatrix[] out = new LongMatrix[shapes.length];
            int at = 0;
            for (int i = 0; i < shapes.length; i++) {
                long[] z = new long[shapes[i].size()];
                for (int j = 0; j < z.length; j++, at++) {
                    long e = ef[at] + theirs[at];
                    long f = ef[total + at] + theirs[total + at];
                    z[j] = c[at] + e * b[at] + f * a[at] + (party0 ? e * f : 0L);
                }
                out[i] = new LongMatrix(shapes[i].rows(), shapes[i].cols(), z);
            }
            return out;
        }
    }
}
