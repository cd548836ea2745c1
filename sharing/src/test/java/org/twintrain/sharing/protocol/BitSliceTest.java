package org.twintrain.sharing.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bit-sliced layout: plane j, word w, bit b is bit j of value 64 w + b, for any count of values. */
class BitSliceTest {
    @Test
    void planesHoldEveryBitOfEveryValueAndUnsliceInvertsThem() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {0, 1, 63, 64, 65, 130, 1000}) {
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = switch (i % 5) {
                    case 0 -> 0L;
                    case 1 -> -1L;
                    case 2 -> Long.MIN_VALUE;
                    case 3 -> Long.MAX_VALUE;
                    default -> r.nextLong();
                };
            }
            long[][] planes = BitSlice.slice(values);
            assertEquals(64, planes.length);
            for (int j = 0; j < 64; j++) {
                assertEquals((n + 63) / 64, planes[j].length);
                for (int e = 0; e < n; e++) {
                    assertEquals((values[e] >>> j) & 1L, (planes[j][e >>> 6] >>> (e & 63)) & 1L,
                            "n " + n + ", bit " + j + " of value " + e);
                }
                if (n % 64 != 0) {
                    assertEquals(0L, planes[j][n >>> 6] >>> (n & 63), "no bits beyond the last value");
                }
            }
            assertArrayEquals(values, BitSlice.unslice(planes, n));
        }
    }
}
