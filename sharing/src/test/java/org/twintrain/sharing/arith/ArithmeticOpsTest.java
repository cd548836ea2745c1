package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.twintrain.sharing.testing.Backends.assertClose;
import static org.twintrain.sharing.testing.Backends.randomValues;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.twintrain.sharing.testing.BackendCase;
import org.twintrain.sharing.testing.Backends;

/**
 * Every {@link Arithmetic} operation on every backend against a double reference computed here. Inputs are on
 * the 2^-13 grid (exact on every backend), so linear operations must be exact and each truncated product may
 * be off by at most one ulp. Linear operations use large values (2^36, within the fixed-point range of f = 16
 * and small enough that the double reference stays exact); products use values up to 16, small enough that a
 * two-party run's share truncation is reliable.
 */
class ArithmeticOpsTest {
    private static final String ALL = "org.twintrain.sharing.testing.Backends#all";
    private static final double LARGE = Math.scalb(1.0, 36);
    private static final double SMALL = 16.0;
    private static final int R = 5;
    private static final int C = 7;

    private static double[] values(long seed, int n, double magnitude) {
        return randomValues(new Random(seed), n, magnitude);
    }

    // ---- values in and out ----------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource(ALL)
    void fromPublicRevealConstantZeros(BackendCase backend) {
        double[] x = values(1, R * C, LARGE);
        double[] got = backend.run(a -> concat(
                a.reveal(a.fromPublic(R, C, x)),
                a.reveal(a.constant(2, 3, -2.5)),
                a.reveal(a.zeros(3, 2))));
        assertClose(backend, concat(x, fill(6, -2.5), fill(6, 0.0)), got, 0);
    }

    @ParameterizedTest
    @MethodSource(ALL)
    void shapes(BackendCase backend) {
        double[] got = backend.run(a -> {
            Matrix m = a.fromPublic(R, C, new double[R * C]);
            Matrix t = a.transpose(m);
            Matrix s = a.sumRows(m);
            Matrix c = a.sumCols(m);
            Matrix p = a.matmul(m, t);
            Matrix g = a.gather(m, 2, 3, new int[6]);
            return new double[] {t.rows(), t.cols(), s.rows(), s.cols(), c.rows(), c.cols(), p.rows(), p.cols(),
                g.rows(), g.cols()};
        });
        assertArrayEquals(new double[] {C, R, 1, C, R, 1, R, R, 2, 3}, got);
    }

    // ---- linear ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource(ALL)
    void addSubNegAddPublicScaleInteger(BackendCase backend) {
        double[] x = values(2, R * C, LARGE), y = values(3, R * C, LARGE);
        double c = -12345.125;
        long k = -7;
        double[] got = backend.run(a -> {
            Matrix mx = a.fromPublic(R, C, x), my = a.fromPublic(R, C, y);
            return concat(a.reveal(a.add(mx, my)), a.reveal(a.sub(mx, my)), a.reveal(a.neg(mx)),
                    a.reveal(a.addPublic(mx, c)), a.reveal(a.scaleInteger(mx, k)));
        });
        int n = x.length;
        double[] expected = new double[5 * n];
        for (int i = 0; i < n; i++) {
            expected[i] = x[i] + y[i];
            expected[n + i] = x[i] - y[i];
            expected[2 * n + i] = -x[i];
            expected[3 * n + i] = x[i] + c;
            expected[4 * n + i] = x[i] * k;
        }
        assertClose(backend, expected, got, 0);
    }

