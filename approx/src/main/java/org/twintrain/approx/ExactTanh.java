package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** {@code exact}: tanh itself, cleartext only (the study's baseline); derivative 1 - tanh^2. */
public final class ExactTanh implements TanhApproximation {

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public Matrix apply(Arithmetic a, Matrix x) {
        ExactExp.requireCleartext(a);
        return a.applyCleartext(x, Math::tanh);
    }

    @Override
    public Matrix derivative(Arithmetic a, Matrix x) {
        ExactExp.requireCleartext(a);
        return a.applyCleartext(x, v -> {
            double t = Math.tanh(v);
            return 1 - t * t;
        });
    }

    @Override
    public boolean cleartextOnly() {
        return true;
    }
}
