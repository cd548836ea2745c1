package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** An approximation of tanh ({@code exact} or the paper's {@code pwl:3}); configured as {@code tanh = NAME}. */
public interface TanhApproximation {

    String name();

    Matrix apply(Arithmetic a, Matrix x);

    /** The derivative of the approximated function at x. */
    Matrix derivative(Arithmetic a, Matrix x);

    default boolean cleartextOnly() {
        return false;
    }
}
