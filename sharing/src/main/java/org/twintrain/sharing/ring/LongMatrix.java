package org.twintrain.sharing.ring;

import java.util.Arrays;
import org.twintrain.sharing.arith.Matrix;

/**
 * A row-major matrix over the ring Z_2^64 (Java {@code long} arithmetic wraps, which is exactly the ring).
 * It holds fixed-point cleartext values or one party's additive shares; {@link #toString()} never prints
 * values, so a share cannot leak through a log line or an exception message.
 */
public final class LongMatrix implements Matrix {
    private final int rows;
    private final int cols;
    private final long[] data;

    public LongMatrix(int rows, int cols, long[] data) {
        if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("shape " + rows + "x" + cols + " does not fit " + data.length + " values");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    public LongMatrix(int rows, int cols) {
        this(rows, cols, new long[Math.multiplyExact(rows, cols)]);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** The backing array (not a copy). */
    public long[] data() {
        return data;
    }

    public long get(int r, int c) {
        return data[r * cols + c];
    }

    public void set(int r, int c, long v) {
        data[r * cols + c] = v;
    }

    public LongMatrix copy() {
        return new LongMatrix(rows, cols, data.clone());
    }

    public LongMatrix add(LongMatrix o) {
        requireSameShape(o);
        long[] out = new long[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] + o.data[i];
        }
        return new LongMatrix(rows, cols, out);
    }

    public LongMatrix sub(LongMatrix o) {
        requireSameShape(o);
        long[] out = new long[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] - o.data[i];
        }
        return new LongMatrix(rows, cols, out);
    }

    public LongMatrix transpose() {
        long[] out = new long[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return new LongMatrix(cols, rows, out);
    }

    /** A rows x cols matrix of this one's entries at index (row-major; -1 gives 0): im2col, crops, slices. */
    public LongMatrix gather(int rows, int cols, int[] index) {
        if ((long) rows * cols != index.length) {
            throw new IllegalArgumentException("gather: " + index.length + " indices for a " + rows + "x" + cols
                    + " result");
        }
        long[] out = new long[index.length];
        for (int i = 0; i < out.length; i++) {
            int s = index[i];
            if (s >= 0) {
                out[i] = data[s];
            }
        }
        return new LongMatrix(rows, cols, out);
    }

    /** The adjoint of {@link #gather}: entry i added into entry index[i] of a rows x cols matrix (-1: dropped). */
    public LongMatrix scatterAdd(int rows, int cols, int[] index) {
        if (index.length != data.length) {
            throw new IllegalArgumentException("scatterAdd: " + index.length + " indices for a " + shape() + " input");
        }
        long[] out = new long[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < data.length; i++) {
            int t = index[i];
            if (t >= 0) {
                out[t] += data[i];
            }
        }
        return new LongMatrix(rows, cols, out);
    }

    /** Ring product this x o (no truncation). */
    public LongMatrix matmul(LongMatrix o) {
        return RingMatMul.multiply(this, o);
    }

    public void requireSameShape(Matrix o) {
        if (o.rows() != rows || o.cols() != cols) {
            throw new IllegalArgumentException("shape mismatch: " + shape() + " vs " + o.shape());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LongMatrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "LongMatrix[" + shape() + "]";
    }
}
