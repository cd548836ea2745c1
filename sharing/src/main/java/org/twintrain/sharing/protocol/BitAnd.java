package org.twintrain.sharing.protocol;

import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * AND of XOR-shared words with AND triples (a, b, c = a &amp; b): open d = x ^ a and e = y ^ b, then
 * x &amp; y = c ^ (d &amp; b) ^ (e &amp; a) ^ (d &amp; e), the last term added by party 0 only. Any number of word
 * vectors go through one triple key and ONE exchange: one round, 16 bytes per 64 AND gates each way.
 */
public final class BitAnd {
    private BitAnd() {
    }

    /** xs[i] &amp; ys[i] wordwise for every i, in one round. */
    public static long[][] and(ProtocolContext ctx, long[][] xs, long[][] ys) {
        long[] x = Open.concat(xs), y = Open.concat(ys);
        if (x.length != y.length) {
            throw new IllegalArgumentException("AND of " + x.length + " by " + y.length + " words");
        }
        int n = x.length;
        Correlation t = ctx.take(TripleKey.Kind.AND, n);
        long[] a = t.part(0), b = t.part(1), c = t.part(2);
        long[] de = new long[2 * n];
        for (int i = 0; i < n; i++) {
            de[i] = x[i] ^ a[i];
            de[n + i] = y[i] ^ b[i];
        }
        long[] theirs = ctx.exchange(de);
        boolean zero = ctx.isParty0();
        long[] z = new long[n];
        for (int i = 0; i < n; i++) {
            long d = de[i] ^ theirs[i];
            long e = de[n + i] ^ theirs[n + i];
            z[i] = c[i] ^ (d & b[i]) ^ (e & a[i]) ^ (zero ? d & e : 0L);
        }
        return Open.split(z, xs);
    }
}
