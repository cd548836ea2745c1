package org.twintrain.sharing.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SharingTest {
    private static final byte[] SEED = "a test seed, not a secret".getBytes(StandardCharsets.UTF_8);

    private static long[] randomValues(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextLong();
        }
        v[0] = Long.MIN_VALUE;
        v[1] = Long.MAX_VALUE;
        v[2] = 0;
        v[3] = -1;
        return v;
    }

    @Test
    void additiveSharesReconstruct() {
        long[] values = randomValues(1000, 1);
        SharePair s = AdditiveSharing.split(values, new Prg(SEED, "x"));
        assertArrayEquals(values, AdditiveSharing.reconstruct(s));
        assertArrayEquals(values, AdditiveSharing.reconstruct(s.share0(), s.share1()));
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], s.share0()[i] + s.share1()[i], "element " + i);
        }
    }

    @Test
    void shareZeroIsThePrgStreamSoASeedCanStandForIt() {
        long[] values = randomValues(300, 2);
        SharePair s = AdditiveSharing.split(values, new Prg(SEED, "layer1"));
        assertArrayEquals(new Prg(SEED, "layer1").nextLongs(values.length), s.share0());
        assertArrayEquals(s.share1(), AdditiveSharing.complement(values, new Prg(SEED, "layer1").nextLongs(300)));

        SharePair other = AdditiveSharing.split(values, new Prg(SEED, "layer2"));
        assertFalse(Arrays.equals(s.share0(), other.share0()), "labels must separate the streams");
    }

    @Test
    void shareOneOfConstantValuesLooksUniform() {
        long[] zeros = new long[4096];
        SharePair s = AdditiveSharing.split(zeros, new Prg(SEED, "zeros"));
        long ones = 0;
        for (long w : s.share1()) {
            ones += Long.bitCount(w);
        }
        double mean = ones / (double) zeros.length;
        // A uniform word has 32 +- 4 ones; the mean of 4096 words is 32 +- 0.0625.
        assertTrue(Math.abs(mean - 32) < 0.5, "mean bit count of share 1 was " + mean);
        assertArrayEquals(zeros, AdditiveSharing.reconstruct(s));
    }

    @Test
    void matrixSharesKeepShapeAndReconstruct() {
        LongMatrix m = new LongMatrix(7, 5, randomValues(35, 3));
        AdditiveSharing.MatrixShares s = AdditiveSharing.split(m, new Prg(SEED, "m"));
        assertEquals(7, s.share0().rows());
        assertEquals(5, s.share1().cols());
        assertEquals(m, AdditiveSharing.reconstruct(s.share0(), s.share1()));
        assertFalse(s.toString().contains(Long.toString(s.share0().get(0, 0))), "toString must not print values");
    }

    @Test
    void xorSharesReconstruct() {
        long[] words = randomValues(1000, 4);
        SharePair s = XorSharing.split(words, new Prg(SEED, "bits"));
        assertArrayEquals(words, XorSharing.reconstruct(s));
        assertArrayEquals(new Prg(SEED, "bits").nextLongs(words.length), s.share0());
        for (int i = 0; i < words.length; i++) {
            assertEquals(words[i], s.share0()[i] ^ s.share1()[i], "word " + i);
        }
        assertArrayEquals(s.share1(), XorSharing.complement(words, s.share0()));
    }

    @Test
    void additiveAndXorSharesDiffer() {
        long[] values = randomValues(64, 5);
        SharePair add = AdditiveSharing.split(values, new Prg(SEED, "same"));
        SharePair xor = XorSharing.split(values, new Prg(SEED, "same"));
        assertArrayEquals(add.share0(), xor.share0());
        assertFalse(Arrays.equals(add.share1(), xor.share1()));
    }

    @Test
    void mismatchedLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AdditiveSharing.reconstruct(new long[2], new long[3]));
        assertThrows(IllegalArgumentException.class, () -> XorSharing.reconstruct(new long[2], new long[3]));
        assertThrows(IllegalArgumentException.class, () -> new SharePair(new long[1], new long[0]));
    }
}
