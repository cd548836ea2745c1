package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * Arithmetic to boolean sharing: from additive shares x0 + x1 = x to XOR shares of the 64 bits of x. The two
 * shares are the inputs of a binary adder (party 0 XOR-shares x0 as (x0, 0), party 1 x1 as (0, x1)); the
 * adder is a Kogge-Stone parallel-prefix circuit over bit-sliced planes ({@link BitSlice}).
 *
 * <p>Generate g_j = x0_j &amp; x1_j (one AND round), propagate p_j = x0_j ^ x1_j (local). Then for s = 1, 2, 4,
 * 8, 16, 32: G_j ^= P_j &amp; G_{j-s} and P_j = P_j &amp; P_{j-s}, one AND round per level for all elements
 * (the OR of the textbook prefix operator is an XOR here: the two terms are never both 1). Sum bit j is
 * p_j ^ G_{j-1}. Seven rounds in all; only positions 0..62 carry, so bit 63 needs no gate of its own.
 */
public final class A2B {
    /** Rounds of one conversion: the generate round and six prefix levels. */
    public static final int ROUNDS = 7;

    private A2B() {
    }

    /** XOR shares of every entry of x, one word per entry. */
    public static long[] convert(ProtocolContext ctx, LongMatrix x) {
        long[][] p = BitSlice.slice(x.data());
        long[][] g = generate(ctx, p);
        long[][] prop = new long[64][];
        System.arraycopy(p, 0, prop, 0, 64);
        for (int s = 1; s < 63; s <<= 1) {
            int gates = 63 - s, props = Math.max(0, 63 - 2 * s);
            long[][] left = new long[gates + props][], right = new long[gates + props][];
            for (int j = s; j < 63; j++) {
                left[j - s] = prop[j];
                right[j - s] = g[j - s];
            }
            for (int j = 2 * s; j < 63; j++) {
                left[gates + j - 2 * s] = prop[j];
                right[gates + j - 2 * s] = prop[j - s];
            }
            long[][] z = BitAnd.and(ctx, left, right);
            long[][] next = g.clone();
            for (int j = s; j < 63; j++) {
                next[j] = xor(g[j], z[j - s]);
            }
            g = next;
            for (int j = 2 * s; j < 63; j++) {
                prop[j] = z[gates + j - 2 * s];
            }
        }
        long[][] sum = new long[64][];
        sum[0] = p[0];
        for (int j = 1; j < 64; j++) {
            sum[j] = xor(p[j], g[j - 1]);
        }
        return BitSlice.unslice(sum, x.size());
    }

    /**
     * The generate planes g_j = x0_j &amp; x1_j for j = 0..62, from this party's planes: party 0 inputs its planes
     * as the left operand (party 1 inputs zeros there), party 1 as the right one. One round.
     */
    static long[][] generate(ProtocolContext ctx, long[][] planes) {
        return generate(ctx, planes, 63);
    }

    /** The generate planes of bits 0..count-1 only (a carry into bit count needs no more), one round. */
    static long[][] generate(ProtocolContext ctx, long[][] planes, int count) {
        long[][] mine = new long[count][], none = new long[count][];
        for (int j = 0; j < count; j++) {
            mine[j] = planes[j];
            none[j] = new long[planes[j].length];
        }
        return ctx.isParty0() ? BitAnd.and(ctx, mine, none) : BitAnd.and(ctx, none, mine);
    }

    static long[] xor(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] ^ b[i];
        }
        return out;
    }
}
