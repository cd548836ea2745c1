package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * Opening: both parties send their shares and add (or XOR) what they receive. Any number of matrices are
 * opened in ONE exchange (one round, 8 bytes per entry each way). Only masked values, or values that are
 * meant to be revealed, may be opened.
 */
public final class Open {
    private Open() {
    }

    /** Opens several additively shared matrices in one round. */
    public static LongMatrix[] open(ProtocolContext ctx, LongMatrix... shares) {
        long[][] words = new long[shares.length][];
        for (int i = 0; i < shares.length; i++) {
            words[i] = shares[i].data();
        }
        long[][] opened = openWords(ctx, words);
        LongMatrix[] out = new LongMatrix[shares.length];
        for (int i = 0; i < shares.length; i++) {
            out[i] = new LongMatrix(shares[i].rows(), shares[i].cols(), opened[i]);
        }
        return out;
    }

    /** Opens several additively shared word vectors in one round. */
    public static long[][] openWords(ProtocolContext ctx, long[]... shares) {
        return openAll(ctx, false, shares);
    }

    /** Opens several XOR-shared word vectors in one round. */
    public static long[][] openXor(ProtocolContext ctx, long[]... shares) {
        return openAll(ctx, true, shares);
    }

    private static long[][] openAll(ProtocolContext ctx, boolean xor, long[][] shares) {
        long[] mine = concat(shares);
        long[] theirs = ctx.exchange(mine);
        for (int i = 0; i < mine.length; i++) {
            mine[i] = xor ? mine[i] ^ theirs[i] : mine[i] + theirs[i];
        }
        return split(mine, shares);
    }

    static long[] concat(long[]... parts) {
        int total = 0;
        for (long[] p : parts) {
            total = Math.addExact(total, p.length);
        }
        long[] out = new long[total];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Cuts flat into pieces of the lengths of like. */
    static long[][] split(long[] flat, long[][] like) {
        long[][] out = new long[like.length][];
        int at = 0;
        for (int i = 0; i < like.length; i++) {
            out[i] = new long[like[i].length];
            System.arraycopy(flat, at, out[i], 0, like[i].length);
            at += like[i].length;
        }
        return out;
    }
}
