package org.twintrain.sharing.ring;

/**
 * Two-party additive sharing over Z_2^64: x = x0 + x1 (mod 2^64). Share 0 is a PRG stream, so a party can
 * keep the seed instead of the share; share 1 is x - x0. Either share alone is uniformly random and says
 * nothing about x.
 */
public final class AdditiveSharing {
    private AdditiveSharing() {
    }

    /** The two shares of one ring matrix; {@link #toString()} prints only shapes. */
    public record MatrixShares(LongMatrix share0, LongMatrix share1) {
        public MatrixShares {
            share0.requireSameShape(share1);
        }
    }

    /** Splits values with share0 drawn from prg (which advances by values.length longs). */
    public static SharePair split(long[] values, Prg prg) {
        long[] share0 = prg.nextLongs(values.length);
        return new SharePair(share0, complement(values, share0));
    }

    public static MatrixShares split(LongMatrix values, Prg prg) {
        SharePair s = split(values.data(), prg);
        return new MatrixShares(new LongMatrix(values.rows(), values.cols(), s.share0()),
                new LongMatrix(values.rows(), values.cols(), s.share1()));
    }

    /** The share that completes share0 to values: values - share0. */
    public static long[] complement(long[] values, long[] share0) {
        requireSameLength(values, share0);
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] - share0[i];
        }
        return out;
    }

    /** share0 + share1. */
    public static long[] reconstruct(long[] share0, long[] share1) {
        requireSameLength(share0, share1);
        long[] out = new long[share0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = share0[i] + share1[i];
        }
        return out;
    }

    public static long[] reconstruct(SharePair shares) {
        return reconstruct(shares.share0(), shares.share1());
    }

    public static LongMatrix reconstruct(LongMatrix share0, LongMatrix share1) {
        return share0.add(share1);
    }

    private static void requireSameLength(long[] x, long[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("length mismatch: " + x.length + " vs " + y.length);
        }
    }
}
