package org.twintrain.sharing.arith;

import java.util.function.DoubleUnaryOperator;

/**
 * Single precision (IEEE float32): the fast cleartext backend of the approximation study and the double
 * baselines, as PyTorch trains by default. The same operations and the same semantics as {@link
 * DoubleArithmetic} (no truncation, no range limit, {@link #fractionalBits()} 0, scopes ignored), with values
 * rounded to float after every operation; public values come in and go out as doubles.
 *
 * <p>Matrix products are {@link Sgemm}'s Vector API kernels (why not a native BLAS is said there), split by
 * output rows over {@code threads} threads above {@link #PARALLEL_THRESHOLD} multiply-adds; convolutions
 * ({@link FloatConv}) and large elementwise passes are split too ({@link Parallel}), reproducibly.
 *
 * <p>Operations never write into their arguments; every result is a fresh matrix.
 */
public final class FloatArithmetic implements Arithmetic {

    /** Multiply-adds above which a product is split over threads; below it the hand-off costs more. */
    public static final long PARALLEL_THRESHOLD = Parallel.PARALLEL_THRESHOLD;

    private final Parallel parallel;
    private final FloatConv conv;

    /** Two threads per product (the machines this runs on have two cores per task). */
    public FloatArithmetic() {
        this(2);
    }

    public FloatArithmetic(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.parallel = new Parallel(threads);
        this.conv = new FloatConv(parallel);
    }

    @Override
    public String name() {
        return "float";
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
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new FloatMatrix(rows, cols, f);
    }

    @Override
    public Matrix constant(int rows, int cols, double c) {
        FloatMatrix m = new FloatMatrix(rows, cols);
        if (c != 0.0) {
            java.util.Arrays.fill(m.data(), (float) c);
        }
        return m;
    }

