package org.twintrain.sharing.arith;

import java.util.function.DoubleUnaryOperator;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.RingMatMul;

/**
 * The cleartext twin of {@link TwoPartyArithmetic}: the same fixed-point numbers in Z_2^64 and the same
 * truncation after every product, without shares. A matrix holds the encodings themselves. Products are the
 * exact ring product followed by a shift right by f, rounded as {@link Rounding} says:
 * <ul>
 *   <li>{@code FLOOR} (the default): toward minus infinity, the reference the protocol tests compare with;
 *       the two-party truncations reconstruct this value or one ulp more;</li>
 *   <li>{@code STOCHASTIC}: floor(x / 2^f + u) with u uniform in [0, 1) from a seeded generator. Which of
 *       the two values a two-party truncation gives depends on the random shares, and on average it gives
 *       x / 2^f: stochastic rounding. A training run emulated with floor rounding drifts (every tiny
 *       gradient rounds down), so the emulation of a secure run uses this mode.</li>
 * </ul>
 * SecureML's rare large truncation failures are not emulated.
 *
 * <p>Values must stay within the range documented in {@link FixedPoint}; outside it the ring wraps silently,
 * as it would on shares. Scopes are ignored.
 */
public final class FixedPointArithmetic extends RingArithmetic {

    /** How a product is rounded back to f fractional bits; see the class comment. */
    public enum Rounding {
        FLOOR,
        STOCHASTIC
    }

    private final Rounding rounding;
    private final java.util.SplittableRandom random;

    /** f = {@link FixedPoint#DEFAULT_FRACTIONAL_BITS}. */
    public FixedPointArithmetic() {
        this(FixedPoint.defaults());
    }

    public FixedPointArithmetic(int fractionalBits) {
        this(new FixedPoint(fractionalBits));
    }

    public FixedPointArithmetic(FixedPoint codec) {
        this(codec, Rounding.FLOOR, 0);
    }

    /** @param seed seeds the stochastic rounding, so an emulated run repeats bit for bit */
    public FixedPointArithmetic(FixedPoint codec, Rounding rounding, long seed) {
        super(codec);
        this.rounding = rounding;
        this.random = new java.util.SplittableRandom(seed);
    }

    /** The emulation of a secure run: stochastic rounding, seeded. */
    public static FixedPointArithmetic emulation(FixedPoint codec, long seed) {
        return new FixedPointArithmetic(codec, Rounding.STOCHASTIC, seed);
    }

    public Rounding rounding() {
        return rounding;
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public boolean isCleartext() {
        return true;
    }

    @Override
    public void beginScope(long epoch, long step, String layer) {
        // No triples, nothing to key.
    }

    @Override
    protected long[] publicValue(long[] encoded) {
        return encoded;
    }

    @Override
    protected LongMatrix truncate(LongMatrix product) {
        return truncateBy(product, fractionalBits());
    }

    @Override
    protected LongMatrix truncateBy(LongMatrix product, int f) {
        long[] v = product.data();
        if (rounding == Rounding.STOCHASTIC) {
            long mask = (1L << f) - 1;
            for (int i = 0; i < v.length; i++) {
                v[i] = (v[i] + (random.nextLong() & mask)) >> f;
            }
        } else {
            for (int i = 0; i < v.length; i++) {
                v[i] >>= f;
            }
        }
        return product;
    }

    @Override
    public double[] reveal(Matrix x) {
        return codec().decode(ring(x, "reveal").data());
    }

    @Override
    public Matrix mul(Matrix a, Matrix b) {
        return truncate(ringProduct(ring(a, "mul"), ring(b, "mul")));
    }

    @Override
    public Matrix square(Matrix a) {
        LongMatrix x = ring(a, "square");
        return truncate(ringProduct(x, x));
    }

    @Override
    public Matrix matmul(Matrix a, Matrix b) {
        return truncate(ring(a, "matmul").matmul(ring(b, "matmul")));
    }

    @Override
    protected LongMatrix convProduct(LongMatrix x, LongMatrix w, ConvGeometry g) {
        return g.im2col(x).matmul(w);
    }

    @Override
    protected LongMatrix convKernelGradProduct(LongMatrix x, LongMatrix dy, ConvGeometry g) {
        return RingMatMul.multiplyTransposeA(g.im2col(x), g.fromLayout(dy));
    }

    @Override
    protected LongMatrix convInputGradProduct(LongMatrix dy, LongMatrix w, ConvGeometry g) {
        return g.col2im(RingMatMul.multiplyTransposeB(g.fromLayout(dy), w));
    }

    @Override
    public Matrix lessThanZero(Matrix a) {
        LongMatrix x = ring(a, "lessThanZero");
        long one = codec().one();
        long[] in = x.data();
        long[] out = new long[in.length];
        for (int i = 0; i < out.length; i++) {
            // The sign bit of the two's complement encoding.
            out[i] = (in[i] >>> 63) * one;
        }
        return new LongMatrix(x.rows(), x.cols(), out);
    }

    /** Decodes, applies f in double precision, encodes (rounding to nearest). */
    @Override
    public Matrix applyCleartext(Matrix a, DoubleUnaryOperator f) {
        LongMatrix x = ring(a, "applyCleartext");
        FixedPoint codec = codec();
        long[] in = x.data();
        long[] out = new long[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = codec.encode(f.applyAsDouble(codec.decode(in[i])));
        }
        return new LongMatrix(x.rows(), x.cols(), out);
    }
}
