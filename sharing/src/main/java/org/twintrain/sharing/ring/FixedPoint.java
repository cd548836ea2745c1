package org.twintrain.sharing.ring;

/**
 * Fixed-point encoding of reals in the ring Z_2^64: x is stored as round(x * 2^f) in a {@code long},
 * two's complement, so that ring addition is real addition and the sign is the top bit.
 *
 * <p>Range: values must stay within +-2^(63-f) (about 1.4e14 for f = 16). A product of two encoded
 * values carries 2f fractional bits and must be truncated by f bits; before truncation its magnitude
 * must stay below 2^63, that is |x*y| < 2^(63-2f) (about 2.1e9 for f = 16, 8.8e11 for f = 13).
 * SecureML's local share truncation additionally fails with probability about 2^(l_x+1-64) where l_x is
 * the bit length of the untruncated product; see {@link org.twintrain.sharing.protocol.Truncation}.
 *
 * @param fractionalBits f, between 1 and 30
 */
public record FixedPoint(int fractionalBits) {

    /** SecureML used 13 fractional bits, CrypTen 16; 16 is the default here. */
    public static final int DEFAULT_FRACTIONAL_BITS = 16;

    public FixedPoint {
        if (fractionalBits < 1 || fractionalBits > 30) {
            throw new IllegalArgumentException("fractional bits must be in 1..30, got " + fractionalBits);
        }
    }

    public static FixedPoint defaults() {
        return new FixedPoint(DEFAULT_FRACTIONAL_BITS);
    }

    /** 2^f as a double. */
    public double scale() {
        return (double) (1L << fractionalBits);
    }

    /** The encoding of 1.0. */
    public long one() {
        return 1L << fractionalBits;
    }

    /** Largest magnitude a value may have: 2^(63-f). */
    public double maxMagnitude() {
        return Math.scalb(1.0, 63 - fractionalBits);
    }

    /** Rounds to nearest; throws on NaN, infinity or a value outside the documented range. */
    public long encode(double x) {
        if (!(Math.abs(x) < maxMagnitude())) {
            throw new ArithmeticException("value outside the fixed-point range +-2^" + (63 - fractionalBits)
                    + " (f=" + fractionalBits + ")");
        }
        return Math.round(x * scale());
    }

    public double decode(long v) {
        return v / scale();
    }

    public long[] encode(double[] xs) {
        long[] out = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = encode(xs[i]);
        }
        return out;
    }

    public double[] decode(long[] vs) {
        double[] out = new double[vs.length];
        double inv = 1.0 / scale();
        for (int i = 0; i < vs.length; i++) {
            out[i] = vs[i] * inv;
        }
        return out;
    }

    /** Truncation of a cleartext product: arithmetic shift right by f (rounds toward minus infinity). */
    public long truncate(long v) {
        return v >> fractionalBits;
    }

    /** One unit in the last place, as a real. */
    public double ulp() {
        return 1.0 / scale();
    }
}
