package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * The softmax's shift for long rows: the smallest integer above the row maximum, clamped, in two rounds on two
 * parties whatever the row length, equal to the cleartext one; and the softmax of a long row with a shifted e^x
 * uses it (a short row keeps the exact maximum's tree).
 */
class CeilMaxTest {
    private static final byte[] SEED = "ceil max test".getBytes(StandardCharsets.UTF_8);
    private static final int COLS = 40;

    /** Rows whose maxima are a fraction, an integer, negative, and beyond both clamps. */
    private static double[] rows(int extra) {
        double[] maxima = {2.3, 5.0, -0.25, -7.9, -31.5, 31.2, 0.0};
        Random r = new Random(3);
        double[] x = new double[(maxima.length + extra) * COLS];
        for (int i = 0; i < maxima.length + extra; i++) {
            double m = i < maxima.length ? maxima[i] : r.nextDouble(-20, 20);
            for (int k = 0; k < COLS; k++) {
                x[i * COLS + k] = Math.max(-31.9, m - r.nextDouble(0, 12));
            }
            x[i * COLS + r.nextInt(COLS)] = m;
        }
        return x;
    }

    private static double[] expected(double[] x) {
        double[] out = new double[x.length / COLS];
        for (int i = 0; i < out.length; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < COLS; k++) {
                m = Math.max(m, x[i * COLS + k]);
            }
            out[i] = Math.min(CeilMax.HIGH + 1, Math.max(CeilMax.LOW + 1, Math.floor(m) + 1));
        }
        return out;
    }

    @Test
    void theIntegerAboveTheMaximumInCleartext() {
        double[] x = rows(20);
        Arithmetic a = new DoubleArithmetic();
        double[] c = a.reveal(CeilMax.of(a, a.fromPublic(x.length / COLS, COLS, x)));
        assertArrayEquals(expected(x), c, 0.0);
        assertEquals(3.0, c[0]);
        assertEquals(6.0, c[1], "an integer maximum moves to the next integer: the shifted top is in [-1, 0)");
        assertEquals(CeilMax.LOW + 1, c[4], "below the range: clamped");
        assertEquals(CeilMax.HIGH, c[5]);
    }

    @Test
    void twoRoundsOnTwoPartiesWithTheCleartextResult() {
        double[] x = rows(5);
        int rows = x.length / COLS;
        TwoPartyRunner.Result<double[]> r = new TwoPartyRunner(new FixedPoint(16), TruncationMode.WRAP_FREE, SEED).run(a -> {
            Matrix m = a.fromPublic(rows, COLS, x);
            var stats = a.context().channel().stats();
            long before = stats.rounds();
            Matrix c = CeilMax.of(a, m);
            long rounds = stats.rounds() - before;
            double[] out = a.reveal(c);
            double[] withRounds = java.util.Arrays.copyOf(out, out.length + 1);
            withRounds[out.length] = rounds;
            return withRounds;
        });
        double[] got = r.party0();
        assertEquals(2.0, got[rows], "two comparison rounds");
        assertArrayEquals(expected(x), java.util.Arrays.copyOf(got, rows), 0.0);
    }

    @Test
    void longRowsOfAShiftedSoftmaxUseIt() {
        Arithmetic a = new DoubleArithmetic();
        Softmax pwlsm = ApproxConfig.parse(Map.of("exp", "pwlsm:4")).softmax();
        Softmax exact = ApproxConfig.parse(Map.of("exp", "exact")).softmax();
        assertTrue(pwlsm.shiftsByCeiling(COLS));
        assertTrue(!pwlsm.shiftsByCeiling(CeilMax.TREE_UP_TO), "short rows keep the exact maximum");
        assertTrue(!exact.shiftsByCeiling(COLS), "exact e^x (cleartext) keeps the exact maximum");
        double[] x = rows(0);
        int rows = x.length / COLS;
        double[] shifted = a.reveal(pwlsm.prepared(a, a.fromPublic(rows, COLS, x)));
        double[] c = expected(x);
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < COLS; k++) {
                assertEquals(x[i * COLS + k] - c[i], shifted[i * COLS + k], 1e-12);
            }
        }
    }
}
