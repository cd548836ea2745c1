package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * {@code exact}: e^x itself, the baseline of the accuracy study (Ho et al., Table 1, first row). It runs only
 * on cleartext backends, through {@link Arithmetic#applyCleartext}; on two parties it throws. Its derivative is
 * e^x again. Softmax subtracts the row maximum before calling it (see {@link Softmax}), so that it neither
 * overflows a double nor leaves the fixed-point range.
 */
public final class ExactExp implements ExpApproximation {

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public Matrix apply(Arithmetic a, Matrix x) {
        requireCleartext(a);
        return a.applyCleartext(x, Math::exp);
    }

    @Override
    public Matrix derivative(Arithmetic a, Matrix x) {
        return apply(a, x);
    }

    @Override
    public Matrix[] applyWithDerivative(Arithmetic a, Matrix x) {
        Matrix e = apply(a, x);
        return new Matrix[] {e, e};
    }

    @Override
    public boolean shiftsByMax() {
        return true;
    }

    @Override
    public boolean cleartextOnly() {
        return true;
    }

    static void requireCleartext(Arithmetic a) {
        if (!a.isCleartext()) {
            throw new UnsupportedOperationException("the exact function needs a cleartext backend, not " + a.name()
                    + "; configure an approximation (e.g. exp = pwl:4, tanh = pwl:3) for secure runs");
        }
    }
}
