package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cleartext backends' rowMaxAtLeast, from the row maximum, gives the bits of the interface's default. */
class RowMaxAtLeastTest {
    private static final double[] THRESHOLDS = {-31, -2.5, -1, 0, 0.75, 1, 32};

    static Stream<Arithmetic> backends() {
        return Stream.of(new DoubleArithmetic(1), new FloatArithmetic(1));
    }

    /** The interface's default, spelled out: every entry against every threshold, counted, compared with 0.5. */
    private static Matrix byCounting(Arithmetic a, Matrix x, double[] thresholds) {
        int rows = x.rows(), count = thresholds.length;
        Matrix[] shifted = new Matrix[count];
        for (int j = 0; j < count; j++) {
            shifted[j] = a.addPublic(x, -thresholds[j]);
        }
        Matrix reached = a.addPublic(a.neg(a.lessThanZero(a.concatColumns(shifted))), 1.0);
        Matrix counts = a.sumCols(a.reshape(reached, rows * count, x.cols()));
        return a.reshape(a.addPublic(a.neg(a.lessThanZero(a.addPublic(counts, -0.5))), 1.0), rows, count);
    }

    /** Rows of 5 whose maxima sit on, just below and just above each threshold, NaN and infinities among them. */
    private static double[] rows(Random r) {
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e-30, -1e-30};
        int n = THRESHOLDS.length * 5 + specials.length;
        double[] v = new double[n * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = -40 + r.nextDouble() * 20; // below every maximum set next
        }
        int row = 0;
        for (double t : THRESHOLDS) {
            for (double m : new double[] {t, Math.nextDown(t), Math.nextUp(t), Math.nextDown((float) t),
                Math.nextUp((float) t)}) {
                v[row * 5 + r.nextInt(5)] = m;
                row++;
            }
        }
        for (double s : specials) {
            v[row * 5 + r.nextInt(5)] = s;
            row++;
        }
        return v;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void givesTheDefaultsBitsOnEveryRow(Arithmetic a) {
        double[] v = rows(new Random(19));
        Matrix x = a.fromPublic(v.length / 5, 5, v);

        Matrix got = a.rowMaxAtLeast(x, THRESHOLDS);

        assertEquals(v.length / 5 + "x" + THRESHOLDS.length, got.shape());
        assertArrayEquals(a.reveal(byCounting(a, x, THRESHOLDS)), a.reveal(got));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void marksTheThresholdsEachRowsMaximumReaches(Arithmetic a) {
        Matrix x = a.fromPublic(3, 3, new double[] {-1, 0.5, -4, 5, -3, 1, -9, -8, -7});
        assertArrayEquals(new double[] {
            1, 0, 0, // max 0.5 reaches 0, not 1 or 2.5
            1, 1, 1, // max 5
            0, 0, 0, // max -7
        }, a.reveal(a.rowMaxAtLeast(x, new double[] {0, 1, 2.5})));
    }
}
