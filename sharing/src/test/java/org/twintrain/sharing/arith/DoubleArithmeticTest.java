package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DoubleArithmetic's dgemm products against a naive triple loop, for every operand layout and for shapes on
 * both sides of the threshold where the product is split over threads.
 */
class DoubleArithmeticTest {

    @Test
    void identity() {
        DoubleArithmetic a = new DoubleArithmetic();
        assertEquals("double", a.name());
        assertEquals(0, a.fractionalBits());
        assertEquals(0.0, a.resolution());
        assertTrue(a.isCleartext());
    }

    /** m, k, n, threads; 130 x 150 x 120 = 2.3M multiply-adds crosses the 2M threshold. */
    @ParameterizedTest
    @CsvSource({"1,1,1,2", "3,5,2,2", "17,33,9,2", "1,40,7,2", "9,1,11,2", "131,150,120,2", "131,150,120,1",
        "131,150,120,3", "2,2000,1000,2"})
    void productsEqualTheNaiveTripleLoop(int m, int k, int n, int threads) {
        DoubleArithmetic a = new DoubleArithmetic(threads);
        Random random = new Random(31L * m + k + n);
        double[] x = gaussians(random, m * k), y = gaussians(random, k * n);
        double[] expected = ArithmeticOpsTest.naiveMatmul(x, y, m, k, n);
        double[] bound = absoluteProducts(x, y, m, k, n);
        Matrix mx = a.fromPublic(m, k, x), my = a.fromPublic(k, n, y);
        Matrix plain = a.matmul(mx, my);
        Matrix ta = a.matmulTransposeA(a.fromPublic(k, m, ArithmeticOpsTest.transpose(x, m, k)), my);
        Matrix tb = a.matmulTransposeB(mx, a.fromPublic(n, k, ArithmeticOpsTest.transpose(y, k, n)));
        for (Matrix got : new Matrix[] {plain, ta, tb}) {
            assertEquals(m, got.rows());
            assertEquals(n, got.cols());
            double[] g = a.reveal(got);
            for (int i = 0; i < g.length; i++) {
                // Reordered summation: error within k roundings of the sum of |terms|.
                assertEquals(expected[i], g[i], (k + 2) * 0x1p-52 * bound[i], "entry " + i);
            }
        }
    }

    @Test
    void emptyProducts() {
        DoubleArithmetic a = new DoubleArithmetic();
        assertArrayEquals(new double[12], a.reveal(a.matmul(a.zeros(3, 0), a.zeros(0, 4))));
        Matrix empty = a.matmul(a.zeros(0, 5), a.constant(5, 2, 1.0));
        assertEquals(0, empty.rows());
        assertEquals(2, empty.cols());
    }

    @Test
    void refusesMismatchedShapesAndForeignMatrices() {
        DoubleArithmetic a = new DoubleArithmetic();
        assertThrows(IllegalArgumentException.class, () -> a.matmul(a.zeros(2, 3), a.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> a.matmulTransposeA(a.zeros(2, 3), a.zeros(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> a.matmulTransposeB(a.zeros(2, 3), a.zeros(3, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.add(a.zeros(1, 1), new FixedPointArithmetic().zeros(1, 1)));
        assertTrue(e.getMessage().contains("LongMatrix"), e.getMessage());
    }

    @Test
    void applyCleartextAppliesTheFunction() {
        DoubleArithmetic a = new DoubleArithmetic();
        double[] x = gaussians(new Random(5), 20);
        double[] got = a.reveal(a.applyCleartext(a.fromPublic(4, 5, x), Math::exp));
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.exp(x[i]), got[i]);
        }
    }

    /** fromPublic copies, so a caller that reuses its array cannot change a matrix after the fact. */
    @Test
    void fromPublicCopiesItsInput() {
        DoubleArithmetic a = new DoubleArithmetic();
        double[] x = {1, 2, 3};
        Matrix m = a.fromPublic(1, 3, x);
        x[0] = 9;
        assertArrayEquals(new double[] {1, 2, 3}, a.reveal(m));
    }

    private static double[] gaussians(Random random, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextGaussian();
        }
        return out;
    }

    /** Entry (i, j): sum over p of |x[i,p] y[p,j]|. */
    private static double[] absoluteProducts(double[] x, double[] y, int m, int k, int n) {
        double[] ax = x.clone(), ay = y.clone();
        for (int i = 0; i < ax.length; i++) {
            ax[i] = Math.abs(ax[i]);
        }
        for (int i = 0; i < ay.length; i++) {
            ay[i] = Math.abs(ay[i]);
        }
        return ArithmeticOpsTest.naiveMatmul(ax, ay, m, k, n);
    }
}
