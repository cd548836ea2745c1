package org.twintrain.sharing.ring;

/**
 * Two-party boolean (XOR) sharing of 64-bit words: x = x0 ^ x1, bit by bit. Used for the binary side of
 * A2B/B2A and comparisons. Share 0 is a PRG stream, share 1 is x ^ x0; either alone is uniformly random.
 */
public final class XorSharing {
    private XorSharing() {
    }

    /** Splits words with share0 drawn from prg (which advances by words.length longs). */
    public static SharePair split(long[] words, Prg prg) {
        long[] share0 = prg.nextLongs(words.length);
        return new SharePair(share0, complement(words, share0));
    }

    /** The share that completes share0 to words: words ^ share0. */
    public static long[] complement(long[] words, long[] share0) {
        return xor(words, share0);
    }

    /** share0 ^ share1. */
    public static long[] reconstruct(long[] share0, long[] share1) {
        return xor(share0, share1);
    }

    public static long[] reconstruct(SharePair shares) {
        return reconstruct(shares.share0(), shares.share1());
    }

    private static long[] xor(long[] x, long[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("length mismatch: " + x.length + " vs " + y.length);
        }
        long[] out = new long[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] ^ y[i];
        }
        return out;
    }
}