    @Override
    public double[] reveal(Matrix x) {
        float[] p = fm(x, "reveal").data();
        double[] out = new double[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i];
        }
        return out;
    }

    // ---- linear ----------------------------------------------------------------------------------------

    @Override
    public Matrix add(Matrix a, Matrix b) {
        FloatMatrix x = fm(a, "add"), y = sameShape(x, fm(b, "add"), "add");
        float[] p = x.data(), q = y.data(), out = new float[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = p[i] + q[i];
            }
        });
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix sub(Matrix a, Matrix b) {
        FloatMatrix x = fm(a, "sub"), y = sameShape(x, fm(b, "sub"), "sub");
        float[] p = x.data(), q = y.data(), out = new float[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = p[i] - q[i];
            }
        });
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix neg(Matrix a) {
        return scale(a, -1.0);
    }

    @Override
    public Matrix addPublic(Matrix a, double c) {
        FloatMatrix x = fm(a, "addPublic");
        float[] p = x.data(), out = new float[p.length];
        float cf = (float) c;
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i] + cf;
        }
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix scale(Matrix a, double c) {
        FloatMatrix x = fm(a, "scale");
        float[] p = x.data(), out = new float[p.length];
        float cf = (float) c;
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = p[i] * cf;
            }
        });
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix scaleInteger(Matrix a, long k) {
        return scale(a, (double) k);
    }

    @Override
    public Matrix mulPublic(Matrix a, double[] publicValues) {
        FloatMatrix x = fm(a, "mulPublic");
        if (publicValues.length != x.size()) {
            throw new IllegalArgumentException("mulPublic: " + publicValues.length + " public values for a "
                    + x.shape() + " matrix");
        }
        float[] p = x.data(), out = new float[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (p[i] * publicValues[i]);
        }
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix addRow(Matrix a, Matrix row) {
        FloatMatrix x = fm(a, "addRow"), r = fm(row, "addRow");
        if (r.rows() != 1 || r.cols() != x.cols()) {
            throw new IllegalArgumentException("addRow: row " + r.shape() + " does not fit " + x.shape());
        }
        int cols = x.cols();
        float[] p = x.data(), rv = r.data(), out = new float[p.length];
        for (int i = 0; i < x.rows(); i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[o + j] = p[o + j] + rv[j];
            }
        }
        return new FloatMatrix(x.rows(), cols, out);
    }

    @Override
    public Matrix sumRows(Matrix a) {
        FloatMatrix x = fm(a, "sumRows");
        int cols = x.cols();
        float[] p = x.data(), out = new float[cols];
        for (int i = 0; i < x.rows(); i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += p[o + j];
            }
        }
        return new FloatMatrix(1, cols, out);
    }

    @Override
    public Matrix sumCols(Matrix a) {
        FloatMatrix x = fm(a, "sumCols");
        int cols = x.cols();
        float[] p = x.data(), out = new float[x.rows()];
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                s += p[o + j];
            }
            out[i] = (float) s;
        }
        return new FloatMatrix(out.length, 1, out);
    }

    @Override
    public Matrix transpose(Matrix a) {
        FloatMatrix x = fm(a, "transpose");
        int rows = x.rows(), cols = x.cols();
        float[] p = x.data(), out = new float[p.length];
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
        return new FloatMatrix(cols, rows, out);
    }

    @Override
    public Matrix reshape(Matrix a, int rows, int cols) {
        FloatMatrix x = fm(a, "reshape");
        if ((long) rows * cols != x.size()) {
            throw new IllegalArgumentException("reshape: " + x.shape() + " cannot become " + rows + "x" + cols);
        }
        return new FloatMatrix(rows, cols, x.data().clone());
    }

    @Override
    public Matrix gather(Matrix a, int rows, int cols, int[] index) {
        FloatMatrix x = fm(a, "gather");
        if ((long) rows * cols != index.length) {
            throw new IllegalArgumentException("gather: " + index.length + " indices for a " + rows + "x" + cols
                    + " result");
        }
        float[] p = x.data(), out = new float[index.length];
        for (int i = 0; i < out.length; i++) {
            int s = index[i];
            if (s >= 0) {
                out[i] = p[s];
            }
        }
        return new FloatMatrix(rows, cols, out);
    }

    @Override
    public Matrix scatterAdd(Matrix a, int rows, int cols, int[] index) {
        FloatMatrix x = fm(a, "scatterAdd");
        if (index.length != x.size()) {
            throw new IllegalArgumentException("scatterAdd: " + index.length + " indices for a " + x.shape()
                    + " input");
        }
        float[] p = x.data(), out = new float[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < p.length; i++) {
            int t = index[i];
            if (t >= 0) {
                out[t] += p[i];
            }
        }
        return new FloatMatrix(rows, cols, out);
    }

    @Override
    public Matrix columns(Matrix a, int from, int to) {
        FloatMatrix x = fm(a, "columns");
        if (from < 0 || to > x.cols() || from > to) {
            throw new IllegalArgumentException("columns: [" + from + ", " + to + ") out of " + x.shape());
        }
        int width = to - from, cols = x.cols();
        float[] p = x.data(), out = new float[x.rows() * width];
        for (int i = 0; i < x.rows(); i++) {
            System.arraycopy(p, i * cols + from, out, i * width, width);
        }
        return new FloatMatrix(x.rows(), width, out);
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
        float[] out = new float[Math.multiplyExact(rows, width)];
        int offset = 0;
        for (Matrix p : parts) {
            FloatMatrix x = fm(p, "concatColumns");
            int c = x.cols();
            for (int i = 0; i < rows; i++) {
                System.arraycopy(x.data(), i * c, out, i * width + offset, c);
            }
            offset += c;
        }
        return new FloatMatrix(rows, width, out);
    }

    // ---- multiplicative --------------------------------------------------------------------------------

    @Override
    public Matrix mul(Matrix a, Matrix b) {
        FloatMatrix x = fm(a, "mul"), y = sameShape(x, fm(b, "mul"), "mul");
        float[] p = x.data(), q = y.data(), out = new float[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = p[i] * q[i];
            }
        });
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix square(Matrix a) {
        FloatMatrix x = fm(a, "square");
        float[] p = x.data(), out = new float[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i] * p[i];
        }
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    /** a b ({@link Sgemm#nn}). */
    @Override
    public Matrix matmul(Matrix a, Matrix b) {
        FloatMatrix x = fm(a, "matmul"), y = fm(b, "matmul");
        if (x.cols() != y.rows()) {
            throw new IllegalArgumentException("matmul shape mismatch: " + x.shape() + " x " + y.shape());
        }
        return gemm(Product.PLAIN, x, y, x.rows(), x.cols(), y.cols());
    }

    /** a^T b, without materializing a^T. */
    @Override
    public Matrix matmulTransposeA(Matrix a, Matrix b) {
        FloatMatrix x = fm(a, "matmulTransposeA"), y = fm(b, "matmulTransposeA");
        if (x.rows() != y.rows()) {
            throw new IllegalArgumentException("matmulTransposeA shape mismatch: (" + x.shape() + ")^T x "
                    + y.shape());
        }
        return gemm(Product.TRANSPOSE_A, x, y, x.cols(), x.rows(), y.cols());
    }

    /** a b^T, as dot products of rows when the inner dimension is long. */
    @Override
    public Matrix matmulTransposeB(Matrix a, Matrix b) {
        FloatMatrix x = fm(a, "matmulTransposeB"), y = fm(b, "matmulTransposeB");
        if (x.cols() != y.cols()) {
            throw new IllegalArgumentException("matmulTransposeB shape mismatch: " + x.shape() + " x ("
                    + y.shape() + ")^T");
        }
        return gemm(Product.TRANSPOSE_B, x, y, x.rows(), x.cols(), y.rows());
    }

    /** Which operand of a row-major product is stored transposed. */
    private enum Product { PLAIN, TRANSPOSE_A, TRANSPOSE_B }

    /** Inner dimension from which A B^T runs as dot products ({@link Sgemm#nt}); below it B is transposed first. */
    private static final int DOT_PRODUCT_MIN_K = 256;

    /** The m x n row-major result of op(a) op(b) with inner dimension k, split by output rows. */
    private FloatMatrix gemm(Product kind, FloatMatrix a, FloatMatrix b, int m, int k, int n) {
        float[] c = new float[Math.multiplyExact(m, n)];
        if (m == 0 || n == 0 || k == 0) {
            return new FloatMatrix(m, n, c);
        }
        Product how = kind;
        float[] bv = b.data();
        if (kind == Product.TRANSPOSE_B && k < DOT_PRODUCT_MIN_K) {
            // Short dot products spend more on summing lanes than on multiplying: transpose b (n x k, small).
            bv = ((FloatMatrix) transpose(b)).data();
            how = Product.PLAIN;
        }
        Product op = how;
        float[] bb = bv;
        parallel.forThreadParts(m, (long) m * k * n, (part, r0, r1) -> {
            float[] av = a.data();
            switch (op) {
                // a: m x k row-major, b: k x n row-major.
                case PLAIN -> Sgemm.nn(r0, r1, n, k, av, 0, k, 1, bb, 0, n, c, 0, n, false);
                // a: k x m row-major holds A^T, so A(i, p) = a[p * m + i].
                case TRANSPOSE_A -> Sgemm.nn(r0, r1, n, k, av, 0, 1, m, bb, 0, n, c, 0, n, false);
                // b: n x k row-major holds B^T: each entry of C is a dot product of two rows.
                case TRANSPOSE_B -> Sgemm.nt(r0, r1, n, k, av, 0, k, bb, 0, k, c, 0, n, false);
            }
        });
        return new FloatMatrix(m, n, c);
    }

    // ---- convolution and per-channel operations: direct loops --------------------------------------------

    @Override
    public Matrix conv2d(Matrix x, Matrix w, ConvGeometry g) {
        FloatMatrix in = batchOf(x, g.inSize(), "conv2d input"), kernel = kernelOf(w, g, "conv2d");
        return new FloatMatrix(in.rows(), g.outSize(), conv.forward(in.data(), in.rows(), kernel.data(), g));
    }

    @Override
    public Matrix conv2dKernelGrad(Matrix x, Matrix dy, ConvGeometry g) {
        FloatMatrix in = batchOf(x, g.inSize(), "conv2dKernelGrad input");
        FloatMatrix grad = batchOf(dy, g.outSize(), "conv2dKernelGrad output gradient");
        if (grad.rows() != in.rows()) {
            throw new IllegalArgumentException("conv2dKernelGrad: input batch " + in.rows() + " but output gradient "
                    + "batch " + grad.rows());
        }
        return new FloatMatrix(g.patchSize(), g.outChannels(), conv.kernelGrad(in.data(), grad.data(), in.rows(), g));
    }

    @Override
    public Matrix conv2dInputGrad(Matrix dy, Matrix w, ConvGeometry g) {
        FloatMatrix grad = batchOf(dy, g.outSize(), "conv2dInputGrad output gradient");
        FloatMatrix kernel = kernelOf(w, g, "conv2dInputGrad");
        return new FloatMatrix(grad.rows(), g.inSize(), conv.inputGrad(grad.data(), grad.rows(), kernel.data(), g));
    }

    @Override
    public Matrix channelSums(Matrix a, int channels) {
        FloatMatrix x = fm(a, "channelSums");
        int pixels = pixelsPerChannel(x, channels, "channelSums");
        float[] p = x.data();
        return new FloatMatrix(1, channels, sumByRows(x.rows(), x.cols(), channels, (out, r0, r1) -> {
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
        FloatMatrix x = fm(a, "channelDotSums"), y = sameShape(x, fm(b, "channelDotSums"), "channelDotSums");
        int pixels = pixelsPerChannel(x, channels, "channelDotSums");
        float[] p = x.data(), q = y.data();
        return new FloatMatrix(1, channels, sumByRows(x.rows(), x.cols(), channels, (out, r0, r1) -> {
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
        FloatMatrix x = fm(u, "channelAffine");
        int pixels = pixelsPerChannel(x, channels, "channelAffine");
        float[] xv = x.data(), pv = rowOf(p, channels, "channelAffine"), rv = rowOf(r, channels, "channelAffine");
        float[] out = new float[xv.length];
        parallel.forElements(x.rows(), x.cols(), (part, r0, r1) -> {
            for (int i = r0 * x.cols(), row = r0; row < r1; row++) {
                for (int c = 0; c < channels; c++) {
                    float pc = pv[c], rc = rv[c];
                    for (int end = i + pixels; i < end; i++) {
                        out[i] = xv[i] * pc + rc;
                    }
                }
            }
        });
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix channelAffine(Matrix u, Matrix p, Matrix v, Matrix q, Matrix r, int channels) {
        FloatMatrix x = fm(u, "channelAffine"), y = sameShape(x, fm(v, "channelAffine"), "channelAffine");
        int pixels = pixelsPerChannel(x, channels, "channelAffine");
        float[] xv = x.data(), yv = y.data(), pv = rowOf(p, channels, "channelAffine");
        float[] qv = rowOf(q, channels, "channelAffine"), rv = rowOf(r, channels, "channelAffine");
        float[] out = new float[xv.length];
        parallel.forElements(x.rows(), x.cols(), (part, r0, r1) -> {
            for (int i = r0 * x.cols(), row = r0; row < r1; row++) {
                for (int c = 0; c < channels; c++) {
                    float pc = pv[c], qc = qv[c], rc = rv[c];
                    for (int end = i + pixels; i < end; i++) {
                        out[i] = xv[i] * pc + yv[i] * qc + rc;
                    }
                }
            }
        });
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    // ---- comparisons -----------------------------------------------------------------------------------

    @Override
    public Matrix lessThanZero(Matrix a) {
        FloatMatrix x = fm(a, "lessThanZero");
        float[] p = x.data(), out = new float[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i] < 0 ? 1f : 0f;
        }
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    /**
     * From each row's maximum, without the default's rows x (thresholds x cols) comparison matrix (64 thresholds on a
     * 2,000-word softmax: most of a seq2seq step). The same bits: a row reaches t exactly when one of its entries
     * does, x - t &lt; 0 decides as the default's atLeast does (a difference of two values in this precision is never
     * rounded across 0), and an entry NaN reaches every threshold there, as the maximum +inf does here.
     */
    @Override
    public Matrix rowMaxAtLeast(Matrix a, double[] thresholds) {
        FloatMatrix x = fm(a, "rowMaxAtLeast");
        int rows = x.rows(), cols = x.cols(), count = thresholds.length;
        float[] p = x.data(), out = new float[rows * count];
        for (int r = 0; r < rows; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = r * cols; c < (r + 1) * cols; c++) {
                max = Float.isNaN(p[c]) ? Float.POSITIVE_INFINITY : Math.max(max, p[c]);
            }
            for (int j = 0; j < count; j++) {
                out[r * count + j] = max - (float) thresholds[j] < 0 ? 0f : 1f;
            }
        }
        return new FloatMatrix(rows, count, out);
    }

    /**
     * One pass for both results; the same values as the default (positive * a, positive = [a >= 0]), except
     * that a NaN with its sign bit set gets the bit 0 (its output is NaN either way).
     */
    @Override
    public Matrix[] reluWithDerivative(Matrix a) {
        FloatMatrix x = fm(a, "reluWithDerivative");
        float[] p = x.data(), out = new float[p.length], positive = new float[p.length];
        parallel.forElements(out.length, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                // Branch-free [a >= 0] (activations' signs are random, so a branch mispredicts half the time):
                // adding 0.0 turns -0.0 into +0.0, then the sign decides.
                float bit = Math.copySign(0.5f, p[i] + 0.0f) + 0.5f;
                positive[i] = bit;
                out[i] = bit * p[i];
            }
        });
        return new Matrix[] {new FloatMatrix(x.rows(), x.cols(), out), new FloatMatrix(x.rows(), x.cols(), positive)};
    }

    // ---- cleartext only --------------------------------------------------------------------------------

    @Override
    public Matrix applyCleartext(Matrix a, DoubleUnaryOperator f) {
        FloatMatrix x = fm(a, "applyCleartext");
        float[] p = x.data(), out = new float[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) f.applyAsDouble(p[i]);
        }
        return new FloatMatrix(x.rows(), x.cols(), out);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private static FloatMatrix fm(Matrix a, String op) {
        if (a instanceof FloatMatrix m) {
            return m;
        }
        throw new IllegalArgumentException(op + ": backend float expects a FloatMatrix, got "
                + (a == null ? "null" : a.getClass().getSimpleName() + " " + a.shape()));
    }

    private static FloatMatrix batchOf(Matrix a, int cols, String what) {
        FloatMatrix x = fm(a, what);
        if (x.cols() != cols) {
            throw new IllegalArgumentException(what + ": expected " + cols + " columns, got " + x.shape());
        }
        return x;
    }

    private static FloatMatrix kernelOf(Matrix w, ConvGeometry g, String op) {
        FloatMatrix k = fm(w, op + " kernel");
        if (k.rows() != g.patchSize() || k.cols() != g.outChannels()) {
            throw new IllegalArgumentException(op + ": kernel " + k.shape() + " does not fit " + g);
        }
        return k;
    }

    private static int pixelsPerChannel(FloatMatrix x, int channels, String op) {
        if (channels <= 0 || x.cols() % channels != 0) {
            throw new IllegalArgumentException(op + ": " + channels + " channels do not divide the " + x.cols()
                    + " columns of " + x.shape());
        }
        return x.cols() / channels;
    }

    private static float[] rowOf(Matrix row, int channels, String op) {
        FloatMatrix r = fm(row, op);
        if (r.rows() != 1 || r.cols() != channels) {
            throw new IllegalArgumentException(op + ": per-channel row " + r.shape() + " for " + channels
                    + " channels");
        }
        return r.data();
    }

    /** Partial per-channel sums over row ranges. */
    private interface RowSums {
        void add(float[] out, int fromRow, int toRow);
    }

    /** Per-channel sums split by rows over the threads; the partial sums are added in part order. */
    private float[] sumByRows(int rows, int cols, int channels, RowSums body) {
        int parts = parallel.elementParts(rows, cols);
        float[][] partial = new float[parts][channels];
        parallel.forElements(rows, cols, (part, r0, r1) -> body.add(partial[part], r0, r1));
        float[] out = partial[0];
        for (int t = 1; t < parts; t++) {
            for (int c = 0; c < channels; c++) {
                out[c] += partial[t][c];
            }
        }
        return out;
    }

    private static FloatMatrix sameShape(FloatMatrix a, FloatMatrix b, String op) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": shape mismatch: " + a.shape() + " vs " + b.shape());
        }
        return b;
    }
}
