package org.twintrain.sharing.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The vector kernel must agree bit for bit with the scalar triple loop, wrap-around included. */
class RingMatMulTest {

    private static LongMatrix random(int rows, int cols, SplittableRandom rnd) {
        long[] d = new long[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextLong(); // full range, so products overflow and wrap
        }
        return new LongMatrix(rows, cols, d);
    }

    @ParameterizedTest(name = "{0}x{1} times {1}x{2}")
    @CsvSource({
        "1, 1, 1", "3, 5, 7", "1, 9, 1", "6, 128, 16", "7, 129, 17", "5, 1, 33", "13, 300, 10",
        "128, 784, 128", "129, 785, 127", "200, 64, 40", "61, 257, 95", "0, 4, 3", "3, 0, 4", "3, 4, 0"
    })
    void matchesScalarKernel(int m, int k, int n) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 17L * k + n);
        LongMatrix a = random(m, k, rnd);
        LongMatrix b = random(k, n, rnd);
        LongMatrix expected = RingMatMul.multiplyScalar(a, b);

        assertEquals(expected, RingMatMul.multiply(a, b, 1), "single thread");
        assertEquals(expected, RingMatMul.multiply(a, b, 2), "two threads");
        assertEquals(expected, RingMatMul.multiply(a, b, 5), "more threads than cores");
        assertEquals(expected, RingMatMul.multiply(a, b), "default");
        assertEquals(expected, a.matmul(b), "LongMatrix.matmul");
    }

    @ParameterizedTest(name = "transposes {0}, {1}, {2}")
    @CsvSource({"1, 1, 1", "3, 5, 7", "129, 785, 127", "10, 128, 128", "784, 128, 10", "7, 33, 6"})
    void transposedOperandsMatchExplicitTranspose(int m, int k, int n) {
        SplittableRandom rnd = new SplittableRandom(7L * m + 3L * k + n);
        LongMatrix a = random(m, k, rnd);
        LongMatrix b = random(k, n, rnd);
        LongMatrix expected = RingMatMul.multiplyScalar(a, b);
        LongMatrix aT = a.transpose();
        LongMatrix bT = b.transpose();

        assertEquals(expected, RingMatMul.multiplyTransposeA(aT, b), "A^T B");
        assertEquals(expected, RingMatMul.multiplyTransposeA(aT, b, 1), "A^T B, one thread");
        assertEquals(expected, RingMatMul.multiplyTransposeB(a, bT), "A B^T");
        assertEquals(expected, RingMatMul.multiplyTransposeB(a, bT, 1), "A B^T, one thread");
    }

    @Test
    void wrapsModTwoToThe64() {
        // (2^63 - 1) * 2 + 2^63 * 1 wraps to -2 + 2^63 = Long.MAX_VALUE - 1 mod 2^64
        LongMatrix a = new LongMatrix(1, 2, new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
        LongMatrix b = new LongMatrix(2, 1, new long[] {2, 1});
        assertEquals(Long.MAX_VALUE * 2 + Long.MIN_VALUE, RingMatMul.multiply(a, b).get(0, 0));
        assertEquals(Long.MAX_VALUE - 1, RingMatMul.multiply(a, b).get(0, 0));
    }

    @Test
    void repeatedParallelProductsAreDeterministic() {
        SplittableRandom rnd = new SplittableRandom(99);
        LongMatrix a = random(300, 200, rnd);
        LongMatrix b = random(200, 70, rnd);
        LongMatrix first = RingMatMul.multiply(a, b, 2);
        for (int i = 0; i < 5; i++) {
            assertEquals(first, RingMatMul.multiply(a, b, 2));
        }
        assertEquals(RingMatMul.multiplyScalar(a, b), first);
    }

    @Test
    void concurrentCallersShareThePoolCorrectly() throws Exception {
        // Two parties in one JVM (or several Spark tasks) multiply at the same time through the one pool.
        SplittableRandom rnd = new SplittableRandom(5);
        LongMatrix a = random(150, 260, rnd);
        LongMatrix b = random(260, 90, rnd);
        LongMatrix c = random(90, 260, rnd);
        LongMatrix ab = RingMatMul.multiplyScalar(a, b);
        LongMatrix ca = RingMatMul.multiplyScalar(c, a.transpose());
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<Boolean>> checks = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                checks.add(callers.submit(() -> ab.equals(RingMatMul.multiply(a, b))));
                checks.add(callers.submit(() -> ca.equals(RingMatMul.multiplyTransposeB(c, a))));
            }
            for (Future<Boolean> check : checks) {
                assertTrue(check.get(), "a concurrent product differed from the scalar one");
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void rejectsMismatchedShapesAndBadThreadCounts() {
        LongMatrix a = new LongMatrix(2, 3);
        LongMatrix b = new LongMatrix(4, 2);
        assertThrows(IllegalArgumentException.class, () -> RingMatMul.multiply(a, b));
        assertThrows(IllegalArgumentException.class, () -> RingMatMul.multiplyTransposeA(a, b));
        assertThrows(IllegalArgumentException.class, () -> RingMatMul.multiplyTransposeB(a, b));
        assertThrows(IllegalArgumentException.class, () -> RingMatMul.multiply(a, new LongMatrix(3, 2), 0));
    }
}
