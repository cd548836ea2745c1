package org.twintrain.sharing.arith;

/**
 * A row-major matrix held by an {@link Arithmetic} backend: doubles ({@link DoubleMatrix}), fixed-point
 * cleartext values, or this party's additive share of fixed-point values (both {@link
 * org.twintrain.sharing.ring.LongMatrix}). Only the backend that made a matrix knows what its numbers mean.
 */
public interface Matrix {
    int rows();

    int cols();

    default int size() {
        return rows() * cols();
    }

    default String shape() {
        return rows() + "x" + cols();
    }
}
