package org.twintrain.sharing.arith;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.protocol.B2A;
import org.twintrain.sharing.protocol.BeaverConv;
import org.twintrain.sharing.protocol.BeaverMatMul;
import org.twintrain.sharing.protocol.BeaverMul;
import org.twintrain.sharing.protocol.BeaverSquare;
import org.twintrain.sharing.protocol.ComparisonProtocol;
import org.twintrain.sharing.protocol.MaskedCompare;
import org.twintrain.sharing.protocol.LessThanZero;
import org.twintrain.sharing.protocol.Max;
import org.twintrain.sharing.protocol.Open;
import org.twintrain.sharing.protocol.ProtocolContext;
import org.twintrain.sharing.protocol.RangeCheck;
import org.twintrain.sharing.protocol.Relu;
import org.twintrain.sharing.protocol.Select;
import org.twintrain.sharing.protocol.Truncation;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.TripleSource;

/**
 * This party's additive shares of fixed-point values, computed with the two-party protocols of {@link
 * org.twintrain.sharing.protocol}. Both parties must make the same calls in the same order with the same
 * shapes (a body written against {@link Arithmetic} does). Linear operations are {@link RingArithmetic}'s;
 * public values enter as party 0's share (party 1 holds zeros).
 *
 * <p>Products ({@link #mul}, {@link #square}, {@link #matmul}, {@link #scale}, {@link #mulPublic}) are
 * truncated with the configured {@link TruncationMode}; either way the result is the cleartext twin's or one
 * ulp more. Comparisons use the configured {@link ComparisonProtocol}: by default {@link MaskedCompare} (one
 * round; {@link #reluWithDerivative}, {@link #max} and {@link #maxWithBit} get the product by the bit in that same
 * round), or the 64-bit adder of {@link LessThanZero} (8 rounds with the product). They return 1.0 in fixed point
 * (the integer bit times 2^f), and the backend keeps the integer bit behind each such result (and behind columns
 * and concatenations of them) while the caller holds it, so that {@link #mulBit} and {@link #select} multiply by
 * the integer bit: exact, no truncation round. {@link #mulBit} with any other matrix is refused.
 *
 * <p>Triple keys: {@link #beginScope} names (epoch, step, layer) and restarts the operation counter; every
 * protocol call draws the next key(s). Nothing here ever prints a share: toString and messages give shapes.
 */
public final class TwoPartyArithmetic extends RingArithmetic {
    /**
     * A comparison result (fixed point, held weakly: matched by identity while the caller holds it) and its
     * integer 0/1 shares.
     */
    private record KnownBit(WeakReference<LongMatrix> fixed, LongMatrix integer) {
    }

    private final ProtocolContext ctx;
    private final TruncationMode truncation;
    private final ComparisonProtocol comparison;
    private final List<KnownBit> knownBits = new ArrayList<>();
    /**
     * The openings of recent convolution forwards, matched by identity of their input (held weakly), for their
     * gradients: the kernel gradient reuses the input's opening and the input gradient needs none.
     */
    private final List<BeaverConv.Opened> convOpenings = new ArrayList<>();
    private static final int MAX_CONV_OPENINGS = 64;
    private LeftOperandHook leftOperandHook;
    private String keyNamespace = "";

    /**
     * Computes some products more cheaply than a fresh Beaver triple, e.g. {@link
     * org.twintrain.sharing.protocol.MaskedData} for a data matrix whose opening is reused. Both methods return
     * the untruncated product, or null when the left operand is not theirs.
     */
    public interface LeftOperandHook {
        LongMatrix matmul(ProtocolContext ctx, LongMatrix a, LongMatrix b);

        LongMatrix matmulTransposeA(ProtocolContext ctx, LongMatrix a, LongMatrix b);
    }

    public TwoPartyArithmetic(int party, Channel channel, TripleSource triples, FixedPoint codec,
            TruncationMode truncation, ComparisonProtocol comparison) {
        super(codec);
        this.ctx = new ProtocolContext(party, channel, triples, codec);
        this.truncation = truncation;
        this.comparison = comparison;
    }

    /** With the default comparison ({@link ComparisonProtocol#DEFAULT}). */
    public TwoPartyArithmetic(int party, Channel channel, TripleSource triples, FixedPoint codec,
            TruncationMode truncation) {
        this(party, channel, triples, codec, truncation, ComparisonProtocol.DEFAULT);
    }

    public ComparisonProtocol comparison() {
        return comparison;
    }

