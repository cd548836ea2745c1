package org.twintrain.engine;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** An entrywise non-linearity with its derivative at the pre-activation (sigmoid, tanh, or an approximation). */
public interface Activation {

    String name();

    Matrix apply(Arithmetic a, Matrix x);

    /** The derivative of {@link #apply} at x. */
    Matrix derivative(Arithmetic a, Matrix x);
}
