package org.twintrain.sharing.protocol;

import org.twintrain.sharing.fss.Dcf;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Comparisons of shared x with public thresholds in one round, from a dealer-made COMPARE key (mask r and a
 * {@link Dcf} key; see {@link org.twintrain.sharing.triples.Dealer}): open c = x + r, then for each threshold t
 * the sign of y = x - t, read in {@code bits} bits, is the top bit of (c - t) - r there, c_h ^ r_h ^ [c_l &lt;
 * r_l] with c_h, c_l the top and lower bits of c - t. The DCF gives shares of u = r_h ^ [c_l &lt; r_l] and u r,
 * so d = [x &gt;= t] (1 - u or u, by c_h) and d x = d c - d r are linear in what each server holds. Every threshold
 * reuses the one opening and the one key (a DCF key may be evaluated at any public points).
 *
 * <p>Exact when -2^(bits-1) &lt;= x - t &lt; 2^(bits-1) in ring units; outside that range the bit is the top bit of
 * (x - t) mod 2^bits, wrong for about half of such values. Cost per element: 1 round, 8 bytes each way; the key is
 * 3 + 2 + 4 bits words per server (about 1 KB at 32 bits), and each server runs (bits - 1) PRG expansions per
 * threshold.
 */
public final class MaskedCompare {
    /** Rounds of {@link #compare}. */
    public static final int ROUNDS = 1;

    private MaskedCompare() {
    }

    /**
     * For each threshold t_j: atLeast[j] = [x &gt;= t_j] as 0/1 integer shares and times[j] = atLeast[j] x, the
     * exact product (same encoding as x).
     */
    public record Result(LongMatrix[] atLeast, LongMatrix[] times) {
    }

    /** One round for all thresholds; bits is the comparison width (2..64). */
    public static Result compare(ProtocolContext ctx, int bits, LongMatrix x, long... thresholds) {
        if (thresholds.length == 0) {
            throw new IllegalArgumentException("a comparison needs at least one threshold");
        }
        int count = x.size(), m = thresholds.length, n = bits - 1;
        Correlation key = ctx.take(TripleKey.Kind.COMPARE, count, bits);
        long[] r = key.part(0), h = key.part(1), hr = key.part(2);
        long[] xd = x.data(), masked = new long[count];
        for (int e = 0; e < count; e++) {
            masked[e] = xd[e] + r[e];
        }
        long[] c = Open.openWords(ctx, masked)[0];
        long low = n == 63 ? Long.MAX_VALUE : (1L << n) - 1;
        long[] points = new long[Math.multiplyExact(count, m)];
        for (int e = 0; e < count; e++) {
            for (int j = 0; j < m; j++) {
                points[e * m + j] = (c[e] - thresholds[j]) & low;
            }
        }
        long[] out = Dcf.evaluate(ctx.party(), n, key.part(3), key.part(4), points, m);
        long one = ctx.isParty0() ? 1L : 0L;
        LongMatrix[] atLeast = new LongMatrix[m], times = new LongMatrix[m];
        for (int j = 0; j < m; j++) {
            long[] d = new long[count], dx = new long[count];
            for (int e = 0; e < count; e++) {
                int at = 2 * (e * m + j);
                long u = h[e] + out[at], ur = hr[e] + out[at + 1];
                boolean top = (((c[e] - thresholds[j]) >>> n) & 1L) == 1L;
                d[e] = top ? u : one - u;
                long dr = top ? ur : r[e] - ur;
                dx[e] = d[e] * c[e] - dr;
            }
            atLeast[j] = new LongMatrix(x.rows(), x.cols(), d);
            times[j] = new LongMatrix(x.rows(), x.cols(), dx);
        }
        return new Result(atLeast, times);
    }
}