    /** The DCF width for this backend's fractional bits. */
    private int comparisonBits() {
        return comparison.width(fractionalBits());
    }

    /** Installs (or with null removes) the hook that {@link #matmul} and {@link #matmulTransposeA} ask first. */
    public void setLeftOperandHook(LeftOperandHook hook) {
        this.leftOperandHook = hook;
    }

    /** The protocols' context: party, channel, triples and key scope. */
    public ProtocolContext context() {
        return ctx;
    }

    public int party() {
        return ctx.party();
    }

    public TruncationMode truncationMode() {
        return truncation;
    }

    @Override
    public String name() {
        return "two-party";
    }

    @Override
    public boolean isCleartext() {
        return false;
    }

    @Override
    public void beginScope(long epoch, long step, String layer) {
        ctx.scope().begin(epoch, step, keyNamespace + layer);
    }

    /**
     * Prefixes every scope's layer name from now on (empty: none). Data-parallel task pairs run the same program
     * at the same steps; without their own namespace (say "t1.") two pairs would draw the same keys, and one
     * triple used for two different openings reveals their difference.
     */
    public void setKeyNamespace(String namespace) {
        if (namespace.indexOf('/') >= 0 || namespace.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a key namespace must not contain '/' or a newline");
        }
        this.keyNamespace = namespace;
    }

    @Override
    protected long[] publicValue(long[] encoded) {
        if (ctx.isParty0()) {
            return encoded;
        }
        return new long[encoded.length];
    }

    @Override
    protected LongMatrix truncate(LongMatrix product) {
        return Truncation.truncate(ctx, truncation, product);
    }

    @Override
    public boolean truncatesLargeProductsSafely() {
        return truncation == TruncationMode.WRAP_FREE;
    }

    @Override
    protected LongMatrix truncateBy(LongMatrix x, int bits) {
        return Truncation.truncate(ctx, truncation, bits, new LongMatrix[] {x})[0];
    }

    /** All of them in one truncation round (wrap-free mode; local truncation needs none). */
    @Override
    protected LongMatrix[] truncateAllBy(LongMatrix[] xs, int bits) {
        return Truncation.truncate(ctx, truncation, bits, xs);
    }

    /** One round: both parties learn the values. */
    @Override
    public double[] reveal(Matrix x) {
        return codec().decode(Open.open(ctx, ring(x, "reveal"))[0].data());
    }

    // ---- multiplicative --------------------------------------------------------------------------------

    @Override
    public Matrix mul(Matrix a, Matrix b) {
        return truncate(BeaverMul.mul(ctx, ring(a, "mul"), ring(b, "mul")));
    }

    /** One Beaver round with the integer bit: exact, no truncation. */
    @Override
    public Matrix mulBit(Matrix bit, Matrix a) {
        return BeaverMul.mul(ctx, requireBit(bit, "mulBit"), ring(a, "mulBit"));
    }

    /** All products in one Beaver round and (WRAP_FREE mode) one truncation round. */
    @Override
    public Matrix[] mulBatch(Matrix[] a, Matrix[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("mulBatch: " + a.length + " left and " + b.length + " right operands");
        }
        LongMatrix[] xs = new LongMatrix[a.length], ys = new LongMatrix[b.length];
        for (int i = 0; i < a.length; i++) {
            xs[i] = ring(a[i], "mulBatch");
            ys[i] = ring(b[i], "mulBatch");
        }
        return Truncation.truncate(ctx, truncation, BeaverMul.mul(ctx, xs, ys));
    }

    @Override
    public Matrix square(Matrix a) {
        return truncate(BeaverSquare.square(ctx, ring(a, "square")));
    }

    @Override
    public Matrix matmul(Matrix a, Matrix b) {
        LongMatrix x = ring(a, "matmul"), y = ring(b, "matmul");
        LongMatrix hooked = leftOperandHook == null ? null : leftOperandHook.matmul(ctx, x, y);
        return truncate(hooked != null ? hooked : BeaverMatMul.multiply(ctx, x, y));
    }

    @Override
    public Matrix matmulTransposeA(Matrix a, Matrix b) {
        LongMatrix hooked = leftOperandHook == null ? null
                : leftOperandHook.matmulTransposeA(ctx, ring(a, "matmulTransposeA"), ring(b, "matmulTransposeA"));
        return hooked != null ? truncate(hooked) : super.matmulTransposeA(a, b);
    }

    // ---- dense layers: convolution triples of a pointwise geometry ------------------------------------------

