package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * {@code limit:n}: CrypTen's limit approximation e^x = lim (1 + x/m)^m with m = 2^n, evaluated as n squarings of
 * b = max(0, 1 + x/2^n). Not in Ho et al.; CrypTen (Knott et al., 2021) uses it for its softmax with n = 8.
 *
 * <p>It is accurate only near 0 from below: (1 + x/m)^m / e^x falls from 1 at x = 0 to e^{-x^2/(2m)} roughly, so
 * the softmax subtracts the row maximum first ({@link #shiftsByMax()}: inputs x &lt;= 0). The clip at 0 is one
 * comparison: without it, x &lt; -2m would make b &lt; -1 and the even power explode (CrypTen leaves that case
 * to the caller). In fixed point b &lt;= 1 after the shift, so the powers stay in range; b's rounding (one unit
 * u) is amplified m times, a relative error of about m u / b.
 *
 * <p>Derivative: d/dx b^m = b^(m-1) (zero where clipped, since b = 0 there), the product b b^2 b^4 ... b^(m/2),
 * accumulated beside the squarings in the same rounds ({@link Arithmetic#mulBatch}). Cost on two parties: one
 * truncation of x/2^n, one comparison, n product rounds.
 */
public final class LimitExp implements ExpApproximation {
    public static final int MIN_SQUARINGS = 1;
    public static final int MAX_SQUARINGS = 12;

    private final int squarings;

    public LimitExp(int squarings) {
        if (squarings < MIN_SQUARINGS || squarings > MAX_SQUARINGS) {
            throw new IllegalArgumentException("limit:n needs n (the squarings, m = 2^n) in " + MIN_SQUARINGS + ".."
                    + MAX_SQUARINGS + ", got " + squarings);
        }
        this.squarings = squarings;
    }

    @Override
    public String name() {
        return "limit:" + squarings;
    }

    public int squarings() {
        return squarings;
    }

    @Override
    public boolean shiftsByMax() {
        return true;
    }

    @Override
    public Matrix apply(Arithmetic a, Matrix x) {
        Matrix p = base(a, x);
        for (int i = 0; i < squarings; i++) {
            p = a.square(p);
        }
        return p;
    }

    @Override
    public Matrix derivative(Arithmetic a, Matrix x) {
        return applyWithDerivative(a, x)[1];
    }

    @Override
    public Matrix[] applyWithDerivative(Arithmetic a, Matrix x) {
        Matrix b = base(a, x);
        // p = b^(2^i) and d = b^(2^i - 1): p <- p p and d <- d p in one round each step (d starts as b after step 0).
        Matrix p = a.square(b);
        Matrix d = b;
        for (int i = 1; i < squarings; i++) {
            Matrix[] next = a.mulBatch(new Matrix[] {p, d}, new Matrix[] {p, p});
            p = next[0];
            d = next[1];
        }
        return new Matrix[] {p, d};
    }

    /** max(0, 1 + x / 2^n). */
    private Matrix base(Arithmetic a, Matrix x) {
        return a.relu(a.addPublic(a.scale(x, Math.scalb(1.0, -squarings)), 1.0));
    }

    /** The same function in double precision (tests, fits, plots). */
    public double value(double x) {
        double p = Math.max(0, 1 + Math.scalb(x, -squarings));
        for (int i = 0; i < squarings; i++) {
            p *= p;
        }
        return p;
    }
}
