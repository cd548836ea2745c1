package org.twintrain.sharing.arith;

import java.util.function.DoubleUnaryOperator;

/**
 * The arithmetic that approximations and the training engine are written against, once. Three
 * implementations: {@link DoubleArithmetic} (double precision, the accuracy study), {@link
 * FixedPointArithmetic} (the cleartext twin: fixed point with the same truncation, no shares, the emulation
 * of a secure run) and {@link TwoPartyArithmetic} (this party's additive shares; every call is made by both
 * parties in the same order).
 *
 * <p>All values are matrices. Operations fall in three groups:
 * <ul>
 *   <li>linear and local: add, sub, public constants, rearrangements ({@link #gather}, {@link #scatterAdd});
 *       on shares these need no communication;</li>
 *   <li>multiplicative: elementwise product, square, matrix product; on shares each takes one round of
 *       openings and a triple, and fixed-point results are truncated by f bits;</li>
 *   <li>comparisons: {@link #lessThanZero} returns 1.0 where an entry is negative and 0.0 elsewhere, as
 *       ordinary values of this backend, so that it composes with {@link #mul}.</li>
 * </ul>
 *
 * <p>Triple keys: a two-party backend draws triples keyed by (epoch, step, layer, op, shape). The caller
 * names the scope with {@link #beginScope}; within a scope the backend numbers its operations itself, so both
 * parties and a retried task derive the same keys. Cleartext backends ignore scopes.
 */
public interface Arithmetic {

    /** "double", "fixed" or "two-party". */
    String name();

    /** Fractional bits of the fixed-point encoding, or 0 for double precision. */
    int fractionalBits();

    /** One unit in the last place of this backend's numbers (2^-f; 0 for double). */
    default double resolution() {
        return fractionalBits() == 0 ? 0.0 : Math.scalb(1.0, -fractionalBits());
    }

    /** True where {@link #applyCleartext} is available (double and fixed-point cleartext). */
    boolean isCleartext();

    // ---- scope of triple keys -------------------------------------------------------------------------

    /** Names the (epoch, step, layer) of the operations that follow; see the class comment. */
    void beginScope(long epoch, long step, String layer);

    // ---- values in and out ----------------------------------------------------------------------------

    /** A matrix of public values known to both parties (weights' seeded initialization, constants). */
    Matrix fromPublic(int rows, int cols, double[] values);

    /** A matrix with every entry equal to the public value c. */
    Matrix constant(int rows, int cols, double c);

    default Matrix zeros(int rows, int cols) {
        return constant(rows, cols, 0.0);
    }

    /** Reveals the values (on two parties: one round, both learn them). Only for what may be revealed. */
    double[] reveal(Matrix x);

    // ---- linear, local ---------------------------------------------------------------------------------

    Matrix add(Matrix a, Matrix b);

    Matrix sub(Matrix a, Matrix b);

    Matrix neg(Matrix a);

    /** a + c for a public scalar c. */
    Matrix addPublic(Matrix a, double c);

    /** a times a public scalar c (truncated in fixed point). */
    Matrix scale(Matrix a, double c);

    /**
     * Linear combinations of public multiples: out[i] = sum over j of coefs[i][j] * terms[i][j] (each row's terms of
     * one shape). In fixed point each output is truncated once (not once per term); on two parties all outputs share
     * one truncation round. What SGD's update uses: v = mu v + g/b + wd w in one truncation per parameter.
     */
    default Matrix[] combineBatch(Matrix[][] terms, double[][] coefs) {
        Matrix[] out = new Matrix[terms.length];
        for (int i = 0; i < terms.length; i++) {
            for (int j = 0; j < terms[i].length; j++) {
                Matrix t = scale(terms[i][j], coefs[i][j]);
                out[i] = out[i] == null ? t : add(out[i], t);
            }
        }
        return out;
    }

    /**
     * As {@link #combineBatch(Matrix[][], double[][])} with each coefficient held to extraBits more fractional bits
     * than the backend's, and still one truncation (by f + extraBits) per output: for coefficients such as lr / batch
     * (2^-10 to 2^-20) that f bits would round coarsely or to zero. In the ring each term's |coef * value| must stay
     * below 2^(62 - 2f - extraBits). Cleartext floating point: the same as combineBatch.
     */
    default Matrix[] combineBatch(Matrix[][] terms, double[][] coefs, int extraBits) {
        return combineBatch(terms, coefs);
    }

    /**
     * a / 2^bits, rounded like a product's truncation in fixed point (one truncation round on two parties, where
     * a {@link #scale} by 2^-bits would lose a public factor that f fractional bits cannot hold).
     */
    default Matrix shiftDown(Matrix a, int bits) {
        return scale(a, Math.scalb(1.0, -bits));
    }

