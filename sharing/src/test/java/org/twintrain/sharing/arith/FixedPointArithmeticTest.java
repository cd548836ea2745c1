package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * The cleartext twin's own promises: truncation is floor (one-sided, within one ulp below the exact product)
 * up to the edge of the documented range, comparisons read the sign bit, applyCleartext rounds to nearest.
 * Exact references are computed with BigDecimal, so they hold for values a double cannot carry exactly.
 */
class FixedPointArithmeticTest {

    @Test
    void defaultsAndIdentity() {
        FixedPointArithmetic a = new FixedPointArithmetic();
        assertEquals("fixed", a.name());
        assertEquals(FixedPoint.DEFAULT_FRACTIONAL_BITS, a.fractionalBits());
        assertEquals(Math.scalb(1.0, -16), a.resolution());
        assertTrue(a.isCleartext());
        assertEquals(13, new FixedPointArithmetic(13).codec().fractionalBits());
    }

    /** Products of values up to the edge of the range: each result is the floor of the exact product. */
    @ParameterizedTest
    @ValueSource(ints = {13, 16})
    void productsAreTheFloorOfTheExactProductUpToTheRangeEdge(int f) {
        FixedPointArithmetic a = new FixedPointArithmetic(f);
        // |x y| < 2^(63 - 2f) is the documented limit before truncation; stay just inside it.
        double bound = Math.scalb(0.99, (63 - 2 * f) / 2);
        Random random = new Random(f);
        int n = 200;
        long[] ex = randomEncodings(random, n, bound, f), ey = randomEncodings(random, n, bound, f);
        LongMatrix x = new LongMatrix(1, n, ex), y = new LongMatrix(1, n, ey);
        long[] mul = ((LongMatrix) a.mul(x, y)).data();
        long[] square = ((LongMatrix) a.square(x)).data();
        for (int i = 0; i < n; i++) {
            assertFloor(f, exact(ex[i], f).multiply(exact(ey[i], f)), mul[i], "mul at " + i);
            assertFloor(f, exact(ex[i], f).multiply(exact(ex[i], f)), square[i], "square at " + i);
        }
        // Inputs are never modified by the in-place truncation of the fresh product.
        assertArrayEquals(randomEncodings(new Random(f), n, bound, f), ex);
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 16})
    void matmulTruncatesTheExactSumOnce(int f) {
        FixedPointArithmetic a = new FixedPointArithmetic(f);
        int m = 4, k = 16, n = 3;
        // Each of k products below 2^(63-2f)/k, so the exact sum stays in range.
        double bound = Math.scalb(0.99, (63 - 2 * f - 4) / 2);
        Random random = new Random(100 + f);
        long[] ex = randomEncodings(random, m * k, bound, f), ey = randomEncodings(random, k * n, bound, f);
        long[] z = ((LongMatrix) a.matmul(new LongMatrix(m, k, ex), new LongMatrix(k, n, ey))).data();
        long[] zt = ((LongMatrix) a.matmulTransposeB(new LongMatrix(m, k, ex),
                new LongMatrix(k, n, ey).transpose())).data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                BigDecimal s = BigDecimal.ZERO;
                for (int p = 0; p < k; p++) {
                    s = s.add(exact(ex[i * k + p], f).multiply(exact(ey[p * n + j], f)));
                }
                assertFloor(f, s, z[i * n + j], "matmul at " + i + "," + j);
                assertEquals(z[i * n + j], zt[i * n + j], "matmulTransposeB at " + i + "," + j);
            }
        }
    }

    /** Floor, not round-toward-zero: a negative half ulp becomes minus one ulp. */
    @Test
    void truncationRoundsTowardMinusInfinity() {
        FixedPointArithmetic a = new FixedPointArithmetic(16);
        double u = a.resolution();
        double[] got = a.reveal(a.mul(a.fromPublic(1, 3, new double[] {-u, u, -3 * u}),
                a.fromPublic(1, 3, new double[] {0.5, 0.5, 0.5})));
        assertArrayEquals(new double[] {-u, 0.0, -2 * u}, got);
        assertArrayEquals(new double[] {-u}, a.reveal(a.scale(a.fromPublic(1, 1, new double[] {-u}), 0.5)));
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 16})
    void linearOperationsAreExactNearTheRangeEdge(int f) {
        FixedPointArithmetic a = new FixedPointArithmetic(f);
        double bound = Math.scalb(1.0, 61 - f);  // sums of two stay below 2^(63-f)
        Random random = new Random(200 + f);
        int n = 100;
        long[] ex = randomEncodings(random, n, bound, f), ey = randomEncodings(random, n, bound, f);
        LongMatrix x = new LongMatrix(1, n, ex), y = new LongMatrix(1, n, ey);
        long[] sum = ((LongMatrix) a.add(x, y)).data();
        long[] diff = ((LongMatrix) a.sub(x, y)).data();
        long[] tripled = ((LongMatrix) a.scaleInteger(x, 3)).data();
        double c = -1234.5;
        long[] shifted = ((LongMatrix) a.addPublic(x, c)).data();
        for (int i = 0; i < n; i++) {
            assertSameValue(exact(ex[i], f).add(exact(ey[i], f)), exact(sum[i], f), "add at " + i);
            assertSameValue(exact(ex[i], f).subtract(exact(ey[i], f)), exact(diff[i], f), "sub at " + i);
            // |3x| < 3 * 2^(61-f) < 2^(63-f): still in range.
            assertSameValue(exact(ex[i], f).multiply(BigDecimal.valueOf(3)), exact(tripled[i], f),
                    "scaleInteger at " + i);
            assertSameValue(exact(ex[i], f).add(new BigDecimal(c)), exact(shifted[i], f), "addPublic at " + i);
        }
    }

    @Test
    void lessThanZeroReadsTheSignBit() {
        FixedPointArithmetic a = new FixedPointArithmetic(16);
        long one = a.codec().one();
        LongMatrix x = new LongMatrix(1, 6, new long[] {0, -1, 1, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4, -one});
        assertArrayEquals(new long[] {0, one, 0, one, 0, one}, ((LongMatrix) a.lessThanZero(x)).data());
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 16})
    void applyCleartextRoundsToNearest(int f) {
        FixedPointArithmetic a = new FixedPointArithmetic(f);
        double[] x = org.twintrain.sharing.testing.Backends.randomValues(new Random(f), 50, 6.0);
        double[] got = a.reveal(a.applyCleartext(a.fromPublic(5, 10, x), Math::tanh));
        double[] gotExp = a.reveal(a.applyCleartext(a.fromPublic(5, 10, x), Math::exp));
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.tanh(x[i]), got[i], a.resolution() / 2, "tanh at " + i);
            assertEquals(Math.exp(x[i]), gotExp[i], a.resolution() / 2 + Math.ulp(Math.exp(x[i])), "exp at " + i);
        }
    }

    @Test
    void refusesMatricesOfAnotherBackendAndBadShapes() {
        FixedPointArithmetic a = new FixedPointArithmetic();
        DoubleMatrix d = new DoubleMatrix(2, 2);
        Matrix m = a.zeros(2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(m, d));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("DoubleMatrix"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.mul(m, a.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> a.matmul(m, a.zeros(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> a.addRow(m, a.zeros(1, 3)));
        assertThrows(IllegalArgumentException.class, () -> a.reshape(m, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> a.columns(m, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> a.concatColumns(m, a.zeros(3, 1)));
        assertThrows(IllegalArgumentException.class, () -> a.gather(m, 2, 2, new int[3]));
        assertThrows(IllegalArgumentException.class, () -> a.fromPublic(2, 2, new double[3]));
        assertThrows(ArithmeticException.class, () -> a.constant(1, 1, Double.NaN));
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** Encodings of random reals in (-bound, bound) using all f fractional bits. */
    private static long[] randomEncodings(Random random, int n, double bound, int f) {
        long limit = (long) Math.scalb(bound, f);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextLong(-limit, limit);
        }
        return out;
    }

    private static BigDecimal exact(long encoded, int f) {
        return new BigDecimal(encoded).divide(new BigDecimal(1L << f));
    }

    private static void assertSameValue(BigDecimal expected, BigDecimal actual, String where) {
        assertEquals(0, expected.compareTo(actual), where);
    }

    /** exact - ulp < got <= exact. */
    private static void assertFloor(int f, BigDecimal exactValue, long got, String where) {
        BigDecimal g = exact(got, f);
        BigDecimal ulp = exact(1, f);
        assertTrue(g.compareTo(exactValue) <= 0 && g.compareTo(exactValue.subtract(ulp)) > 0,
                where + ": not the floor of the exact product (f=" + f + ")");
    }
}