    /**
     * x w by a pointwise convolution triple: the weight gradient then reuses this opening of x and opens only
     * dy - V, and the input gradient opens nothing. The data-mask hook (SecureML's reuse of one opening of the
     * whole data set), when installed, takes the products whose left operand is its data.
     */
    @Override
    public Matrix denseForward(Matrix x, Matrix w) {
        if (leftOperandHook != null) {
            LongMatrix hooked = leftOperandHook.matmul(ctx, ring(x, "denseForward"), ring(w, "denseForward"));
            if (hooked != null) {
                return truncate(hooked);
            }
        }
        return conv2d(x, w, ConvGeometry.pointwise(x.cols(), w.cols()));
    }

    @Override
    public Matrix denseWeightGrad(Matrix x, Matrix dy) {
        return truncate(denseWeightGradProduct(ring(x, "denseWeightGrad"), ring(dy, "denseWeightGrad")));
    }

    /** Both gradients as {@link #denseWeightGrad} and {@link #denseInputGrad} make them, truncated in one round. */
    @Override
    public Matrix[] denseGradients(Matrix x, Matrix dy, Matrix w) {
        LongMatrix rdy = ring(dy, "denseGradients"), rw = ring(w, "denseGradients");
        LongMatrix weight = denseWeightGradProduct(ring(x, "denseGradients"), rdy);
        LongMatrix input = convInputGradProduct(rdy, rw, ConvGeometry.pointwise(rw.rows(), rw.cols()));
        return truncateAllBy(new LongMatrix[] {weight, input}, codec().fractionalBits());
    }

    /** The untruncated x^T dy: the data-mask hook's when x is its data, else the pointwise kernel gradient. */
    private LongMatrix denseWeightGradProduct(LongMatrix x, LongMatrix dy) {
        LongMatrix hooked = leftOperandHook == null ? null : leftOperandHook.matmulTransposeA(ctx, x, dy);
        return hooked != null ? hooked : convKernelGradProduct(x, dy, ConvGeometry.pointwise(x.cols(), dy.cols()));
    }

    @Override
    public Matrix denseInputGrad(Matrix dy, Matrix w) {
        return conv2dInputGrad(dy, w, ConvGeometry.pointwise(w.rows(), w.cols()));
    }

    // ---- convolutions: triples on the unexpanded input ---------------------------------------------------

    @Override
    protected LongMatrix convProduct(LongMatrix x, LongMatrix w, ConvGeometry g) {
        BeaverConv.Forward f = BeaverConv.forward(ctx, x, w, g);
        convOpenings.removeIf(BeaverConv.Opened::isStale);
        if (convOpenings.size() >= MAX_CONV_OPENINGS) {
            convOpenings.remove(0); // a forward whose gradients never came (evaluation): its input is not released yet
        }
        convOpenings.add(f.opened());
        return f.product();
    }

    /** With the forward's opening of x when this backend made it (else a fresh matrix triple on im2col(x)). */
    @Override
    protected LongMatrix convKernelGradProduct(LongMatrix x, LongMatrix dy, ConvGeometry g) {
        for (BeaverConv.Opened o : convOpenings) {
            if (o.servesKernelGrad(x, g)) {
                return BeaverConv.kernelGrad(ctx, o, x, dy);
            }
        }
        return BeaverMatMul.multiply(ctx, g.im2col(x).transpose(), g.fromLayout(dy));
    }

    /** Without any opening after the kernel gradient of the same dy and w (else a fresh matrix triple). */
    @Override
    protected LongMatrix convInputGradProduct(LongMatrix dy, LongMatrix w, ConvGeometry g) {
        for (BeaverConv.Opened o : convOpenings) {
            if (o.servesInputGrad(dy, w, g)) {
                convOpenings.remove(o); // a convolution's backward pass is over
                return BeaverConv.inputGrad(ctx, o, dy, w);
            }
        }
        return g.col2im(BeaverMatMul.multiply(ctx, g.fromLayout(dy), w.transpose()));
    }

    // ---- comparisons -----------------------------------------------------------------------------------

    @Override
    public Matrix lessThanZero(Matrix a) {
        LongMatrix x = ring(a, "lessThanZero");
        if (!comparison.usesDcf(x.size())) {
            return fixedFromBit(LessThanZero.arithmetic(ctx, x, adderWidth()));
        }
        return fixedFromBit(Relu.oneMinus(ctx, MaskedCompare.compare(ctx, comparisonBits(), x, 0L).atLeast()[0]));
    }