    /**
     * Whether the truncation of a product is as good for |product| up to 2^62 ring units as for small ones: false
     * for SecureML's local share truncation, which fails with probability about |product| / 2^64, so algorithms
     * that could make large intermediate products choose a smaller-valued route there.
     */
    default boolean truncatesLargeProductsSafely() {
        return true;
    }

    /** a times a public integer k: exact, no truncation. */
    Matrix scaleInteger(Matrix a, long k);

    /** Elementwise a times public values (same shape; truncated in fixed point). */
    Matrix mulPublic(Matrix a, double[] publicValues);

    /** Adds the 1 x cols row vector to every row of a (a bias). */
    Matrix addRow(Matrix a, Matrix row);

    /** Sum over rows: a rows x cols matrix becomes 1 x cols. */
    Matrix sumRows(Matrix a);

    /** Sum over columns: a rows x cols matrix becomes rows x 1. */
    Matrix sumCols(Matrix a);

    Matrix transpose(Matrix a);

    /** Same values, another shape with the same size. */
    Matrix reshape(Matrix a, int rows, int cols);

    /**
     * A rows x cols matrix whose entry i is a's entry index[i] in row-major order, or 0 where index[i] is -1.
     * im2col, cropping, flipping, pooling windows and column slices are all gathers.
     */
    Matrix gather(Matrix a, int rows, int cols, int[] index);

    /** The adjoint of {@link #gather}: out[index[i]] += a[i], out of shape rows x cols; -1 entries are dropped. */
    Matrix scatterAdd(Matrix a, int rows, int cols, int[] index);

    /** Columns [from, to) of a. */
    Matrix columns(Matrix a, int from, int to);

    /** Joins matrices with equal row counts side by side. */
    Matrix concatColumns(Matrix... parts);

    // ---- multiplicative --------------------------------------------------------------------------------

    /** Elementwise product (truncated in fixed point). */
    Matrix mul(Matrix a, Matrix b);

    /** Several elementwise products whose openings share one round on two parties. */
    default Matrix[] mulBatch(Matrix[] a, Matrix[] b) {
        Matrix[] out = new Matrix[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = mul(a[i], b[i]);
        }
        return out;
    }

    Matrix square(Matrix a);

    /** Matrix product a x b (truncated in fixed point). */
    Matrix matmul(Matrix a, Matrix b);

    /** a^T x b (truncated in fixed point); backprop's weight gradient. Backends may avoid forming a^T. */
    default Matrix matmulTransposeA(Matrix a, Matrix b) {
        return matmul(transpose(a), b);
    }

    /** a x b^T (truncated in fixed point); backprop's input gradient. Backends may avoid forming b^T. */
    default Matrix matmulTransposeB(Matrix a, Matrix b) {
        return matmul(a, transpose(b));
    }

    // ---- convolution and per-channel operations --------------------------------------------------------
    // Defaults composed from the operations above (gathers and one product each, as a layer would write them);
    // the double backend computes them directly. Channel-major rows: a batch x (channels * pixels) matrix.

    /**
     * A dense layer's product x w (batch x in times in x out). A layer calls this, {@link #denseWeightGrad} and
     * {@link #denseInputGrad} for one layer's forward and backward, so that a backend can share masks between them
     * (two parties: the convolution triples of a pointwise geometry). Default: {@link #matmul}.
     */
    default Matrix denseForward(Matrix x, Matrix w) {
        return matmul(x, w);
    }

    /** The weight gradient x^T dy of a {@link #denseForward} of x. Default: {@link #matmulTransposeA}. */
    default Matrix denseWeightGrad(Matrix x, Matrix dy) {
        return matmulTransposeA(x, dy);
    }

    /** The input gradient dy w^T of a {@link #denseForward} with w. Default: {@link #matmulTransposeB}. */
    default Matrix denseInputGrad(Matrix dy, Matrix w) {
        return matmulTransposeB(dy, w);
    }

    /**
     * Both gradients of a {@link #denseForward} of x with w: {x^T dy, dy w^T}, weight gradient first. Default: the
     * two calls; two parties truncate both in one round.
     */
    default Matrix[] denseGradients(Matrix x, Matrix dy, Matrix w) {
        return new Matrix[] {denseWeightGrad(x, dy), denseInputGrad(dy, w)};
    }

    /**
     * 2-D convolution without bias: the batch x g.inSize() input x and the g.patchSize() x g.outChannels()
     * kernel w give batch x g.outSize(). Default: im2col gather, one {@link #matmul}, a gather into the output
     * layout.
     */
    default Matrix conv2d(Matrix x, Matrix w, ConvGeometry g) {
        int batch = x.rows();
        Matrix cols = gather(x, batch * g.outPixels(), g.patchSize(), g.im2colIndex(batch));
        return gather(matmul(cols, w), batch, g.outSize(), g.layoutIndex(batch, true));
    }

