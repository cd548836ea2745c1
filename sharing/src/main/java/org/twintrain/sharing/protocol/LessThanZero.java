package org.twintrain.sharing.protocol;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * The sign of shared values: x &lt; 0 exactly when bit 63 of x0 + x1 is set, and that bit is
 * x0_63 ^ x1_63 ^ (carry into bit 63). Only that one carry is needed, so instead of a full adder ({@link A2B})
 * the generate/propagate pairs of bits 0..62 are combined by a binary tree (the up-sweep of a Brent-Kung
 * prefix circuit): (G, P)_hi o (G, P)_lo = (G_hi ^ P_hi &amp; G_lo, P_hi &amp; P_lo), where the group holding bit
 * 0 needs no P. One round for the generate bits and six tree levels: 7 rounds, 181 AND gates per element
 * (63 + 61 + 31 + 15 + 7 + 3 + 1), bit-sliced so that 64 elements share each opened word.
 *
 * <p>Narrower ({@link #bits(ProtocolContext, LongMatrix, int)}): for values known to lie in [-2^(w-1), 2^(w-1)),
 * the sign is bit w - 1 of x mod 2^w, and the low w bits of the two shares sum to x mod 2^w; so the circuit runs
 * on planes 0..w-1 only: at w = 32 (f = 16 plus 16 integer bits, the DCF comparison's range) 6 rounds and 86 AND
 * gates per element instead of 7 and 181.
 */
public final class LessThanZero {
    /** Rounds of {@link #bits}. */
    public static final int ROUNDS = 7;

    private LessThanZero() {
    }

    /** XOR shares of [x &lt; 0] for every entry of x (exact on the whole ring). */
    public static SharedBits bits(ProtocolContext ctx, LongMatrix x) {
        return bits(ctx, x, 64);
    }

    /** Rounds of {@link #bits(ProtocolContext, LongMatrix, int)} at the given width: 1 + ceil(log2(width - 1)). */
    public static int rounds(int width) {
        return 1 + (64 - Long.numberOfLeadingZeros(width - 2));
    }

    /**
     * XOR shares of [x &lt; 0] for every entry of x in [-2^(width-1), 2^(width-1)) ring units (others get bit
     * width - 1 of x mod 2^width); width 64 is exact on the whole ring.
     */
    public static SharedBits bits(ProtocolContext ctx, LongMatrix x, int width) {
        if (width < 3 || width > 64) {
            throw new IllegalArgumentException("a sign circuit covers 3 to 64 bits, not " + width);
        }
        long[][] planes = BitSlice.slice(x.data());
        long[][] g = A2B.generate(ctx, planes, width - 1);
        List<long[]> gs = new ArrayList<>(), ps = new ArrayList<>();
        for (int j = 0; j < width - 1; j++) {
            gs.add(g[j]);
            ps.add(planes[j]);
        }
        while (gs.size() > 1) {
            int pairs = gs.size() / 2;
            List<long[]> left = new ArrayList<>(), right = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                left.add(ps.get(2 * i + 1));
                right.add(gs.get(2 * i));
            }
            for (int i = 1; i < pairs; i++) {
                left.add(ps.get(2 * i + 1));
                right.add(ps.get(2 * i));
            }
            long[][] z = BitAnd.and(ctx, left.toArray(new long[0][]), right.toArray(new long[0][]));
            List<long[]> nextG = new ArrayList<>(), nextP = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                nextG.add(A2B.xor(gs.get(2 * i + 1), z[i]));
                nextP.add(i == 0 ? null : z[pairs + i - 1]);
            }
            if (gs.size() % 2 == 1) {
                nextG.add(gs.get(gs.size() - 1));
                nextP.add(ps.get(ps.size() - 1));
            }
            gs = nextG;
            ps = nextP;
        }
        return new SharedBits(x.size(), A2B.xor(planes[width - 1], gs.get(0)));
    }

    /** [x &lt; 0] as arithmetic 0/1 integer shares (not fixed point): {@link #bits} then {@link B2A}, 8 rounds. */
    public static LongMatrix arithmetic(ProtocolContext ctx, LongMatrix x) {
        return arithmetic(ctx, x, 64);
    }

    /** The same at the given width (see {@link #bits(ProtocolContext, LongMatrix, int)}). */
    public static LongMatrix arithmetic(ProtocolContext ctx, LongMatrix x, int width) {
        return B2A.convert(ctx, bits(ctx, x, width), x.rows(), x.cols());
    }
}