    /**
     * All thresholds from one opening and one key per element (DCF), 1 round; the width is the configured one or
     * wide enough for differences up to twice the largest threshold, whichever is larger.
     */
    @Override
    public Matrix atLeast(Matrix a, double[] thresholds) {
        if (!comparison.usesDcf(a.size())) { // [x >= t] = 1 - [x - t < 0], at a width that holds the thresholds
            LongMatrix shifted = shiftedByThresholds(ring(a, "atLeast"), thresholds);
            return fixedFromBit(Relu.oneMinus(ctx, LessThanZero.arithmetic(ctx, shifted, thresholdWidth(adderWidth(), thresholds))));
        }
        LongMatrix[] atLeast = compareWithThresholds(ring(a, "atLeast"), thresholds).atLeast();
        return fixedFromBit((LongMatrix) super.concatColumns(atLeast));
    }

    /** The adder's width: the DCF's under auto (one range for all comparisons of a run), 64 under adder. */
    private int adderWidth() {
        return comparison.adderWidth(fractionalBits());
    }

    /**
     * A comparison width for differences x - t: the narrowest one given, or wide enough for twice the largest
     * threshold (DCF and adder alike).
     */
    private int thresholdWidth(int narrowest, double[] thresholds) {
        long largest = 1;
        for (double t : thresholds) {
            largest = Math.max(largest, Math.abs(codec().encode(t)));
        }
        return Math.min(64, Math.max(narrowest, 66 - Long.numberOfLeadingZeros(largest)));
    }

    /** The columns x - t_j side by side. */
    private LongMatrix shiftedByThresholds(LongMatrix x, double[] thresholds) {
        LongMatrix[] shifted = new LongMatrix[thresholds.length];
        for (int j = 0; j < thresholds.length; j++) {
            shifted[j] = (LongMatrix) addPublic(x, -thresholds[j]);
        }
        return (LongMatrix) super.concatColumns(shifted);
    }

    /** The DCF comparison with public thresholds, wide enough for differences up to twice the largest of them. */
    private MaskedCompare.Result compareWithThresholds(LongMatrix x, double[] thresholds) {
        return MaskedCompare.compare(ctx, thresholdWidth(comparisonBits(), thresholds), x, codec().encode(thresholds));
    }

    /** One round with the DCF (bits and products from the one opening); 8 with the adder (B2A with the product). */
    @Override
    public Matrix[] atLeastWithProducts(Matrix a, double[] thresholds) {
        LongMatrix x = ring(a, "atLeastWithProducts");
        if (!comparison.usesDcf(x.size())) { // [x >= t] = 1 - [x - t < 0]; its product: x - [x - t < 0] x
            LongMatrix[] copies = new LongMatrix[thresholds.length];
            java.util.Arrays.fill(copies, x);
            LongMatrix wide = (LongMatrix) super.concatColumns(copies);
            LongMatrix[] below = B2A.multiply(ctx, LessThanZero.bits(ctx, shiftedByThresholds(x, thresholds),
                    thresholdWidth(adderWidth(), thresholds)), wide);
            return new Matrix[] {fixedFromBit(Relu.oneMinus(ctx, below[1])), wide.sub(below[0])};
        }
        MaskedCompare.Result r = compareWithThresholds(x, thresholds);
        return new Matrix[] {fixedFromBit((LongMatrix) super.concatColumns(r.atLeast())),
            super.concatColumns(r.times())};
    }

    /** With a bit from this backend's comparisons: one exact product by the integer bit, no truncation. */
    @Override
    public Matrix select(Matrix bit, Matrix ifOne, Matrix ifZero) {
        LongMatrix integer = integerBit(ring(bit, "select"));
        if (integer == null) {
            return super.select(bit, ifOne, ifZero);
        }
        return Select.select(ctx, integer, ring(ifOne, "select"), ring(ifZero, "select"));
    }

    /** One comparison and the exact product by its bit: 1 round (DCF) or 8 (adder). The derivative is 1.0 at 0. */
    @Override
    public Matrix[] reluWithDerivative(Matrix a) {
        LongMatrix x = ring(a, "reluWithDerivative");
        if (!comparison.usesDcf(x.size())) {
            LongMatrix[] out = Relu.reluWithDerivative(ctx, x, adderWidth());
            return new Matrix[] {out[0], fixedFromBit(out[1])};
        }
        MaskedCompare.Result r = MaskedCompare.compare(ctx, comparisonBits(), x, 0L);
        return new Matrix[] {r.times()[0], fixedFromBit(r.atLeast()[0])};
    }