    /**
     * The kernel gradient of {@link #conv2d} (g.patchSize() x g.outChannels()) from its input x and output
     * gradient dy. Default: im2col(x)^T dy in the product layout, one {@link #matmulTransposeA}.
     */
    default Matrix conv2dKernelGrad(Matrix x, Matrix dy, ConvGeometry g) {
        int batch = x.rows();
        Matrix cols = gather(x, batch * g.outPixels(), g.patchSize(), g.im2colIndex(batch));
        Matrix dyConv = gather(dy, batch * g.outPixels(), g.outChannels(), g.layoutIndex(batch, false));
        return matmulTransposeA(cols, dyConv);
    }

    /**
     * The input gradient of {@link #conv2d} (batch x g.inSize()) from its output gradient dy and kernel w.
     * Default: dy w^T in the product layout, one {@link #matmulTransposeB}, then col2im by {@link #scatterAdd}.
     */
    default Matrix conv2dInputGrad(Matrix dy, Matrix w, ConvGeometry g) {
        int batch = dy.rows();
        Matrix dyConv = gather(dy, batch * g.outPixels(), g.outChannels(), g.layoutIndex(batch, false));
        return scatterAdd(matmulTransposeB(dyConv, w), batch, g.inSize(), g.im2colIndex(batch));
    }

    /**
     * Both gradients of a {@link #conv2d} of x with w: {kernel gradient, input gradient}, kernel gradient first.
     * Default: the two calls; ring backends truncate both together (two parties: one round).
     */
    default Matrix[] conv2dGradients(Matrix x, Matrix dy, Matrix w, ConvGeometry g) {
        return new Matrix[] {conv2dKernelGrad(x, dy, g), conv2dInputGrad(dy, w, g)};
    }

    /** Sums over batch and space per channel of a batch x (channels * pixels) matrix: 1 x channels. */
    default Matrix channelSums(Matrix a, int channels) {
        int pixels = a.cols() / channels;
        Matrix perRow = pixels == 1 ? a : reshape(sumCols(reshape(a, a.rows() * channels, pixels)), a.rows(), channels);
        return sumRows(perRow);
    }

    /** {@link #channelSums} of the entrywise product a * b (each product truncated in fixed point, as {@link #mul}). */
    default Matrix channelDotSums(Matrix a, Matrix b, int channels) {
        return channelSums(mul(a, b), channels);
    }

    /** u * p[c] + r[c] on channel c, for 1 x channels rows p and r (the product truncated in fixed point). */
    default Matrix channelAffine(Matrix u, Matrix p, Matrix r, int channels) {
        int[] bcast = GatherIndexCache.channelBroadcast(u.rows(), u.cols(), channels);
        return add(mul(u, gather(p, u.rows(), u.cols(), bcast)), gather(r, u.rows(), u.cols(), bcast));
    }

    /** u * p[c] + v * q[c] + r[c] on channel c, for 1 x channels rows p, q and r. */
    default Matrix channelAffine(Matrix u, Matrix p, Matrix v, Matrix q, Matrix r, int channels) {
        int[] bcast = GatherIndexCache.channelBroadcast(u.rows(), u.cols(), channels);
        Matrix[] products = mulBatch(new Matrix[] {u, v},
                new Matrix[] {gather(p, u.rows(), u.cols(), bcast), gather(q, u.rows(), u.cols(), bcast)});
        return add(add(products[0], products[1]), gather(r, u.rows(), u.cols(), bcast));
    }

    // ---- comparisons -----------------------------------------------------------------------------------

    /** 1.0 where a's entry is negative, 0.0 elsewhere. */
    Matrix lessThanZero(Matrix a);

    /** bit ? ifOne : ifZero, entrywise, for a bit matrix of 0.0 / 1.0 values such as {@link #lessThanZero}. */
    default Matrix select(Matrix bit, Matrix ifOne, Matrix ifZero) {
        return add(ifZero, mulBit(bit, sub(ifOne, ifZero)));
    }

    /**
     * [x &gt;= t_j] for public thresholds t_j, as 0.0 / 1.0: the columns of threshold j at j x.cols(), side by side.
     * A two-party backend compares x with all thresholds from one opening of x and sizes the comparison for
     * differences up to twice the largest threshold, so |x| must stay below that (or below its configured range).
     */
    default Matrix atLeast(Matrix x, double[] thresholds) {
        Matrix[] shifted = new Matrix[thresholds.length];
        for (int j = 0; j < thresholds.length; j++) {
            shifted[j] = addPublic(x, -thresholds[j]);
        }
        return addPublic(neg(lessThanZero(concatColumns(shifted))), 1.0);
    }

