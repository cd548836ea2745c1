package org.twintrain.sharing.arith;

import dev.ludovic.netlib.blas.BLAS;
import java.util.function.DoubleUnaryOperator;

/**
 * Plain double precision: the accuracy study and the fast path of the training engine. No truncation, no
 * range limit; {@link #fractionalBits()} and {@link #resolution()} are 0. Scopes are ignored.
 *
 * <p>Matrix products are {@link Dgemm}'s Vector API kernels; convolutions go through netlib's dgemm (with
 * {@code -Ddev.ludovic.netlib.blas.allowNative=false} its Vector API kernel; see {@link DoubleConv}). Products
 * larger than {@link #PARALLEL_THRESHOLD} multiply-adds are split by output rows over {@code threads}
 * threads (the caller computes one slice itself); convolutions and large elementwise passes are split too
 * ({@link Parallel}).
 *
 * <p>Operations never write into their arguments; every result is a fresh matrix.
 */
public final class DoubleArithmetic implements Arithmetic {

    /** Multiply-adds above which a product is split over threads; below it the hand-off costs more. */
    public static final long PARALLEL_THRESHOLD = Parallel.PARALLEL_THRESHOLD;

    private final BLAS blas = BLAS.getInstance();
    private final Parallel parallel;
    private final DoubleConv conv;

    /** Two threads per product (the machines this runs on have two cores per task). */
    public DoubleArithmetic() {
        this(2);
    }

    public DoubleArithmetic(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.parallel = new Parallel(threads);
        this.conv = new DoubleConv(blas, parallel);
    }

    @Override
    public String name() {
        return "double";
    }

    @Override
    public int fractionalBits() {
        return 0;
    }

    @Override
    public boolean isCleartext() {
        return true;
    }

    @Override
    public void beginScope(long epoch, long step, String layer) {
        // No triples, nothing to key.
    }

    // ---- values in and out ----------------------------------------------------------------------------