    /** b + [a - b &gt;= 0] (a - b): 1 round (DCF) or 8 (adder). */
    @Override
    public Matrix max(Matrix a, Matrix b) {
        LongMatrix x = ring(a, "max"), y = ring(b, "max");
        if (!comparison.usesDcf(x.size())) {
            return Max.max(ctx, x, y, adderWidth());
        }
        return y.add(MaskedCompare.compare(ctx, comparisonBits(), x.sub(y), 0L).times()[0]);
    }

    /** The maximum and the bit [a &gt;= b] from one comparison: 1 round (DCF). */
    @Override
    public Matrix[] maxWithBit(Matrix a, Matrix b) {
        LongMatrix x = ring(a, "maxWithBit"), y = ring(b, "maxWithBit");
        if (!comparison.usesDcf(x.size())) { // a + [a - b < 0] (b - a), the B2A in the product's round
            LongMatrix[] below = B2A.multiply(ctx, LessThanZero.bits(ctx, x.sub(y), adderWidth()), y.sub(x));
            return new Matrix[] {x.add(below[0]), fixedFromBit(Relu.oneMinus(ctx, below[1]))};
        }
        MaskedCompare.Result r = MaskedCompare.compare(ctx, comparisonBits(), x.sub(y), 0L);
        return new Matrix[] {y.add(r.times()[0]), fixedFromBit(r.atLeast()[0])};
    }

    /** Columns of a comparison result stay a comparison result. */
    @Override
    public Matrix columns(Matrix a, int from, int to) {
        Matrix out = super.columns(a, from, to);
        LongMatrix integer = integerBit(ring(a, "columns"));
        if (integer != null) {
            remember((LongMatrix) out, (LongMatrix) super.columns(integer, from, to));
        }
        return out;
    }

    /** A concatenation of comparison results stays a comparison result. */
    @Override
    public Matrix concatColumns(Matrix... parts) {
        Matrix out = super.concatColumns(parts);
        LongMatrix[] integers = new LongMatrix[parts.length];
        for (int i = 0; i < parts.length; i++) {
            integers[i] = integerBit(ring(parts[i], "concatColumns"));
            if (integers[i] == null) {
                return out;
            }
        }
        remember((LongMatrix) out, (LongMatrix) super.concatColumns(integers));
        return out;
    }

    // ---- telemetry -------------------------------------------------------------------------------------

    /** {@link RangeCheck} on the shares of all matrices at once: {@value RangeCheck#ROUNDS} rounds, only counts opened. */
    @Override
    protected long[] countAtLeastRing(LongMatrix[] xs, long[] ringBounds) {
        return RangeCheck.countAtLeast(ctx, xs, ringBounds);
    }

    @Override
    public Matrix applyCleartext(Matrix a, DoubleUnaryOperator f) {
        throw new UnsupportedOperationException("applyCleartext on " + a.shape() + ": exact non-linearities do not "
                + "exist on shares; use an approximation built from add, mul and lessThanZero");
    }

    @Override
    public String toString() {
        return "TwoPartyArithmetic[party " + ctx.party() + ", f=" + fractionalBits() + ", " + truncation + "]";
    }

    // ---- integer bits behind comparison results -----------------------------------------------------------

    private LongMatrix fixedFromBit(LongMatrix integerBit) {
        LongMatrix fixed = (LongMatrix) scaleInteger(integerBit, codec().one());
        remember(fixed, integerBit);
        return fixed;
    }

    private void remember(LongMatrix fixed, LongMatrix integer) {
        knownBits.removeIf(k -> k.fixed().get() == null);
        knownBits.add(new KnownBit(new WeakReference<>(fixed), integer));
    }

    /** The integer bit behind a fixed-point bit this backend returned (same object), or null. */
    private LongMatrix integerBit(LongMatrix fixed) {
        for (KnownBit k : knownBits) {
            if (k.fixed().get() == fixed) {
                return k.integer();
            }
        }
        return null;
    }

    private LongMatrix requireBit(Matrix bit, String op) {
        LongMatrix integer = integerBit(ring(bit, op));
        if (integer == null) {
            throw new IllegalArgumentException(op + ": " + bit.shape() + " is not a comparison result of this backend"
                    + " (lessThanZero, reluWithDerivative, maxWithBit, or columns and concatenations of them)");
        }
        return integer;
    }
}
