package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * {@code relu}: max(0, x) in place of e^x, SecureML's stand-in (Mohassel and Zhang 2017, section 4.2; Ho et
 * al., Table 1), so that softmax becomes ReLU(x_i) / sum_j ReLU(x_j). One comparison. Its derivative is the
 * comparison bit [x > 0], which comes free with the value. When every logit of a row is non-positive the
 * softmax denominator is 0; {@link Reciprocal} defines that case (uniform probabilities).
 */
public final class ReluExp implements ExpApproximation {

    @Override
    public String name() {
        return "relu";
    }

    @Override
    public Matrix apply(Arithmetic a, Matrix x) {
        return a.relu(x);
    }

    @Override
    public Matrix derivative(Arithmetic a, Matrix x) {
        return applyWithDerivative(a, x)[1];
    }

    @Override
    public Matrix[] applyWithDerivative(Arithmetic a, Matrix x) {
        return a.reluWithDerivative(x);
    }
}