    /**
     * [max of row i &gt;= t_j] for public thresholds, rows x thresholds.length, as 0.0 / 1.0: whether any entry of a row
     * reaches each threshold. By default every entry against every threshold ({@link #atLeast}), a local count per
     * row and threshold, and whether it is at least one: two comparison rounds on two parties whatever the row
     * length. A cleartext backend may answer from the row maximum instead, with the same bits.
     */
    default Matrix rowMaxAtLeast(Matrix x, double[] thresholds) {
        int rows = x.rows(), count = thresholds.length;
        // rows x (count * cols), threshold j's columns at j * cols: in row-major order that is (rows * count) x cols
        Matrix reached = atLeast(x, thresholds);
        Matrix perThreshold = sumCols(reshape(reached, rows * count, x.cols()));
        return reshape(atLeast(perThreshold, new double[] {0.5}), rows, count);
    }

    /**
     * {[x &gt;= t_j], [x &gt;= t_j] x} for public thresholds, each laid out as {@link #atLeast}'s result: the bits and
     * their exact products with x, from one comparison (on two parties one round with the DCF comparison).
     */
    default Matrix[] atLeastWithProducts(Matrix x, double[] thresholds) {
        Matrix bits = atLeast(x, thresholds);
        Matrix[] copies = new Matrix[thresholds.length];
        java.util.Arrays.fill(copies, x);
        return new Matrix[] {bits, mulBit(bits, concatColumns(copies))};
    }

    /**
     * a times a bit from this backend's comparisons ({@link #lessThanZero}, {@link #reluWithDerivative}, {@link
     * #maxWithBit}, or columns and concatenations of such results), exact: on two parties one Beaver product by the
     * integer bit, no truncation. A two-party backend refuses any other matrix as the bit.
     */
    default Matrix mulBit(Matrix bit, Matrix a) {
        return mul(bit, a);
    }

    /** max(0, a). */
    default Matrix relu(Matrix a) {
        return reluWithDerivative(a)[0];
    }

    /**
     * {max(0, a), 1.0 where a >= 0 else 0.0}: the derivative bit comes free with the one comparison [a < 0],
     * so at exactly 0 it is 1 on every backend (the two-party protocol computes the same bit).
     */
    default Matrix[] reluWithDerivative(Matrix a) {
        Matrix positive = addPublic(neg(lessThanZero(a)), 1.0);
        return new Matrix[] {mulBit(positive, a), positive};
    }

    /** Entrywise max(a, b). */
    default Matrix max(Matrix a, Matrix b) {
        return maxWithBit(a, b)[0];
    }

    /** {max(a, b), 1.0 where a &gt;= b else 0.0} entrywise, from one comparison (the bit takes a tie to a). */
    default Matrix[] maxWithBit(Matrix a, Matrix b) {
        Matrix d = sub(a, b);
        Matrix atLeast = addPublic(neg(lessThanZero(d)), 1.0);
        return new Matrix[] {add(b, mulBit(atLeast, d)), atLeast};
    }

    // ---- telemetry -------------------------------------------------------------------------------------

    /**
     * For each i, how many entries of xs[i] have magnitude at least bounds[i] (a positive number in this
     * backend's units), revealing only these counts (one per matrix), never a value. The overflow and
     * truncation-failure telemetry of a training run. On fixed-point backends an entry is its signed 64-bit
     * encoding, so a wrapped value counts by what the ring holds; a two-party backend runs {@link
     * org.twintrain.sharing.protocol.RangeCheck} on its shares. This default counts the revealed values of a
     * cleartext backend (NaN counts as out of range) and refuses any other.
     */
    default long[] countAtLeast(Matrix[] xs, double[] bounds) {
        if (!isCleartext()) {
            throw new UnsupportedOperationException("countAtLeast: the " + name() + " backend has no range check");
        }
        if (xs.length != bounds.length) {
            throw new IllegalArgumentException("countAtLeast: " + xs.length + " matrices and " + bounds.length + " bounds");
        }
        long[] counts = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (!(bounds[i] > 0)) {
                throw new IllegalArgumentException("countAtLeast: bound " + i + " must be positive");
            }
            for (double v : reveal(xs[i])) {
                if (!(Math.abs(v) < bounds[i])) {
                    counts[i]++;
                }
            }
        }
        return counts;
    }

    // ---- cleartext only --------------------------------------------------------------------------------

    /**
     * Applies f to every entry: the exact non-linearities of the study baseline. Throws
     * UnsupportedOperationException on two parties, where nothing can be computed in the clear.
     */
    Matrix applyCleartext(Matrix a, DoubleUnaryOperator f);
}
