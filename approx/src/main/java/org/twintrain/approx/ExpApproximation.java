package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * An approximation of e^x (the paper's Table 1), written against {@link Arithmetic} so that one class runs in
 * double precision, in fixed-point cleartext and on two parties. Named in configuration as {@code exp = NAME}.
 */
public interface ExpApproximation {

    /** The configuration name, e.g. "taylor:2" or "pwl:4". */
    String name();

    /** The approximated e^x, entrywise. */
    Matrix apply(Arithmetic a, Matrix x);

    /** The true derivative of the approximated function, entrywise, at x. */
    Matrix derivative(Arithmetic a, Matrix x);

    /**
     * {apply(x), derivative(x)}. Implementations that need comparisons override it so that the value and the
     * derivative share them (softmax's gradient needs both).
     */
    default Matrix[] applyWithDerivative(Arithmetic a, Matrix x) {
        return new Matrix[] {apply(a, x), derivative(a, x)};
    }

    /**
     * True when the softmax must subtract each row's maximum before calling it, so that its inputs are x &lt;= 0:
     * {@code exact} (range), {@code limit:n} and {@code pwlsm:k} (accurate, or fitted, only there). The paper's
     * approximations get the logits as they are. On two parties the maximum is a comparison tree over the row.
     */
    default boolean shiftsByMax() {
        return false;
    }

    /** True where it needs cleartext ({@code exact}). */
    default boolean cleartextOnly() {
        return false;
    }
}
