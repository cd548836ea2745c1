package org.twintrain.sharing.protocol;

/**
 * Bit-sliced layout for the boolean circuits: n 64-bit values become 64 planes, plane j holding bit j of every
 * value packed 64 values to a word. A gate on a plane then works on 64 values per word, and a circuit that
 * needs only some bit positions (the carry into bit 63) opens only those planes.
 */
final class BitSlice {
    private BitSlice() {
    }

    /** 64 planes of ceil(n / 64) words. */
    static long[][] slice(long[] values) {
        int words = SharedBits.wordsFor(values.length);
        long[][] planes = new long[64][words];
        long[] block = new long[64];
        for (int word = 0; word < words; word++) {
            int from = word << 6;
            int n = Math.min(64, values.length - from);
            System.arraycopy(values, from, block, 0, n);
            java.util.Arrays.fill(block, n, 64, 0L);
            transpose64(block);
            for (int j = 0; j < 64; j++) {
                planes[j][word] = block[j];
            }
        }
        return planes;
    }

    /**
     * Transposes a 64 x 64 bit matrix in place: afterwards bit i of a[j] is what bit j of a[i] was. Six rounds of
     * swapping blocks of half the size (Hacker's Delight, section 7-3): 6 x 32 word operations instead of a loop
     * over every set bit.
     */
    static void transpose64(long[] a) {
        long m = 0x00000000FFFFFFFFL;
        for (int j = 32; j != 0; j >>>= 1, m ^= m << j) {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
                long t = ((a[k] >>> j) ^ a[k | j]) & m;
                a[k | j] ^= t;
                a[k] ^= t << j;
            }
        }
    }

    /** The inverse of {@link #slice} for n values. */
    static long[] unslice(long[][] planes, int n) {
        long[] values = new long[n];
        for (int j = 0; j < 64; j++) {
            long[] plane = planes[j];
            for (int word = 0; word < plane.length; word++) {
                long bits = plane[word];
                while (bits != 0) {
                    int e = (word << 6) + Long.numberOfTrailingZeros(bits);
                    if (e < n) {
                        values[e] |= 1L << j;
                    }
                    bits &= bits - 1;
                }
            }
        }
        return values;
    }
}
