package org.twintrain.sharing.arith;

import java.util.Arrays;

/** A row-major matrix of floats; the storage of {@link FloatArithmetic}. */
public final class FloatMatrix implements Matrix {
    private final int rows;
    private final int cols;
    private final float[] data;

    public FloatMatrix(int rows, int cols, float[] data) {
        if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("shape " + rows + "x" + cols + " does not fit " + data.length + " values");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    public FloatMatrix(int rows, int cols) {
        this(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** The backing array (not a copy): the kernels write into it directly. */
    public float[] data() {
        return data;
    }

    public float get(int r, int c) {
        return data[r * cols + c];
    }

    public void set(int r, int c, float v) {
        data[r * cols + c] = v;
    }

    public FloatMatrix copy() {
        return new FloatMatrix(rows, cols, data.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatMatrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    /** Shape only: values may be secret in other backends, and toString must never be the way they leak. */
    @Override
    public String toString() {
        return "FloatMatrix[" + shape() + "]";
    }
}
