package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * {@code taylor:k}: the Taylor polynomial T_k(x) = sum_{i=0..k} x^i / i! of e^x at 0 (Ho et al., Table 1;
 * the paper evaluates k = 2..5, here k = 2..8).
 *
 * <p>Evaluation: the nested Horner form T_k(x) = 1 + x (1 + x/2 (1 + x/3 (... (1 + x/k)))), that is p = 1 + x/k,
 * then p = 1 + (x/j) p for j = k-1 down to 1. It takes k-1 secret products (k-1 rounds on two parties) and
 * multiplies only by the public x/j, never by the tiny public coefficients 1/i!, which fixed point would round
 * badly (1/8! is about 1.6 units of 2^-16).
 *
 * <p>Sign: T_k has no real root for even k, and exactly one (negative) real root for odd k, below which it is
 * negative (T_3 below about -1.596, T_5 below about -2.181, T_7 below about -2.759). The paper clips odd
 * degrees at 0; here the clip is max(0, T_k(x)) with one comparison ({@link Arithmetic#reluWithDerivative}).
 * The derivative of the composed function is T_{k-1}(x), times the clip's indicator [T_k(x) > 0] for odd k.
 */
public final class TaylorExp implements ExpApproximation {
    public static final int MIN_DEGREE = 2;
    public static final int MAX_DEGREE = 8;

    private final int degree;

    public TaylorExp(int degree) {
        if (degree < MIN_DEGREE || degree > MAX_DEGREE) {
            throw new IllegalArgumentException("taylor degree must be in " + MIN_DEGREE + ".." + MAX_DEGREE + ", got "
                    + degree);
        }
        this.degree = degree;
    }

    public int degree() {
        return degree;
    }

    /** True for odd degrees, which are clipped at 0. */
    public boolean clipped() {
        return degree % 2 == 1;
    }

    @Override
    public String name() {
        return "taylor:" + degree;
    }

    @Override
    public Matrix apply(Arithmetic a, Matrix x) {
        Matrix p = polynomial(a, x, degree);
        return clipped() ? a.relu(p) : p;
    }

    @Override
    public Matrix derivative(Arithmetic a, Matrix x) {
        return applyWithDerivative(a, x)[1];
    }

    @Override
    public Matrix[] applyWithDerivative(Arithmetic a, Matrix x) {
        Matrix p = polynomial(a, x, degree);
        Matrix lower = polynomial(a, x, degree - 1);
        if (!clipped()) {
            return new Matrix[] {p, lower};
        }
        Matrix[] clip = a.reluWithDerivative(p);
        return new Matrix[] {clip[0], a.mulBit(clip[1], lower)};
    }

    /** T_d(x) unclipped, in the nested Horner form; T_1 = 1 + x takes no product, T_0 = 1. */
    static Matrix polynomial(Arithmetic a, Matrix x, int d) {
        if (d == 0) {
            return a.constant(x.rows(), x.cols(), 1.0);
        }
        // x/j for every j in one truncation (one round on two parties with wrap-free truncation).
        double[] inverse = new double[d + 1];
        for (int j = 1; j <= d; j++) {
            inverse[j] = 1.0 / j;
        }
        Matrix[] xOver = Batch.scaleEach(a, x, inverse);
        Matrix p = a.addPublic(xOver[d], 1.0);
        for (int j = d - 1; j >= 1; j--) {
            p = a.addPublic(a.mul(xOver[j], p), 1.0);
        }
        return p;
    }

    /** T_d(x) in double precision, unclipped (tests, fits and plots). */
    public static double polynomial(double x, int d) {
        double p = 1.0;
        for (int j = d; j >= 1; j--) {
            p = 1.0 + x / j * p;
        }
        return p;
    }
}
