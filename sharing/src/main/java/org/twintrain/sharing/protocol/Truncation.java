package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Truncation of shared fixed-point products by f bits (division by 2^f). The cleartext twin computes
 * floor(x / 2^f); both variants here give that or one more (at most 1 ulp off).
 *
 * <p><b>LOCAL</b> (SecureML, Mohassel and Zhang 2017, Theorem 1): party 0 computes x0 &gt;&gt; f (arithmetic shift)
 * and party 1 computes -((-x1) &gt;&gt; f); no communication. It is correct when the signed shares do not wrap,
 * i.e. when x0 + x1 equals x over the integers. With x0 uniform that fails with probability |x| / 2^64, so at
 * most 2^(l_x - 64) for |x| &lt; 2^l_x; the usual statement 2^(l_x+1-64) bounds it. A failure gives a result
 * off by about 2^(64-f): garbage, which is why products must stay small (l_x is the bit length of the
 * untruncated product, 2f plus the integer bits of both factors).
 *
 * <p><b>WRAP_FREE</b> (not exact truncation: the probabilistic truncation over Z_2^k of Escudero, Ghosh, Keller, Rachuri and Scholl,
 * CRYPTO 2020, with a dealer pair): shift x' = x + 2^62 into [0, 2^63), open c = x' + r for r uniform in
 * Z_2^64 (perfectly hiding), and write r = 2^63 r_top + r_low. Since x' + r_low &lt; 2^64, the carry into bit 63
 * is w = top(c) XOR r_top = top(c) + r_top - 2 top(c) r_top, linear in the shared r_top; then
 * x' = c_low + 2^63 w - r_low, and (c_low &gt;&gt; f) - (r_low &gt;&gt; f) + 2^(63-f) w, which is what the parties
 * compute, equals x' &gt;&gt; f + β with β in {0, 1} from the dropped low bits. With r_low uniform, β = 1 with
 * probability frac(x / 2^f): the rounding is stochastic and unbiased, like the emulation's stochastic rounding.
 * One round, 8 bytes per entry each way, and no failure for any |x| &lt; 2^62.
 */
public final class Truncation {
    private static final long LOW63 = Long.MAX_VALUE;
    private static final long SHIFT = 1L << 62;

    private Truncation() {
    }

    /** Truncates every matrix by f bits with the given mode; WRAP_FREE uses one round for all of them. */
    public static LongMatrix[] truncate(ProtocolContext ctx, TruncationMode mode, LongMatrix... xs) {
        return truncate(ctx, mode, ctx.fixedPoint().fractionalBits(), xs);
    }

    /**
     * Truncates every matrix by the given number of bits (a division by 2^bits; f for products). Other shifts than
     * f draw TRUNC pairs of shape {count, bits}, whose second part is (r mod 2^63) &gt;&gt; bits.
     */
    public static LongMatrix[] truncate(ProtocolContext ctx, TruncationMode mode, int bits, LongMatrix... xs) {
        if (bits < 1 || bits > 62) {
            throw new IllegalArgumentException("truncation by 1 to 62 bits, not " + bits);
        }
        if (mode == TruncationMode.LOCAL) {
            LongMatrix[] out = new LongMatrix[xs.length];
            for (int i = 0; i < xs.length; i++) {
                out[i] = local(ctx.party(), xs[i], bits);
            }
            return out;
        }
        return exact(ctx, bits, xs);
    }

    public static LongMatrix truncate(ProtocolContext ctx, TruncationMode mode, LongMatrix x) {
        return truncate(ctx, mode, new LongMatrix[] {x})[0];
    }

    /** SecureML's local truncation of this party's share. */
    public static LongMatrix local(int party, LongMatrix x, int f) {
        long[] d = x.data(), out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = party == 0 ? d[i] >> f : -((-d[i]) >> f);
        }
        return new LongMatrix(x.rows(), x.cols(), out);
    }

    /** Wrap-free probabilistic truncation with TRUNC pairs (at most 1 ulp off), all matrices in one round; valid for |x| &lt; 2^62. */
    public static LongMatrix[] exact(ProtocolContext ctx, LongMatrix... xs) {
        return exact(ctx, ctx.fixedPoint().fractionalBits(), xs);
    }

    /** The same by f bits (a division by 2^f), f = the fixed point's bits or any other in 1..62. */
    public static LongMatrix[] exact(ProtocolContext ctx, int f, LongMatrix... xs) {
        boolean zero = ctx.isParty0();
        int total = 0;
        for (LongMatrix x : xs) {
            total = Math.addExact(total, x.size());
        }
        Correlation t = f == ctx.fixedPoint().fractionalBits() ? ctx.take(TripleKey.Kind.TRUNC, total)
                : ctx.take(TripleKey.Kind.TRUNC, total, f);
        long[] r = t.part(0), rLowShifted = t.part(1), rTop = t.part(2);
        long[] c = new long[total];
        int at = 0;
        for (LongMatrix x : xs) {
            for (long v : x.data()) {
                c[at] = v + (zero ? SHIFT : 0L) + r[at];
                at++;
            }
        }
        long[] theirs = ctx.exchange(c);
        LongMatrix[] out = new LongMatrix[xs.length];
        at = 0;
        for (int i = 0; i < xs.length; i++) {
            long[] z = new long[xs[i].size()];
            for (int j = 0; j < z.length; j++, at++) {
                long open = c[at] + theirs[at];
                long top = open >>> 63;
                long w = (zero ? top : 0L) + (1 - 2 * top) * rTop[at];
                z[j] = (zero ? ((open & LOW63) >> f) - (SHIFT >> f) : 0L) - rLowShifted[at] + (w << (63 - f));
            }
            out[i] = new LongMatrix(xs[i].rows(), xs[i].cols(), z);
        }
        return out;
    }
}
