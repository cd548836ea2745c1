package org.twintrain.sharing.fss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DcfTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 31, 63})
    void theTwoKeysAddUpToBetaBelowAlphaAndZeroElsewhere(int bits) {
        SplittableRandom random = new SplittableRandom(bits);
        int keys = 200;
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        long[] alpha = new long[keys], beta = new long[2 * keys], root0 = new long[2 * keys], root1 = new long[2 * keys];
        for (int i = 0; i < keys; i++) {
            alpha[i] = i == 0 ? 0 : i == 1 ? mask : random.nextLong() & mask;
            beta[2 * i] = random.nextLong();
            beta[2 * i + 1] = random.nextLong();
        }
        fill(random, root0);
        fill(random, root1);
        long[] pub = Dcf.generate(bits, alpha, beta, root0, root1);
        // Each key at: 0, the top of the domain, alpha - 1, alpha, alpha + 1, and three random points.
        int per = 8;
        long[] points = new long[keys * per];
        for (int i = 0; i < keys; i++) {
            long[] p = {0, mask, (alpha[i] - 1) & mask, alpha[i], (alpha[i] + 1) & mask, random.nextLong() & mask,
                random.nextLong() & mask, random.nextLong() & mask};
            System.arraycopy(p, 0, points, i * per, per);
        }
        long[] y0 = Dcf.evaluate(0, bits, root0, pub, points, per);
        long[] y1 = Dcf.evaluate(1, bits, root1, pub, points, per);
        for (int j = 0; j < points.length; j++) {
            int i = j / per;
            boolean below = Long.compareUnsigned(points[j], alpha[i]) < 0;
            assertEquals(below ? beta[2 * i] : 0L, y0[2 * j] + y1[2 * j], "key " + i + " point " + j);
            assertEquals(below ? beta[2 * i + 1] : 0L, y0[2 * j + 1] + y1[2 * j + 1], "key " + i + " point " + j);
        }
    }

    @Test
    void oneServersOutputDoesNotRevealTheComparison() {
        // Same point, alpha on either side of it: server 0's output alone must differ in no systematic way; at
        // least, it must not be the 0 / beta of the cleartext.
        SplittableRandom random = new SplittableRandom(5);
        int keys = 1000, bits = 31;
        long[] alpha = new long[keys], beta = new long[2 * keys], r0 = new long[2 * keys], r1 = new long[2 * keys];
        for (int i = 0; i < keys; i++) {
            alpha[i] = random.nextLong() & ((1L << bits) - 1);
            beta[2 * i] = 1;
        }
        fill(random, r0);
        fill(random, r1);
        long[] pub = Dcf.generate(bits, alpha, beta, r0, r1);
        long[] points = new long[keys];
        long[] y0 = Dcf.evaluate(0, bits, r0, pub, points, 1);
        int small = 0;
        for (int i = 0; i < keys; i++) {
            if (y0[2 * i] == 0 || y0[2 * i] == 1) {
                small++;
            }
        }
        assertEquals(0, small, "server 0's shares look like cleartext bits");
        assertNotEquals(y0[0], y0[2]);
    }

    @Test
    void noPublicWordIsASmallNumber() {
        // The control-bit words hold 31 bits here; the rest is filler, so a store holds no word that could be
        // mistaken for (or match) a small data value.
        SplittableRandom random = new SplittableRandom(9);
        int keys = 500, bits = 31;
        long[] alpha = new long[keys], beta = new long[2 * keys], r0 = new long[2 * keys], r1 = new long[2 * keys];
        for (int i = 0; i < keys; i++) {
            alpha[i] = random.nextLong() & ((1L << bits) - 1);
        }
        fill(random, r0);
        fill(random, r1);
        long[] pub = Dcf.generate(bits, alpha, beta, r0, r1);
        int small = 0;
        for (long w : pub) {
            small += Math.abs(w) < (1L << 40) ? 1 : 0;
        }
        assertEquals(0, small, "public words below 2^40 in magnitude");
    }

    @Test
    void badShapesAndWidthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Dcf.publicWords(0));
        assertThrows(IllegalArgumentException.class, () -> Dcf.publicWords(64));
        assertThrows(IllegalArgumentException.class,
                () -> Dcf.generate(8, new long[2], new long[2], new long[4], new long[4]));
        long[] pub = Dcf.generate(8, new long[1], new long[2], new long[2], new long[2]);
        assertThrows(IllegalArgumentException.class, () -> Dcf.evaluate(0, 8, new long[2], pub, new long[3], 2));
    }

    private static void fill(SplittableRandom random, long[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextLong();
        }
    }
}
