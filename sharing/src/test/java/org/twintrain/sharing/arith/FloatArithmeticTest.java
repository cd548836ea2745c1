package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FloatArithmetic against DoubleArithmetic on the same inputs (values rounded to float first, so that only
 * float32's own rounding is measured). Tolerances are float32's: one rounding (2^-24 relative, checked as
 * 2^-23) for an elementwise operation; for a sum of k products, 2^-20 times the sum of the products' magnitudes
 * (the worst case of k roundings is k 2^-24 of that; these kernels' errors are far below it, and an index or
 * layout error is of the order of the values themselves).
 */
class FloatArithmeticTest {
    private static final double ONE_ROUNDING = Math.scalb(1.0, -23);
    private static final double SUM_ROUNDING = Math.scalb(1.0, -20);

    private final DoubleArithmetic d = new DoubleArithmetic(2);

    /** m, k, n, threads: edges of the 4-row and 2 x 16-lane blocks, short and long dot products. */
    @ParameterizedTest
    @CsvSource({"1,1,1,1", "5,7,10,1", "4,16,16,2", "9,33,31,2", "13,300,33,2", "128,784,128,2", "128,128,10,2",
        "3,257,65,1", "67,20,48,3"})
    void productsMatchDouble(int m, int k, int n, int threads) {
        FloatArithmetic f = new FloatArithmetic(threads);
        Random r = new Random(m * 10_000L + k * 100L + n);
        double[] a = floats(r, m * k), b = floats(r, k * n), bt = floats(r, n * k), at = floats(r, k * m);
        checkProduct(f, "matmul", m, n, a, b, (x, ab) -> x.matmul(ab[0], ab[1]), m, k, k, n);
        checkProduct(f, "matmulTransposeA", m, n, at, b, (x, ab) -> x.matmulTransposeA(ab[0], ab[1]), k, m, k, n);
        checkProduct(f, "matmulTransposeB", m, n, a, bt, (x, ab) -> x.matmulTransposeB(ab[0], ab[1]), m, k, n, k);
    }

    /** op on float and on double, against the bound computed from |a| and |b| with the same op in double. */
    private void checkProduct(FloatArithmetic f, String what, int m, int n, double[] a, double[] b,
            BiFunction<Arithmetic, Matrix[], Matrix> op, int ar, int ac, int br, int bc) {
        double[] want = d.reveal(op.apply(d, new Matrix[] {d.fromPublic(ar, ac, a), d.fromPublic(br, bc, b)}));
        double[] bound = d.reveal(op.apply(d, new Matrix[] {d.fromPublic(ar, ac, abs(a)), d.fromPublic(br, bc, abs(b))}));
        Matrix got = op.apply(f, new Matrix[] {f.fromPublic(ar, ac, a), f.fromPublic(br, bc, b)});
        assertEquals(m + "x" + n, got.shape(), what);
        double[] g = f.reveal(got);
        for (int i = 0; i < want.length; i++) {
            double tol = SUM_ROUNDING * bound[i] + Float.MIN_NORMAL;
            if (Math.abs(g[i] - want[i]) > tol) {
                throw new AssertionError(what + " " + m + "x" + n + " entry " + i + ": float " + g[i] + ", double "
                        + want[i] + ", tolerance " + tol);
            }
        }
    }

    /** channels, height, width, outChannels, k, stride, pad, batch, threads (DoubleConvTest's and ResNet-20's). */
    @ParameterizedTest
    @CsvSource({"2,5,5,3,3,1,1,3,1", "3,4,4,2,1,1,0,3,2", "2,5,5,3,3,2,1,3,2", "3,7,6,4,3,2,0,2,1",
        "1,4,4,2,2,1,0,2,2", "2,6,5,3,3,1,2,2,1", "1,3,3,1,3,1,3,2,1", "2,8,8,3,1,2,0,3,2", "3,5,5,2,5,1,2,2,2",
        "4,16,16,8,3,1,1,40,2", "4,16,16,8,3,2,1,80,2", "4,16,16,7,3,2,1,42,3", "16,32,32,16,3,1,1,3,2",
        "3,32,32,16,3,1,1,2,1", "64,8,8,64,3,1,1,9,2", "32,16,16,64,3,2,1,5,2", "5,17,15,6,3,1,1,3,2",
        "3,20,20,5,5,1,2,2,1", "6,18,18,7,1,1,0,3,2", "4,16,16,5,1,1,0,3,2"})
    void convolutionMatchesDouble(int c, int h, int w, int oc, int k, int s, int p, int batch, int threads) {
        ConvGeometry g = new ConvGeometry(c, h, w, oc, k, s, p);
        FloatArithmetic f = new FloatArithmetic(threads);
        Random r = new Random(c * 1000L + h * 100L + k * 10L + s + batch);
        double[] x = floats(r, batch * g.inSize()), wv = floats(r, g.patchSize() * oc), dy = floats(r, batch * g.outSize());
        double[][] want = conv(d, g, batch, x, wv, dy);
        double[][] bound = conv(d, g, batch, abs(x), abs(wv), abs(dy));
        double[][] got = conv(f, g, batch, x, wv, dy);
        String[] what = {"forward", "kernel gradient", "input gradient"};
        for (int o = 0; o < 3; o++) {
            assertEquals(want[o].length, got[o].length, what[o]);
            for (int i = 0; i < want[o].length; i++) {
                double tol = SUM_ROUNDING * bound[o][i] + Float.MIN_NORMAL;
                if (Math.abs(got[o][i] - want[o][i]) > tol) {
                    throw new AssertionError(what[o] + " of " + g + " batch " + batch + " entry " + i + ": float "
                            + got[o][i] + ", double " + want[o][i] + ", tolerance " + tol);
                }
            }
        }
    }

    private static double[][] conv(Arithmetic a, ConvGeometry g, int batch, double[] x, double[] w, double[] dy) {
        Matrix xm = a.fromPublic(batch, g.inSize(), x), wm = a.fromPublic(g.patchSize(), g.outChannels(), w);
        Matrix dym = a.fromPublic(batch, g.outSize(), dy);
        return new double[][] {a.reveal(a.conv2d(xm, wm, g)), a.reveal(a.conv2dKernelGrad(xm, dym, g)),
            a.reveal(a.conv2dInputGrad(dym, wm, g))};
    }

    /** Elementwise, rearranging and per-channel operations: one float rounding of the double result. */
    @Test
    void elementwiseAndChannelOperationsMatchDouble() {
        FloatArithmetic f = new FloatArithmetic(2);
        Random r = new Random(3);
        int rows = 40, channels = 6, pixels = 700, cols = channels * pixels; // above the threads' threshold
        double[] u = floats(r, rows * cols), v = floats(r, rows * cols);
        double[] pc = floats(r, channels), qc = floats(r, channels), rc = floats(r, channels);
        int[] index = new int[rows * 5];
        for (int i = 0; i < index.length; i++) {
            index[i] = r.nextInt(8) == 0 ? -1 : r.nextInt(rows * cols);
        }
        for (Arithmetic a : new Arithmetic[] {d, f}) {
            a.beginScope(0, 0, "test");
        }
        compare("add", 1, a -> a.add(m(a, rows, cols, u), m(a, rows, cols, v)));
        compare("sub", 1, a -> a.sub(m(a, rows, cols, u), m(a, rows, cols, v)));
        compare("mul", 1, a -> a.mul(m(a, rows, cols, u), m(a, rows, cols, v)));
        compare("square", 1, a -> a.square(m(a, rows, cols, u)));
        compare("scale", 1, a -> a.scale(m(a, rows, cols, u), 0.3));
        compare("addPublic", 2, a -> a.addPublic(m(a, rows, cols, u), -0.7));
        compare("mulPublic", 1, a -> a.mulPublic(m(a, rows, cols, u), v));
        compare("neg", 1, a -> a.neg(m(a, rows, cols, u)));
        compare("transpose", 1, a -> a.transpose(m(a, rows, cols, u)));
        compare("reshape", 1, a -> a.reshape(m(a, rows, cols, u), cols, rows));
        compare("gather", 1, a -> a.gather(m(a, rows, cols, u), rows, 5, index));
        compare("scatterAdd", rows, a -> a.scatterAdd(a.fromPublic(rows, 5, java.util.Arrays.copyOf(v, rows * 5)),
                rows, cols, index));
        compare("columns", 1, a -> a.columns(m(a, rows, cols, u), 3, 50));
        compare("concatColumns", 1, a -> a.concatColumns(m(a, rows, cols, u), m(a, rows, cols, v)));
        compare("addRow", 1, a -> a.addRow(m(a, rows, cols, u), a.fromPublic(1, cols, java.util.Arrays.copyOf(v, cols))));
        compare("sumRows", rows, a -> a.sumRows(m(a, rows, cols, u)));
        compare("sumCols", cols, a -> a.sumCols(m(a, rows, cols, u)));
        compare("channelSums", rows * pixels, a -> a.channelSums(m(a, rows, cols, u), channels));
        compare("channelDotSums", rows * pixels, a -> a.channelDotSums(m(a, rows, cols, u), m(a, rows, cols, v), channels));
        compare("channelAffine", 2, a -> a.channelAffine(m(a, rows, cols, u), m(a, 1, channels, pc), m(a, 1, channels, rc),
                channels));
        compare("channelAffine2", 3, a -> a.channelAffine(m(a, rows, cols, u), m(a, 1, channels, pc), m(a, rows, cols, v),
                m(a, 1, channels, qc), m(a, 1, channels, rc), channels));
        compare("lessThanZero", 1, a -> a.lessThanZero(m(a, rows, cols, u)));
        compare("relu", 1, a -> a.reluWithDerivative(m(a, rows, cols, u))[0]);
        compare("relu derivative", 1, a -> a.reluWithDerivative(m(a, rows, cols, u))[1]);
        compare("max", 3, a -> a.max(m(a, rows, cols, u), m(a, rows, cols, v)));
        compare("applyCleartext", 1, a -> a.applyCleartext(m(a, rows, cols, u), Math::exp));
    }

    /**
     * op on both backends: the float result within terms roundings of the double one (relative to the
     * magnitude of the double result, or to 1 for sums whose terms may cancel).
     */
    private void compare(String what, int terms, java.util.function.Function<Arithmetic, Matrix> op) {
        FloatArithmetic f = new FloatArithmetic(2);
        double[] want = d.reveal(op.apply(d));
        double[] got = f.reveal(op.apply(f));
        assertEquals(want.length, got.length, what);
        double scale = 0;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int i = 0; i < want.length; i++) {
            double tol = terms == 1 ? ONE_ROUNDING * Math.abs(want[i]) : terms * ONE_ROUNDING * Math.max(1, scale);
            if (Math.abs(got[i] - want[i]) > tol) {
                throw new AssertionError(what + " entry " + i + ": float " + got[i] + ", double " + want[i]
                        + ", tolerance " + tol);
            }
        }
    }

    @Test
    void valuesAreRoundedToFloatAndTheBackendSaysSo() {
        FloatArithmetic f = new FloatArithmetic();
        assertEquals("float", f.name());
        assertEquals(0, f.fractionalBits());
        assertTrue(f.isCleartext());
        double[] v = {0.1, 1.0 / 3, 1e-50, 3e40};
        double[] back = f.reveal(f.fromPublic(1, 4, v));
        assertEquals((float) 0.1, back[0]);
        assertTrue(back[0] != 0.1, "0.1 is not a float");
        assertEquals((float) (1.0 / 3), back[1]);
        assertEquals(0.0, back[2]);
        assertEquals(Double.POSITIVE_INFINITY, back[3]);
    }

    @Test
    void repeatedOperationsAreBitIdentical() {
        FloatArithmetic f = new FloatArithmetic(2);
        ConvGeometry g = new ConvGeometry(16, 32, 32, 16, 3, 1, 1);
        Random r = new Random(9);
        Matrix x = f.fromPublic(6, g.inSize(), floats(r, 6 * g.inSize()));
        Matrix dy = f.fromPublic(6, g.outSize(), floats(r, 6 * g.outSize()));
        double[] first = f.reveal(f.conv2dKernelGrad(x, dy, g));
        f.conv2dKernelGrad(x, f.fromPublic(6, g.inSize(), floats(r, 6 * g.inSize())), new ConvGeometry(16, 32, 32, 16, 3, 1, 1));
        assertArrayEquals(first, f.reveal(f.conv2dKernelGrad(x, dy, g)));
    }

    @Test
    void refusesOtherBackendsMatricesAndWrongShapes() {
        FloatArithmetic f = new FloatArithmetic();
        Matrix dm = d.fromPublic(1, 2, new double[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.add(dm, dm));
        assertTrue(e.getMessage().contains("backend float expects a FloatMatrix"), e.getMessage());
        Matrix a = f.fromPublic(2, 3, new double[6]), b = f.fromPublic(2, 3, new double[6]);
        assertThrows(IllegalArgumentException.class, () -> f.matmul(a, b));
        assertThrows(IllegalArgumentException.class, () -> f.fromPublic(2, 2, new double[3]));
    }

    private static Matrix m(Arithmetic a, int rows, int cols, double[] v) {
        return a.fromPublic(rows, cols, v);
    }

    /** Gaussian values already rounded to float. */
    private static double[] floats(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double[] abs(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }
}
