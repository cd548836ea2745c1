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
        for (int e = 0; e < values.length; e++) {
            long x = values[e];
            int word = e >>> 6;
            long bit = 1L << (e & 63);
            while (x != 0) {
                planes[Long.numberOfTrailingZeros(x)][word] |= bit;
                x &= x - 1;
            }
        }
        return planes;
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
