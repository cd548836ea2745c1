package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Entrywise square with a square pair (a, a^2): with E = x - a opened, x^2 = a^2 + 2 E a + E^2 (party 0 adds
 * E^2). One round, 8 bytes per entry each way: half of a general product. The result is not truncated.
 */
public final class BeaverSquare {
    private BeaverSquare() {
    }

    public static LongMatrix square(ProtocolContext ctx, LongMatrix x) {
        int n = x.size();
        Correlation t = ctx.take(TripleKey.Kind.SQUARE, n);
        long[] a = t.part(0), a2 = t.part(1), xd = x.data();
        long[] e = new long[n];
        for (int i = 0; i < n; i++) {
            e[i] = xd[i] - a[i];
        }
        long[] theirs = ctx.exchange(e);
        boolean zero = ctx.isParty0();
        long[] z = new long[n];
        for (int i = 0; i < n; i++) {
            long ei = e[i] + theirs[i];
            z[i] = a2[i] + 2 * ei * a[i] + (zero ? ei * ei : 0L);
        }
        return new LongMatrix(x.rows(), x.cols(), z);
    }
}