    @Override
    public Matrix fromPublic(int rows, int cols, double[] values) {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException("fromPublic: shape " + rows + "x" + cols + " does not fit "
                    + values.length + " values");
        }
        return new DoubleMatrix(rows, cols, values.clone());
    }

    @Override
    public Matrix constant(int rows, int cols, double c) {
        DoubleMatrix m = new DoubleMatrix(rows, cols);
        if (c != 0.0) {
            java.util.Arrays.fill(m.data(), c);
        }
        return m;
    }

    @Override
    public double[] reveal(Matrix x) {
        return dm(x, "reveal").data().clone();
    }

    // ---- linear ----------------------------------------------------------------------------------------

    @Override
    public Matrix add(Matrix a, Matrix b) {
        DoubleMatrix x = dm(a, "add"), y = sameShape(x, dm(b, "add"), "add");
        double[] p = x.data(), q = y.data(), out = new double[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = p[i] + q[i];
            }
        });
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix sub(Matrix a, Matrix b) {
        DoubleMatrix x = dm(a, "sub"), y = sameShape(x, dm(b, "sub"), "sub");
        double[] p = x.data(), q = y.data(), out = new double[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = p[i] - q[i];
            }
        });
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix neg(Matrix a) {
        return scale(a, -1.0);
    }

    @Override
    public Matrix addPublic(Matrix a, double c) {
        DoubleMatrix x = dm(a, "addPublic");
        double[] p = x.data(), out = new double[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i] + c;
        }
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix scale(Matrix a, double c) {
        DoubleMatrix x = dm(a, "scale");
        double[] p = x.data(), out = new double[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = p[i] * c;
            }
        });
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix scaleInteger(Matrix a, long k) {
        return scale(a, (double) k);
    }

    @Override
    public Matrix mulPublic(Matrix a, double[] publicValues) {
        DoubleMatrix x = dm(a, "mulPublic");
        if (publicValues.length != x.size()) {
            throw new IllegalArgumentException("mulPublic: " + publicValues.length + " public values for a "
                    + x.shape() + " matrix");
        }
        double[] p = x.data(), out = new double[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i] * publicValues[i];
        }
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix addRow(Matrix a, Matrix row) {
        DoubleMatrix x = dm(a, "addRow"), r = dm(row, "addRow");
        if (r.rows() != 1 || r.cols() != x.cols()) {
            throw new IllegalArgumentException("addRow: row " + r.shape() + " does not fit " + x.shape());
        }
        int cols = x.cols();
        double[] p = x.data(), rv = r.data(), out = new double[p.length];
        for (int i = 0; i < x.rows(); i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[o + j] = p[o + j] + rv[j];
            }
        }
        return new DoubleMatrix(x.rows(), cols, out);
    }

    @Override
    public Matrix sumRows(Matrix a) {
        DoubleMatrix x = dm(a, "sumRows");
        int cols = x.cols();
        double[] p = x.data(), out = new double[cols];
        for (int i = 0; i < x.rows(); i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += p[o + j];
            }
        }
        return new DoubleMatrix(1, cols, out);
    }

    @Override
    public Matrix sumCols(Matrix a) {
        DoubleMatrix x = dm(a, "sumCols");
        int cols = x.cols();
        double[] p = x.data(), out = new double[x.rows()];
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                s += p[o + j];
            }
            out[i] = s;
        }
        return new DoubleMatrix(out.length, 1, out);
    }

    @Override
    public Matrix transpose(Matrix a) {
        DoubleMatrix x = dm(a, "transpose");
        int rows = x.rows(), cols = x.cols();
        double[] p = x.data(), out = new double[p.length];
        // Blocked so that both the reads and the writes stay within a few cache lines.
        final int block = 32;
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int c0 = 0; c0 < cols; c0 += block) {
                int c1 = Math.min(cols, c0 + block);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        out[c * rows + r] = p[r * cols + c];
                    }
                }
            }
        }
        return new DoubleMatrix(cols, rows, out);
    }

    @Override
    public Matrix reshape(Matrix a, int rows, int cols) {
        DoubleMatrix x = dm(a, "reshape");
        if ((long) rows * cols != x.size()) {
            throw new IllegalArgumentException("reshape: " + x.shape() + " cannot become " + rows + "x" + cols);
        }
        return new DoubleMatrix(rows, cols, x.data().clone());
    }

    @Override
    public Matrix gather(Matrix a, int rows, int cols, int[] index) {
        DoubleMatrix x = dm(a, "gather");
        if ((long) rows * cols != index.length) {
            throw new IllegalArgumentException("gather: " + index.length + " indices for a " + rows + "x" + cols
                    + " result");
        }
        double[] p = x.data(), out = new double[index.length];
        for (int i = 0; i < out.length; i++) {
            int s = index[i];
            if (s >= 0) {
                out[i] = p[s];
            }
        }
        return new DoubleMatrix(rows, cols, out);
    }

    @Override
    public Matrix scatterAdd(Matrix a, int rows, int cols, int[] index) {
        DoubleMatrix x = dm(a, "scatterAdd");
        if (index.length != x.size()) {
            throw new IllegalArgumentException("scatterAdd: " + index.length + " indices for a " + x.shape()
                    + " input");
        }
        double[] p = x.data(), out = new double[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < p.length; i++) {
            int t = index[i];
            if (t >= 0) {
                out[t] += p[i];
            }
        }
        return new DoubleMatrix(rows, cols, out);
    }

    @Override
    public Matrix columns(Matrix a, int from, int to) {
        DoubleMatrix x = dm(a, "columns");
        if (from < 0 || to > x.cols() || from > to) {
            throw new IllegalArgumentException("columns: [" + from + ", " + to + ") out of " + x.shape());
        }
        int width = to - from, cols = x.cols();
        double[] p = x.data(), out = new double[x.rows() * width];
        for (int i = 0; i < x.rows(); i++) {
            System.arraycopy(p, i * cols + from, out, i * width, width);
        }
        return new DoubleMatrix(x.rows(), width, out);
    }

    @Override
    public Matrix concatColumns(Matrix... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concatColumns: no parts");
        }
        int rows = parts[0].rows(), width = 0;
        for (Matrix p : parts) {
            if (p.rows() != rows) {
                throw new IllegalArgumentException("concatColumns: row counts differ: " + parts[0].shape() + " vs "
                        + p.shape());
            }
            width += p.cols();
        }
        double[] out = new double[Math.multiplyExact(rows, width)];
        int offset = 0;
        for (Matrix p : parts) {
            DoubleMatrix x = dm(p, "concatColumns");
            int c = x.cols();
            for (int i = 0; i < rows; i++) {
                System.arraycopy(x.data(), i * c, out, i * width + offset, c);
            }
            offset += c;
        }
        return new DoubleMatrix(rows, width, out);
    }

    // ---- multiplicative --------------------------------------------------------------------------------

    @Override
    public Matrix mul(Matrix a, Matrix b) {
        DoubleMatrix x = dm(a, "mul"), y = sameShape(x, dm(b, "mul"), "mul");
        double[] p = x.data(), q = y.data(), out = new double[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = p[i] * q[i];
            }
        });
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix square(Matrix a) {
        DoubleMatrix x = dm(a, "square");
        double[] p = x.data(), out = new double[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i] * p[i];
        }
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    /** a b ({@link Dgemm#nn}). */
    @Override
    public Matrix matmul(Matrix a, Matrix b) {
        DoubleMatrix x = dm(a, "matmul"), y = dm(b, "matmul");
        if (x.cols() != y.rows()) {
            throw new IllegalArgumentException("matmul shape mismatch: " + x.shape() + " x " + y.shape());
        }
        return gemm(Product.PLAIN, x, y, x.rows(), x.cols(), y.cols());
    }

    /** a^T b, without materializing a^T. */
    @Override
    public Matrix matmulTransposeA(Matrix a, Matrix b) {
        DoubleMatrix x = dm(a, "matmulTransposeA"), y = dm(b, "matmulTransposeA");
        if (x.rows() != y.rows()) {
            throw new IllegalArgumentException("matmulTransposeA shape mismatch: (" + x.shape() + ")^T x "
                    + y.shape());
        }
        return gemm(Product.TRANSPOSE_A, x, y, x.cols(), x.rows(), y.cols());
    }

    /** a b^T, as dot products of rows when the inner dimension is long. */
    @Override
    public Matrix matmulTransposeB(Matrix a, Matrix b) {
        DoubleMatrix x = dm(a, "matmulTransposeB"), y = dm(b, "matmulTransposeB");
        if (x.cols() != y.cols()) {
            throw new IllegalArgumentException("matmulTransposeB shape mismatch: " + x.shape() + " x ("
                    + y.shape() + ")^T");
        }
        return gemm(Product.TRANSPOSE_B, x, y, x.rows(), x.cols(), y.rows());
    }

    /** Which operand of a row-major product is stored transposed. */
    private enum Product { PLAIN, TRANSPOSE_A, TRANSPOSE_B }

    /** Inner dimension from which a b^T runs as dot products ({@link Dgemm#nt}); below it b is transposed first. */
    private static final int DOT_PRODUCT_MIN_K = 256;

    /** The m x n row-major result of op(a) op(b) with inner dimension k, split by output rows ({@link Dgemm}). */
    private DoubleMatrix gemm(Product kind, DoubleMatrix a, DoubleMatrix b, int m, int k, int n) {
        double[] c = new double[Math.multiplyExact(m, n)];
        if (m == 0 || n == 0 || k == 0) {
            return new DoubleMatrix(m, n, c);
        }
        Product op = kind == Product.TRANSPOSE_B && k < DOT_PRODUCT_MIN_K ? Product.PLAIN : kind;
        // Short dot products spend more on summing lanes than on multiplying: transpose b (n x k) instead.
        double[] bv = op != kind ? ((DoubleMatrix) transpose(b)).data() : b.data();
        double[] av = a.data();
        parallel.forThreadParts(m, (long) m * k * n, (part, r0, r1) -> {
            switch (op) {
                // a: m x k row-major, b: k x n row-major.
                case PLAIN -> Dgemm.nn(r0, r1, n, k, av, 0, k, 1, bv, 0, n, c, 0, n, false);
                // a: k x m row-major holds A^T, so A(i, p) = a[p * m + i].
                case TRANSPOSE_A -> Dgemm.nn(r0, r1, n, k, av, 0, 1, m, bv, 0, n, c, 0, n, false);
                // b: n x k row-major holds B^T: each entry of C is a dot product of two rows.
                case TRANSPOSE_B -> Dgemm.nt(r0, r1, n, k, av, 0, k, bv, 0, k, c, 0, n, false);
            }
        });
        return new DoubleMatrix(m, n, c);
    }

    // ---- convolution and per-channel operations: direct loops --------------------------------------------

    @Override
    public Matrix conv2d(Matrix x, Matrix w, ConvGeometry g) {
        DoubleMatrix in = batchOf(x, g.inSize(), "conv2d input"), kernel = kernelOf(w, g, "conv2d");
        return new DoubleMatrix(in.rows(), g.outSize(), conv.forward(in.data(), in.rows(), kernel.data(), g));
    }

    @Override
    public Matrix conv2dKernelGrad(Matrix x, Matrix dy, ConvGeometry g) {
        DoubleMatrix in = batchOf(x, g.inSize(), "conv2dKernelGrad input");
        DoubleMatrix grad = batchOf(dy, g.outSize(), "conv2dKernelGrad output gradient");
        if (grad.rows() != in.rows()) {
            throw new IllegalArgumentException("conv2dKernelGrad: input batch " + in.rows() + " but output gradient "
                    + "batch " + grad.rows());
        }
        return new DoubleMatrix(g.patchSize(), g.outChannels(), conv.kernelGrad(in.data(), grad.data(), in.rows(), g));
    }

    @Override
    public Matrix conv2dInputGrad(Matrix dy, Matrix w, ConvGeometry g) {
        DoubleMatrix grad = batchOf(dy, g.outSize(), "conv2dInputGrad output gradient");
        DoubleMatrix kernel = kernelOf(w, g, "conv2dInputGrad");
        return new DoubleMatrix(grad.rows(), g.inSize(), conv.inputGrad(grad.data(), grad.rows(), kernel.data(), g));
    }

    @Override
    public Matrix channelSums(Matrix a, int channels) {
        DoubleMatrix x = dm(a, "channelSums");
        int pixels = pixelsPerChannel(x, channels, "channelSums");
        double[] p = x.data();
        return new DoubleMatrix(1, channels, sumByRows(x.rows(), x.cols(), channels, (out, r0, r1) -> {
            for (int i = r0 * x.cols(), r = r0; r < r1; r++) {
                for (int c = 0; c < channels; c++) {
                    double s = 0;
                    for (int end = i + pixels; i < end; i++) {
                        s += p[i];
                    }
                    out[c] += s;
                }
            }
        }));
    }

    @Override
    public Matrix channelDotSums(Matrix a, Matrix b, int channels) {
        DoubleMatrix x = dm(a, "channelDotSums"), y = sameShape(x, dm(b, "channelDotSums"), "channelDotSums");
        int pixels = pixelsPerChannel(x, channels, "channelDotSums");
        double[] p = x.data(), q = y.data();
        return new DoubleMatrix(1, channels, sumByRows(x.rows(), x.cols(), channels, (out, r0, r1) -> {
            for (int i = r0 * x.cols(), r = r0; r < r1; r++) {
                for (int c = 0; c < channels; c++) {
                    double s = 0;
                    for (int end = i + pixels; i < end; i++) {
                        s += p[i] * q[i];
                    }
                    out[c] += s;
                }
            }
        }));
    }

    @Override
    public Matrix channelAffine(Matrix u, Matrix p, Matrix r, int channels) {
        DoubleMatrix x = dm(u, "channelAffine");
        int pixels = pixelsPerChannel(x, channels, "channelAffine");
        double[] xv = x.data(), pv = rowOf(p, channels, "channelAffine"), rv = rowOf(r, channels, "channelAffine");
        double[] out = new double[xv.length];
        parallel.forElements(x.rows(), x.cols(), (part, r0, r1) -> {
            for (int i = r0 * x.cols(), row = r0; row < r1; row++) {
                for (int c = 0; c < channels; c++) {
                    double pc = pv[c], rc = rv[c];
                    for (int end = i + pixels; i < end; i++) {
                        out[i] = xv[i] * pc + rc;
                    }
                }
            }
        });
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix channelAffine(Matrix u, Matrix p, Matrix v, Matrix q, Matrix r, int channels) {
        DoubleMatrix x = dm(u, "channelAffine"), y = sameShape(x, dm(v, "channelAffine"), "channelAffine");
        int pixels = pixelsPerChannel(x, channels, "channelAffine");
        double[] xv = x.data(), yv = y.data(), pv = rowOf(p, channels, "channelAffine");
        double[] qv = rowOf(q, channels, "channelAffine"), rv = rowOf(r, channels, "channelAffine");
        double[] out = new double[xv.length];
        parallel.forElements(x.rows(), x.cols(), (part, r0, r1) -> {
            for (int i = r0 * x.cols(), row = r0; row < r1; row++) {
                for (int c = 0; c < channels; c++) {
                    double pc = pv[c], qc = qv[c], rc = rv[c];
                    for (int end = i + pixels; i < end; i++) {
                        out[i] = xv[i] * pc + yv[i] * qc + rc;
                    }
                }
            }
        });
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    // ---- comparisons -----------------------------------------------------------------------------------

    @Override
    public Matrix lessThanZero(Matrix a) {
        DoubleMatrix x = dm(a, "lessThanZero");
        double[] p = x.data(), out = new double[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i] < 0 ? 1.0 : 0.0;
        }
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    /**
     * From each row's maximum, without the default's rows x (thresholds x cols) comparison matrix (64 thresholds on a
     * 2,000-word softmax: most of a seq2seq step). The same bits: a row reaches t exactly when one of its entries
     * does, x - t &lt; 0 decides as the default's atLeast does (a difference of two values in this precision is never
     * rounded across 0), and an entry NaN reaches every threshold there, as the maximum +inf does here.
     */
    @Override
    public Matrix rowMaxAtLeast(Matrix a, double[] thresholds) {
        DoubleMatrix x = dm(a, "rowMaxAtLeast");
        int rows = x.rows(), cols = x.cols(), count = thresholds.length;
        double[] p = x.data(), out = new double[rows * count];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = r * cols; c < (r + 1) * cols; c++) {
                max = Double.isNaN(p[c]) ? Double.POSITIVE_INFINITY : Math.max(max, p[c]);
            }
            for (int j = 0; j < count; j++) {
                out[r * count + j] = max - thresholds[j] < 0 ? 0.0 : 1.0;
            }
        }
        return new DoubleMatrix(rows, count, out);
    }

    /**
     * One pass for both results; the same values as the default (positive * a, positive = [a >= 0]), except
     * that a NaN with its sign bit set gets the bit 0 (its output is NaN either way).
     */
    @Override
    public Matrix[] reluWithDerivative(Matrix a) {
        DoubleMatrix x = dm(a, "reluWithDerivative");
        double[] p = x.data(), out = new double[p.length], positive = new double[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                // Branch-free [a >= 0] (activations' signs are random, so a branch mispredicts half the time):
                // adding 0.0 turns -0.0 into +0.0, then the sign decides.
                double bit = Math.copySign(0.5, p[i] + 0.0) + 0.5;
                positive[i] = bit;
                out[i] = bit * p[i];
            }
        });
        return new Matrix[] {new DoubleMatrix(x.rows(), x.cols(), out), new DoubleMatrix(x.rows(), x.cols(), positive)};
    }

    // ---- cleartext only --------------------------------------------------------------------------------

    @Override
    public Matrix applyCleartext(Matrix a, DoubleUnaryOperator f) {
        DoubleMatrix x = dm(a, "applyCleartext");
        double[] p = x.data(), out = new double[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(p[i]);
        }
        return new DoubleMatrix(x.rows(), x.cols(), out);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private static DoubleMatrix dm(Matrix a, String op) {
        if (a instanceof DoubleMatrix m) {
            return m;
        }
        throw new IllegalArgumentException(op + ": backend double expects a DoubleMatrix, got "
                + (a == null ? "null" : a.getClass().getSimpleName() + " " + a.shape()));
    }

    private static DoubleMatrix batchOf(Matrix a, int cols, String what) {
        DoubleMatrix x = dm(a, what);
        if (x.cols() != cols) {
            throw new IllegalArgumentException(what + ": expected " + cols + " columns, got " + x.shape());
        }
        return x;
    }

    private static DoubleMatrix kernelOf(Matrix w, ConvGeometry g, String op) {
        DoubleMatrix k = dm(w, op + " kernel");
        if (k.rows() != g.patchSize() || k.cols() != g.outChannels()) {
            throw new IllegalArgumentException(op + ": kernel " + k.shape() + " does not fit " + g);
        }
        return k;
    }

    private static int pixelsPerChannel(DoubleMatrix x, int channels, String op) {
        if (channels <= 0 || x.cols() % channels != 0) {
            throw new IllegalArgumentException(op + ": " + channels + " channels do not divide the " + x.cols()
                    + " columns of " + x.shape());
        }
        return x.cols() / channels;
    }

    private static double[] rowOf(Matrix row, int channels, String op) {
        DoubleMatrix r = dm(row, op);
        if (r.rows() != 1 || r.cols() != channels) {
            throw new IllegalArgumentException(op + ": per-channel row " + r.shape() + " for " + channels
                    + " channels");
        }
        return r.data();
    }

    /** Partial per-channel sums over row ranges. */
    private interface RowSums {
        void add(double[] out, int fromRow, int toRow);
    }

    /** Per-channel sums split by rows over the threads; the partial sums are added in part order. */
    private double[] sumByRows(int rows, int cols, int channels, RowSums body) {
        int parts = parallel.elementParts(rows, cols);
        double[][] partial = new double[parts][channels];
        parallel.forElements(rows, cols, (part, r0, r1) -> body.add(partial[part], r0, r1));
        double[] out = partial[0];
        for (int t = 1; t < parts; t++) {
            for (int c = 0; c < channels; c++) {
                out[c] += partial[t][c];
            }
        }
        return out;
    }

    private static DoubleMatrix sameShape(DoubleMatrix a, DoubleMatrix b, String op) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": shape mismatch: " + a.shape() + " vs " + b.shape());
        }
        return b;
    }
}
