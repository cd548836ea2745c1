package org.twintrain.sharing.arith;

import java.util.function.DoubleUnaryOperator;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * The cleartext twin of {@link TwoPartyArithmetic}: the same fixed-point numbers in Z_2^64 and the same
 * truncation after every product, without shares. A matrix holds the encodings themselves. Products are the
 * exact ring product followed by an arithmetic shift right by f (rounding toward minus infinity), which is
 * what an exact two-party truncation reconstructs; SecureML's local share truncation adds at most one ulp
 * of further error and its rare large failures, which this twin does not emulate.
 *
 * <p>Values must stay within the range documented in {@link FixedPoint}; outside it the ring wraps silently,
 * as it would on shares. Scopes are ignored.
 */
public final class FixedPointArithmetic extends RingArithmetic {

    /** f = {@link FixedPoint#DEFAULT_FRACTIONAL_BITS}. */
    public FixedPointArithmetic() {
        this(FixedPoint.defaults());
    }

    public FixedPointArithmetic(int fractionalBits) {
        this(new FixedPoint(fractionalBits));
    }

    public FixedPointArithmetic(FixedPoint codec) {
        super(codec);
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
        long[] v = product.data();
        int f = fractionalBits();
        for (int i = 0; i < v.length; i++) {
            v[i] >>= f;
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
