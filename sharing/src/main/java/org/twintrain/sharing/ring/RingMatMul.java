package org.twintrain.sharing.ring;

/**
 * Matrix product over Z_2^64. No BLAS multiplies int64 matrices, so the kernel is our own.
 * (Placeholder scalar kernel; the vectorized, multi-threaded one replaces it.)
 */
public final class RingMatMul {
    private RingMatMul() {
    }

    public static LongMatrix multiply(LongMatrix a, LongMatrix b) {
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("matmul shape mismatch: " + a.shape() + " x " + b.shape());
        }
        int m = a.rows(), k = a.cols(), n = b.cols();
        long[] x = a.data(), y = b.data(), z = new long[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                long xv = x[i * k + p];
                int yo = p * n, zo = i * n;
                for (int j = 0; j < n; j++) {
                    z[zo + j] += xv * y[yo + j];
                }
            }
        }
        return new LongMatrix(m, n, z);
    }
}