    @ParameterizedTest
    @MethodSource(ALL)
    void addRowSumRowsSumCols(BackendCase backend) {
        double[] x = values(4, R * C, LARGE), row = values(5, C, LARGE);
        double[] got = backend.run(a -> {
            Matrix m = a.fromPublic(R, C, x);
            return concat(a.reveal(a.addRow(m, a.fromPublic(1, C, row))), a.reveal(a.sumRows(m)),
                    a.reveal(a.sumCols(m)));
        });
        double[] added = new double[R * C], rowSums = new double[C], colSums = new double[R];
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                added[i * C + j] = x[i * C + j] + row[j];
                rowSums[j] += x[i * C + j];
                colSums[i] += x[i * C + j];
            }
        }
        assertClose(backend, concat(added, rowSums, colSums), got, 0);
    }

    @ParameterizedTest
    @MethodSource(ALL)
    void transposeReshapeColumnsConcat(BackendCase backend) {
        double[] x = values(6, R * C, LARGE), y = values(7, R * 2, LARGE);
        double[] got = backend.run(a -> {
            Matrix m = a.fromPublic(R, C, x);
            return concat(a.reveal(a.transpose(m)), a.reveal(a.reshape(m, C, R)), a.reveal(a.columns(m, 2, 5)),
                    a.reveal(a.concatColumns(m, a.fromPublic(R, 2, y), a.columns(m, 0, 1))));
        });
        double[] transposed = new double[R * C], cols = new double[R * 3], joined = new double[R * (C + 3)];
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                transposed[j * R + i] = x[i * C + j];
                joined[i * (C + 3) + j] = x[i * C + j];
            }
            for (int j = 2; j < 5; j++) {
                cols[i * 3 + j - 2] = x[i * C + j];
            }
            joined[i * (C + 3) + C] = y[i * 2];
            joined[i * (C + 3) + C + 1] = y[i * 2 + 1];
            joined[i * (C + 3) + C + 2] = x[i * C];
        }
        assertClose(backend, concat(transposed, x, cols, joined), got, 0);
    }

    @ParameterizedTest
    @MethodSource(ALL)
    void gatherAndScatterAdd(BackendCase backend) {
        double[] x = values(8, R * C, LARGE);
        // Repeated sources (so scatterAdd must add) and -1 (zero in gather, dropped in scatterAdd).
        int[] index = randomIndex(new Random(9), 4 * 6, R * C);
        double[] got = backend.run(a -> {
            Matrix m = a.fromPublic(R, C, x);
            Matrix g = a.gather(m, 4, 6, index);
            return concat(a.reveal(g), a.reveal(a.scatterAdd(g, R, C, index)));
        });
        double[] gathered = new double[index.length], scattered = new double[R * C];
        for (int i = 0; i < index.length; i++) {
            gathered[i] = index[i] < 0 ? 0.0 : x[index[i]];
            if (index[i] >= 0) {
                scattered[index[i]] += gathered[i];
            }
        }
        assertClose(backend, concat(gathered, scattered), got, 0);
    }

    /** gather and scatterAdd are adjoint: <gather(x), y> = <x, scatterAdd(y)>. */
    @ParameterizedTest
    @MethodSource(ALL)
    void scatterAddIsTheAdjointOfGather(BackendCase backend) {
        Random random = new Random(10);
        double[] x = randomValues(random, 6 * 8, 8.0), y = randomValues(random, 9 * 9, 8.0);
        int[] index = randomIndex(random, y.length, x.length);
        double[] got = backend.run(a -> concat(
                a.reveal(a.gather(a.fromPublic(6, 8, x), 9, 9, index)),
                a.reveal(a.scatterAdd(a.fromPublic(9, 9, y), 6, 8, index))));
        double[] gx = java.util.Arrays.copyOfRange(got, 0, y.length);
        double[] sy = java.util.Arrays.copyOfRange(got, y.length, got.length);
        // Grid values of magnitude <= 8: every product and sum here is exact in double.
        assertEquals(dot(gx, y), dot(x, sy), 0.0);
        assertTrue(dot(gx, y) != 0.0, "the inner product should not be trivially zero");
    }

    // ---- multiplicative --------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource(ALL)
    void mulSquareScaleMulPublic(BackendCase backend) {
        double[] x = values(11, R * C, SMALL), y = values(12, R * C, SMALL), p = values(13, R * C, SMALL);
        double c = -3.376953125;
        double[] got = backend.run(a -> {
            Matrix mx = a.fromPublic(R, C, x), my = a.fromPublic(R, C, y);
            return concat(a.reveal(a.mul(mx, my)), a.reveal(a.square(mx)), a.reveal(a.scale(mx, c)),
                    a.reveal(a.mulPublic(mx, p)));
        });
        int n = x.length;
        double[] expected = new double[4 * n];
        for (int i = 0; i < n; i++) {
            expected[i] = x[i] * y[i];
            expected[n + i] = x[i] * x[i];
            expected[2 * n + i] = x[i] * c;
            expected[3 * n + i] = x[i] * p[i];
        }
        assertClose(backend, expected, got, 1);
    }

    @ParameterizedTest
    @MethodSource(ALL)
    void mulBatchEqualsMulOneByOne(BackendCase backend) {
        double[] x = values(14, R * C, SMALL), y = values(15, R * C, SMALL), z = values(16, 3, SMALL);
        double[] got = backend.run(a -> {
            Matrix[] out = a.mulBatch(new Matrix[] {a.fromPublic(R, C, x), a.fromPublic(1, 3, z)},
                    new Matrix[] {a.fromPublic(R, C, y), a.fromPublic(1, 3, z)});
            return concat(a.reveal(out[0]), a.reveal(out[1]));
        });
        double[] expected = new double[x.length + 3];
        for (int i = 0; i < x.length; i++) {
            expected[i] = x[i] * y[i];
        }
        for (int i = 0; i < 3; i++) {
            expected[x.length + i] = z[i] * z[i];
        }
        assertClose(backend, expected, got, 1);
    }

    @ParameterizedTest
    @MethodSource(ALL)
    void matmulAndTransposedProducts(BackendCase backend) {
        int m = 6, k = 9, n = 4;
        double[] x = values(17, m * k, 8.0), y = values(18, k * n, 8.0);
        double[] xt = transpose(x, m, k), yt = transpose(y, k, n);
        double[] got = backend.run(a -> concat(
                a.reveal(a.matmul(a.fromPublic(m, k, x), a.fromPublic(k, n, y))),
                a.reveal(a.matmulTransposeA(a.fromPublic(k, m, xt), a.fromPublic(k, n, y))),
                a.reveal(a.matmulTransposeB(a.fromPublic(m, k, x), a.fromPublic(n, k, yt)))));
        double[] expected = naiveMatmul(x, y, m, k, n);
        assertClose(backend, concat(expected, expected, expected), got, 1);
    }

    // ---- comparisons -----------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource(ALL)
    void lessThanZeroSelectReluMax(BackendCase backend) {
        double u = Math.scalb(1.0, -Backends.GRID_BITS);
        // The edges first: zero, one grid step either side of it, large magnitudes.
        double[] x = concat(new double[] {0.0, -u, u, -1000.25, 1000.25}, values(19, 20, SMALL));
        double[] y = values(20, x.length, SMALL);
        int n = x.length;
        double[] got = backend.run(a -> {
            Matrix mx = a.fromPublic(1, n, x), my = a.fromPublic(1, n, y);
            Matrix[] relu = a.reluWithDerivative(mx);
            return concat(a.reveal(a.lessThanZero(mx)), a.reveal(a.select(a.lessThanZero(mx), mx, my)),
                    a.reveal(a.relu(mx)), a.reveal(relu[0]), a.reveal(relu[1]), a.reveal(a.max(mx, my)));
        });
        double[] lt = new double[n], sel = new double[n], relu = new double[n], max = new double[n];
        for (int i = 0; i < n; i++) {
            lt[i] = x[i] < 0 ? 1.0 : 0.0;
            sel[i] = x[i] < 0 ? x[i] : y[i];
            relu[i] = Math.max(0.0, x[i]);
            max[i] = Math.max(x[i], y[i]);
        }
        assertClose(backend, lt, slice(got, 0, n), 0);
        assertClose(backend, sel, slice(got, n, n), 1);
        assertClose(backend, relu, slice(got, 2 * n, n), 1);
        assertClose(backend, relu, slice(got, 3 * n, n), 1);
        double[] derivative = slice(got, 4 * n, n);
        for (int i = 0; i < n; i++) {
            // At exactly 0 the derivative is a convention; elsewhere it is the indicator of x > 0.
            if (x[i] != 0.0) {
                assertEquals(x[i] > 0 ? 1.0 : 0.0, derivative[i], backend.tolerance(0, 1.0), backend + ": relu' at " + i);
            }
        }
        assertClose(backend, max, slice(got, 5 * n, n), 1);
    }

    /** No operation writes into its arguments (the fixed-point backend truncates fresh products in place). */
    @ParameterizedTest
    @MethodSource(ALL)
    void operationsLeaveTheirArgumentsUnchanged(BackendCase backend) {
        double[] x = values(21, R * C, SMALL), y = values(22, R * C, SMALL);
        double[] got = backend.run(a -> {
            Matrix mx = a.fromPublic(R, C, x), my = a.fromPublic(R, C, y);
            a.mul(mx, my);
            a.square(mx);
            a.scale(mx, 0.5);
            a.mulPublic(mx, y);
            a.matmul(mx, a.transpose(my));
            a.matmulTransposeA(mx, my);
            a.matmulTransposeB(mx, my);
            a.add(mx, my);
            a.neg(mx);
            a.addPublic(mx, 1.0);
            a.reshape(mx, C, R);
            a.lessThanZero(mx);
            a.relu(my);
            return concat(a.reveal(mx), a.reveal(my));
        });
        assertClose(backend, concat(x, y), got, 0);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static int[] randomIndex(Random random, int n, int sourceSize) {
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            // About one in eight is -1; the rest repeat sources often because n is close to sourceSize.
            index[i] = random.nextInt(8) == 0 ? -1 : random.nextInt(sourceSize);
        }
        return index;
    }

    static double[] naiveMatmul(double[] x, double[] y, int m, int k, int n) {
        double[] z = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += x[i * k + p] * y[p * n + j];
                }
                z[i * n + j] = s;
            }
        }
        return z;
    }

    static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int o = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static double[] slice(double[] a, int from, int length) {
        return java.util.Arrays.copyOfRange(a, from, from + length);
    }

    static double[] fill(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }
}
