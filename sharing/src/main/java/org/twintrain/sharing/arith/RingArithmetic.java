package org.twintrain.sharing.arith;

import org.twintrain.sharing.protocol.RangeCheck;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * The common base of the backends whose numbers live in the ring Z_2^64 as fixed-point encodings held in
 * {@link LongMatrix}: the cleartext twin ({@link FixedPointArithmetic}, a matrix holds the encoded values)
 * and the two-party backend ({@link TwoPartyArithmetic}, a matrix holds this party's additive share of
 * them). Every linear operation is written here once, because it is the same ring computation in both
 * cases: the ring sum of shares is a share of the sum.
 *
 * <h2>Public values: the one place the two cases differ on linear operations</h2>
 * Adding a public constant is not linear in the shares: if both parties added c, the reconstructed value
 * would gain 2c. So every operation that brings a public value into the ring ({@link #fromPublic}, {@link
 * #constant}, {@link #addPublic}, and through them {@link #zeros}) passes its fixed-point encoding through
 * {@link #publicValue(long[])}, which returns this backend's part of it:
 * <ul>
 *   <li>cleartext: the encoding itself;</li>
 *   <li>two parties: party 0 the encoding, party 1 zeros (a valid sharing of the public value).</li>
 * </ul>
 * Multiplying by a public value ({@link #scale}, {@link #scaleInteger}, {@link #mulPublic}) is linear and
 * needs no such care: each party multiplies its own share.
 *
 * <h2>Truncation</h2>
 * A product of two encodings carries 2f fractional bits. {@link #truncate(LongMatrix)} removes f of them:
 * an arithmetic shift in cleartext, a share truncation protocol on two parties. The public products
 * {@link #scale} and {@link #mulPublic} are implemented here through it; the secret products ({@link #mul},
 * {@link #square}, {@link #matmul}), comparisons, {@link #reveal} and scopes are the subclasses'.
 *
 * <p>Operations never write into their arguments; every result is a fresh matrix. Matrices made by another
 * backend (for instance a {@link DoubleMatrix}) are refused with an {@link IllegalArgumentException}.
 */
public abstract class RingArithmetic implements Arithmetic {
    private final FixedPoint codec;

    protected RingArithmetic(FixedPoint codec) {
        if (codec == null) {
            throw new IllegalArgumentException("fixed-point codec must not be null");
        }
        this.codec = codec;
    }

    /** The fixed-point encoding of this backend's numbers. */
    public FixedPoint codec() {
        return codec;
    }

    @Override
    public int fractionalBits() {
        return codec.fractionalBits();
    }

    // ---- hooks -----------------------------------------------------------------------------------------

    /**
     * This backend's part of public values given by their encodings, entry by entry (the result has the same
     * length and entry i depends only on entry i). Cleartext returns {@code encoded} itself; two parties:
     * party 0 returns it, party 1 zeros. The argument is a fresh array the implementation may return or
     * overwrite.
     */
    protected abstract long[] publicValue(long[] encoded);

    /**
     * Removes f fractional bits from a ring product (2f fractional bits). The argument is a fresh product
     * owned by the caller, so an implementation may truncate it in place and return it.
     */
    protected abstract LongMatrix truncate(LongMatrix product);

    /** Removes bits low bits (a division by 2^bits) as {@link #truncate} removes f; the argument is owned as there. */
    protected abstract LongMatrix truncateBy(LongMatrix x, int bits);

    /**
     * The untruncated ring product im2col(x) w of a convolution, in the product layout (batch * outPixels x
     * outChannels). Cleartext: ring products; two parties: convolution triples on the unexpanded input.
     */
    protected abstract LongMatrix convProduct(LongMatrix x, LongMatrix w, ConvGeometry g);

    /** The untruncated kernel gradient im2col(x)^T dy (patchSize x outChannels); dy in the output layout. */
    protected abstract LongMatrix convKernelGradProduct(LongMatrix x, LongMatrix dy, ConvGeometry g);

    /** The untruncated input gradient col2im(dy w^T) (batch x inSize); dy in the output layout. */
    protected abstract LongMatrix convInputGradProduct(LongMatrix dy, LongMatrix w, ConvGeometry g);

    /** One truncation of the product, then the output layout (a permutation). */
    @Override
    public Matrix conv2d(Matrix x, Matrix w, ConvGeometry g) {
        return g.toLayout(truncate(convProduct(ring(x, "conv2d"), ring(w, "conv2d"), g)));
    }

    @Override
    public Matrix conv2dKernelGrad(Matrix x, Matrix dy, ConvGeometry g) {
        return truncate(convKernelGradProduct(ring(x, "conv2dKernelGrad"), ring(dy, "conv2dKernelGrad"), g));
    }

    /** Truncated once after col2im: each input position's sum of up to k^2 products loses one ulp at most. */
    @Override
    public Matrix conv2dInputGrad(Matrix dy, Matrix w, ConvGeometry g) {
        return truncate(convInputGradProduct(ring(dy, "conv2dInputGrad"), ring(w, "conv2dInputGrad"), g));
    }

    /** Both products untruncated (kernel gradient first), then one truncation of the two. */
    @Override
    public Matrix[] conv2dGradients(Matrix x, Matrix dy, Matrix w, ConvGeometry g) {
        LongMatrix d = ring(dy, "conv2dGradients");
        LongMatrix kernel = convKernelGradProduct(ring(x, "conv2dGradients"), d, g);
        LongMatrix input = convInputGradProduct(d, ring(w, "conv2dGradients"), g);
        return truncateAllBy(new LongMatrix[] {kernel, input}, codec.fractionalBits());
    }

    @Override
    public Matrix shiftDown(Matrix a, int bits) {
        if (bits < 1 || bits > 62) {
            throw new IllegalArgumentException("shiftDown: 1 to 62 bits, not " + bits);
        }
        LongMatrix x = ring(a, "shiftDown");
        return truncateBy(new LongMatrix(x.rows(), x.cols(), x.data().clone()), bits);
    }

    /** Removes bits low bits of each matrix; on two parties overridden to do all of them in one round. */
    protected LongMatrix[] truncateAllBy(LongMatrix[] xs, int bits) {
        LongMatrix[] out = new LongMatrix[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = truncateBy(xs[i], bits);
        }
        return out;
    }

    @Override
    public Matrix[] combineBatch(Matrix[][] terms, double[][] coefs) {
        return combineBatch(terms, coefs, 0);
    }

    @Override
    public Matrix[] combineBatch(Matrix[][] terms, double[][] coefs, int extraBits) {
        if (extraBits < 0 || codec.fractionalBits() + extraBits > 62) {
            throw new IllegalArgumentException("combineBatch: extra bits " + extraBits + " with f = "
                    + codec.fractionalBits() + " (f + extra bits must be at most 62)");
        }
        return truncateAllBy(combine(terms, coefs, extraBits), codec.fractionalBits() + extraBits);
    }

    /** The untruncated sums of public multiples, coefficients encoded with f + extraBits fractional bits. */
    private LongMatrix[] combine(Matrix[][] terms, double[][] coefs, int extraBits) {
        LongMatrix[] sums = new LongMatrix[terms.length];
        int coefBits = codec.fractionalBits() + extraBits;
        for (int i = 0; i < terms.length; i++) {
            LongMatrix first = ring(terms[i][0], "combineBatch");
            long[] acc = new long[first.data().length];
            for (int j = 0; j < terms[i].length; j++) {
                LongMatrix x = ring(terms[i][j], "combineBatch");
                if (x.rows() != first.rows() || x.cols() != first.cols()) {
                    throw new IllegalArgumentException("combineBatch: terms of " + first.shape() + " and " + x.shape());
                }
                double scaled = Math.scalb(coefs[i][j], coefBits);
                if (!(Math.abs(scaled) < 0x1p62)) {
                    throw new IllegalArgumentException("combineBatch: coefficient " + coefs[i][j] + " does not fit "
                            + coefBits + " fractional bits");
                }
                long k = Math.round(scaled);
                long[] in = x.data();
                for (int e = 0; e < acc.length; e++) {
                    acc[e] += in[e] * k; // a public multiple of a share is a share of the multiple
                }
            }
            sums[i] = new LongMatrix(first.rows(), first.cols(), acc);
        }
        return sums;
    }

    // ---- values in -------------------------------------------------------------------------------------

    @Override
    public Matrix fromPublic(int rows, int cols, double[] values) {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException("fromPublic: shape " + rows + "x" + cols + " does not fit "
                    + values.length + " values");
        }
        return new LongMatrix(rows, cols, publicValue(codec.encode(values)));
    }

    @Override
    public Matrix constant(int rows, int cols, double c) {
        long[] encoded = new long[Math.multiplyExact(rows, cols)];
        java.util.Arrays.fill(encoded, codec.encode(c));
        return new LongMatrix(rows, cols, publicValue(encoded));
    }

    // ---- linear, local ---------------------------------------------------------------------------------

    @Override
    public Matrix add(Matrix a, Matrix b) {
        return ring(a, "add").add(ring(b, "add"));
    }

    @Override
    public Matrix sub(Matrix a, Matrix b) {
        return ring(a, "sub").sub(ring(b, "sub"));
    }

    @Override
    public Matrix neg(Matrix a) {
        return scaleInteger(a, -1L);
    }

    @Override
    public Matrix addPublic(Matrix a, double c) {
        LongMatrix x = ring(a, "addPublic");
        // One entry is enough: publicValue works entry by entry.
        long part = publicValue(new long[] {codec.encode(c)})[0];
        long[] in = x.data();
        long[] out = new long[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[i] + part;
        }
        return new LongMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix scale(Matrix a, double c) {
        LongMatrix x = ring(a, "scale");
        long k = codec.encode(c);
        long[] in = x.data();
        long[] out = new long[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[i] * k;
        }
        return truncate(new LongMatrix(x.rows(), x.cols(), out));
    }

    @Override
    public Matrix scaleInteger(Matrix a, long k) {
        LongMatrix x = ring(a, "scaleInteger");
        long[] in = x.data();
        long[] out = new long[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[i] * k;
        }
        return new LongMatrix(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix mulPublic(Matrix a, double[] publicValues) {
        LongMatrix x = ring(a, "mulPublic");
        if (publicValues.length != x.size()) {
            throw new IllegalArgumentException("mulPublic: " + publicValues.length + " public values for a "
                    + x.shape() + " matrix");
        }
        long[] in = x.data();
        long[] out = new long[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[i] * codec.encode(publicValues[i]);
        }
        return truncate(new LongMatrix(x.rows(), x.cols(), out));
    }

    @Override
    public Matrix addRow(Matrix a, Matrix row) {
        LongMatrix x = ring(a, "addRow");
        LongMatrix r = ring(row, "addRow");
        if (r.rows() != 1 || r.cols() != x.cols()) {
            throw new IllegalArgumentException("addRow: row " + r.shape() + " does not fit " + x.shape());
        }
        int cols = x.cols();
        long[] in = x.data(), rv = r.data();
        long[] out = new long[in.length];
        for (int i = 0; i < x.rows(); i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[o + j] = in[o + j] + rv[j];
            }
        }
        return new LongMatrix(x.rows(), cols, out);
    }

    @Override
    public Matrix sumRows(Matrix a) {
        LongMatrix x = ring(a, "sumRows");
        int cols = x.cols();
        long[] in = x.data();
        long[] out = new long[cols];
        for (int i = 0; i < x.rows(); i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += in[o + j];
            }
        }
        return new LongMatrix(1, cols, out);
    }

    @Override
    public Matrix sumCols(Matrix a) {
        LongMatrix x = ring(a, "sumCols");
        int cols = x.cols();
        long[] in = x.data();
        long[] out = new long[x.rows()];
        for (int i = 0; i < out.length; i++) {
            long s = 0;
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                s += in[o + j];
            }
            out[i] = s;
        }
        return new LongMatrix(out.length, 1, out);
    }

    @Override
    public Matrix transpose(Matrix a) {
        return ring(a, "transpose").transpose();
    }

    @Override
    public Matrix reshape(Matrix a, int rows, int cols) {
        LongMatrix x = ring(a, "reshape");
        if ((long) rows * cols != x.size()) {
            throw new IllegalArgumentException("reshape: " + x.shape() + " cannot become " + rows + "x" + cols);
        }
        return new LongMatrix(rows, cols, x.data().clone());
    }

    @Override
    public Matrix gather(Matrix a, int rows, int cols, int[] index) {
        return ring(a, "gather").gather(rows, cols, index);
    }

    @Override
    public Matrix scatterAdd(Matrix a, int rows, int cols, int[] index) {
        return ring(a, "scatterAdd").scatterAdd(rows, cols, index);
    }

    @Override
    public Matrix columns(Matrix a, int from, int to) {
        LongMatrix x = ring(a, "columns");
        if (from < 0 || to > x.cols() || from > to) {
            throw new IllegalArgumentException("columns: [" + from + ", " + to + ") out of " + x.shape());
        }
        int width = to - from, cols = x.cols();
        long[] in = x.data();
        long[] out = new long[x.rows() * width];
        for (int i = 0; i < x.rows(); i++) {
            System.arraycopy(in, i * cols + from, out, i * width, width);
        }
        return new LongMatrix(x.rows(), width, out);
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
        long[] out = new long[Math.multiplyExact(rows, width)];
        int offset = 0;
        for (Matrix p : parts) {
            LongMatrix x = ring(p, "concatColumns");
            int c = x.cols();
            for (int i = 0; i < rows; i++) {
                System.arraycopy(x.data(), i * c, out, i * width + offset, c);
            }
            offset += c;
        }
        return new LongMatrix(rows, width, out);
    }

    // ---- telemetry -------------------------------------------------------------------------------------

    /**
     * Counts on the encodings: each bound becomes ceil(bound * 2^f) ring units (so |v| * 2^-f &gt;= bound exactly
     * when |v| reaches it), then {@link #countAtLeastRing}.
     */
    @Override
    public long[] countAtLeast(Matrix[] xs, double[] bounds) {
        if (xs.length != bounds.length) {
            throw new IllegalArgumentException("countAtLeast: " + xs.length + " matrices and " + bounds.length + " bounds");
        }
        LongMatrix[] rings = new LongMatrix[xs.length];
        long[] ringBounds = new long[bounds.length];
        for (int i = 0; i < xs.length; i++) {
            rings[i] = ring(xs[i], "countAtLeast");
            ringBounds[i] = ringBound(bounds[i], codec.fractionalBits());
        }
        return countAtLeastRing(rings, ringBounds);
    }

    /** A bound in real units as ring units: ceil(bound * 2^f), at least 1; refused beyond 2^62 ring units. */
    public static long ringBound(double bound, int fractionalBits) {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("range bound must be positive, got " + bound);
        }
        double scaled = Math.ceil(Math.scalb(bound, fractionalBits));
        if (scaled > RangeCheck.MAX_BOUND) {
            throw new IllegalArgumentException("range bound " + bound + " exceeds 2^62 ring units at f = "
                    + fractionalBits);
        }
        return Math.max(1L, (long) scaled);
    }

    /** The counts of {@link #countAtLeast} on ring values; this cleartext version reads the encodings. */
    protected long[] countAtLeastRing(LongMatrix[] xs, long[] ringBounds) {
        long[] counts = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            counts[i] = RangeCheck.countAtLeast(xs[i].data(), ringBounds[i]);
        }
        return counts;
    }

    // ---- helpers for subclasses ------------------------------------------------------------------------

    /** a as ring storage, or a clear error naming the operation when it came from another backend. */
    protected final LongMatrix ring(Matrix a, String op) {
        if (a instanceof LongMatrix m) {
            return m;
        }
        throw new IllegalArgumentException(op + ": backend " + name() + " expects a LongMatrix, got "
                + (a == null ? "null" : a.getClass().getSimpleName() + " " + a.shape()));
    }

    /** The untruncated elementwise ring product a * b (2f fractional bits). */
    protected static LongMatrix ringProduct(LongMatrix a, LongMatrix b) {
        a.requireSameShape(b);
        long[] x = a.data(), y = b.data();
        long[] out = new long[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] * y[i];
        }
        return new LongMatrix(a.rows(), a.cols(), out);
    }
}
