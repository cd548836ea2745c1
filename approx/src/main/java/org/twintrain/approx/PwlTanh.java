package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * {@code pwl:3}: the paper's piecewise-linear tanh (Ho et al., Table 1): -1 on (-inf, -1], x on (-1, 1), 1 on
 * [1, inf), i.e. x clipped to [-1, 1]. Both comparisons, [x < -1] and [x > 1], are made in one call (one
 * comparison round on two parties) and both corrections in one product round:
 * clip(x) = x + [x < -1] (-1 - x) + [x > 1] (1 - x). The derivative is 1 - [x < -1] - [x > 1] (1 inside,
 * 0 outside), which takes no product.
 */
public final class PwlTanh implements TanhApproximation {

    @Override
    public String name() {
        return "pwl:3";
    }

    @Override
    public Matrix apply(Arithmetic a, Matrix x) {
        Matrix[] out = outside(a, x);
        Matrix below = out[0], above = out[1];
        int c = x.cols();
        Matrix corrections = a.mulBit(a.concatColumns(below, above),
                a.concatColumns(a.addPublic(a.neg(x), -1.0), a.addPublic(a.neg(x), 1.0)));
        return a.add(x, a.add(a.columns(corrections, 0, c), a.columns(corrections, c, 2 * c)));
    }

    @Override
    public Matrix derivative(Arithmetic a, Matrix x) {
        Matrix[] out = outside(a, x);
        return a.addPublic(a.neg(a.add(out[0], out[1])), 1.0);
    }

    /** {[x < -1], [x > 1]} from one comparison call. */
    private static Matrix[] outside(Arithmetic a, Matrix x) {
        int c = x.cols();
        Matrix bits = a.lessThanZero(a.concatColumns(a.addPublic(x, 1.0), a.addPublic(a.neg(x), 1.0)));
        return new Matrix[] {a.columns(bits, 0, c), a.columns(bits, c, 2 * c)};
    }

    /** The same function in double precision. */
    public static double value(double x) {
        return Math.max(-1.0, Math.min(1.0, x));
    }
}
