package org.twintrain.sharing.arith;

import java.lang.ref.WeakReference;
import java.util.function.DoubleUnaryOperator;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.protocol.BeaverMatMul;
import org.twintrain.sharing.protocol.BeaverMul;
import org.twintrain.sharing.protocol.BeaverSquare;
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
 * ulp more. Comparisons return 1.0 in fixed point (the integer bit times 2^f). The backend also remembers the
 * integer bits behind its last comparison results, so that {@link #select} and {@link #mul} by such a bit
 * multiply by the integer bit: exact and with no truncation round. {@link #reluWithDerivative} and {@link
 * #max} multiply by the comparison's bit in the same round as its B2A (8 rounds each).
 *
 * <p>Triple keys: {@link #beginScope} names (epoch, step, layer) and restarts the operation counter; every
 * protocol call draws the next key(s). Nothing here ever prints a share: toString and messages give shapes.
 */
public final class TwoPartyArithmetic extends RingArithmetic {
    /**
     * How many comparison results keep their integer bit (matched by identity; older ones fall back to a
     * truncated mul). The fixed-point result is held weakly, so a remembered integer bit costs memory only
     * while the caller still holds the comparison result it belongs to (and until the next lookup).
     */
    private static final int REMEMBERED_BITS = 8;

    private final ProtocolContext ctx;
    private final TruncationMode truncation;
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final WeakReference<LongMatrix>[] fixedBits = new WeakReference[REMEMBERED_BITS];
    private final LongMatrix[] integerBits = new LongMatrix[REMEMBERED_BITS];
    private int nextBit;
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
            TruncationMode truncation) {
        super(codec);
        this.ctx = new ProtocolContext(party, channel, triples, codec);
        this.truncation = truncation;
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

    /** All products in one truncation round (wrap-free mode; local truncation needs none). */
    @Override
    protected LongMatrix[] truncateAll(LongMatrix[] products) {
        return Truncation.truncate(ctx, truncation, products);
    }

    /** One round: both parties learn the values. */
    @Override
    public double[] reveal(Matrix x) {
        return codec().decode(Open.open(ctx, ring(x, "reveal"))[0].data());
    }

    // ---- multiplicative --------------------------------------------------------------------------------

    @Override
    public Matrix mul(Matrix a, Matrix b) {
        LongMatrix x = ring(a, "mul"), y = ring(b, "mul");
        LongMatrix bit = integerBit(x);
        if (bit != null) {
            return BeaverMul.mul(ctx, bit, y);
        }
        bit = integerBit(y);
        if (bit != null) {
            return BeaverMul.mul(ctx, x, bit);
        }
        return truncate(BeaverMul.mul(ctx, x, y));
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

    // ---- comparisons -----------------------------------------------------------------------------------

    @Override
    public Matrix lessThanZero(Matrix a) {
        return fixedFromBit(LessThanZero.arithmetic(ctx, ring(a, "lessThanZero")));
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

    /**
     * One comparison and an exact product by its bit, the B2A in the product's round: 8 rounds. The derivative
     * is 1.0 at 0, like the default.
     */
    @Override
    public Matrix[] reluWithDerivative(Matrix a) {
        LongMatrix[] out = Relu.reluWithDerivative(ctx, ring(a, "reluWithDerivative"));
        return new Matrix[] {out[0], fixedFromBit(out[1])};
    }

    /** One comparison of a - b and an exact select, the B2A in the select's round: 8 rounds. */
    @Override
    public Matrix max(Matrix a, Matrix b) {
        return Max.max(ctx, ring(a, "max"), ring(b, "max"));
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
        fixedBits[nextBit] = new WeakReference<>(fixed);
        integerBits[nextBit] = integerBit;
        nextBit = (nextBit + 1) % REMEMBERED_BITS;
        return fixed;
    }

    /** The integer bit of a fixed-point bit this backend returned (same object), or null. */
    private LongMatrix integerBit(LongMatrix fixed) {
        LongMatrix found = null;
        for (int i = 0; i < REMEMBERED_BITS; i++) {
            LongMatrix key = fixedBits[i] == null ? null : fixedBits[i].get();
            if (key == null) {
                fixedBits[i] = null;
                integerBits[i] = null;
            } else if (key == fixed) {
                found = integerBits[i];
            }
        }
        return found;
    }
}
