package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * How many entries of shared matrices reach a public bound in magnitude, revealing only those counts: the
 * overflow and truncation-failure telemetry of a secure run. For check i with matrix x_i and bound B_i (ring
 * units, 1 &lt;= B_i &lt;= 2^62) it counts entries whose signed 64-bit value v has |v| &gt;= B_i.
 *
 * <p>Per entry two signs: q = [(B - 1) - v &lt; 0] = [v &gt;= B] and n = [v + (B - 1) &lt; 0] = [v &lt;= -B]. For
 * |v| near 2^63 one of the differences wraps, but then it still says "out of range", which that v is; so
 * q OR n is exact for every v. Both signs of all checks go through one {@link LessThanZero#bits} call (7 rounds),
 * the OR q ^ n ^ (q &amp; n) takes one AND round on the packed bits, {@link B2A} turns the OR bits into 0/1
 * integer shares (1 round), each check sums its bits locally, and the sums are opened together (1 round):
 * {@value #ROUNDS} rounds for any number of checks. Nothing but the counts is opened in the clear: the other
 * openings are masked by AND triples and B2A bits.
 *
 * <p>Cost per entry and party: 2 x 181 AND gates for the signs and 1 for the OR (16 bytes per 64 gates), one
 * B2A bit (1/8 byte), and 8 bytes per check for the counts.
 */
public final class RangeCheck {
    /** Rounds of {@link #countAtLeast}. */
    public static final int ROUNDS = LessThanZero.ROUNDS + 3;
    /** The largest bound: beyond it q and n could both be wrong for the same entry. */
    public static final long MAX_BOUND = 1L << 62;

    private RangeCheck() {
    }

    /**
     * For each i, the number of entries v of xs[i] with |v| &gt;= bounds[i] (bounds in ring units, the same for
     * both parties). Both parties must call this with the same shapes and bounds; both learn the counts.
     */
    public static long[] countAtLeast(ProtocolContext ctx, LongMatrix[] xs, long[] bounds) {
        if (xs.length != bounds.length) {
            throw new IllegalArgumentException("range check: " + xs.length + " matrices and " + bounds.length + " bounds");
        }
        int total = 0;
        for (int i = 0; i < xs.length; i++) {
            if (bounds[i] < 1 || bounds[i] > MAX_BOUND) {
                throw new IllegalArgumentException("range check " + i + ": bound must be in [1, 2^62] ring units");
            }
            total = Math.addExact(total, xs[i].size());
        }
        if (total == 0) {
            return new long[xs.length];
        }
        // Signs q of the first `padded` entries and n of the next: padding by 0 gives sign 0, and each half
        // starts on a word, so the packed words of q and n line up.
        int words = SharedBits.wordsFor(total);
        int padded = words * 64;
        boolean zero = ctx.isParty0();
        long[] in = new long[2 * padded];
        int at = 0;
        for (int i = 0; i < xs.length; i++) {
            long below = zero ? bounds[i] - 1 : 0L;
            for (long v : xs[i].data()) {
                in[at] = below - v;
                in[padded + at] = v + below;
                at++;
            }
        }
        long[] signs = LessThanZero.bits(ctx, new LongMatrix(1, in.length, in)).words();
        long[] q = new long[words], n = new long[words];
        System.arraycopy(signs, 0, q, 0, words);
        System.arraycopy(signs, words, n, 0, words);
        long[] both = BitAnd.and(ctx, new long[][] {q}, new long[][] {n})[0];
        long[] or = new long[words];
        for (int w = 0; w < words; w++) {
            or[w] = q[w] ^ n[w] ^ both[w];
        }
        long[] bits = B2A.convert(ctx, new SharedBits(total, or), 1, total).data();
        long[] sums = new long[xs.length];
        at = 0;
        for (int i = 0; i < xs.length; i++) {
            for (int j = 0; j < xs[i].size(); j++) {
                sums[i] += bits[at++];
            }
        }
        return Open.openWords(ctx, sums)[0];
    }

    /** The cleartext count of {@link #countAtLeast} for one matrix of ring values (the twin and the tests). */
    public static long countAtLeast(long[] values, long bound) {
        if (bound < 1 || bound > MAX_BOUND) {
            throw new IllegalArgumentException("range check: bound must be in [1, 2^62] ring units");
        }
        long count = 0;
        for (long v : values) {
            // |Long.MIN_VALUE| does not fit a long: it is out of any range.
            if (v == Long.MIN_VALUE || Math.abs(v) >= bound) {
                count++;
            }
        }
        return count;
    }
}
