package org.twintrain.sharing.arith;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Double-precision matrix products for {@link DoubleArithmetic}'s dense products: {@link Sgemm}'s kernels on
 * doubles (the same register blocks and loop order; see there). On the engine's small dense shapes (the SecureML
 * network's 128 x 784 x 128, 128 x 128 x 10, ...) netlib's dgemm spent most of its time packing and in its
 * scalar remainder loops; these kernels need neither. Convolutions keep netlib's dgemm ({@link DoubleConv}).
 */
final class Dgemm {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Rows of B per panel of {@link #nn}: 256 x 2 vectors is 32 KB, within the L1 data cache. */
    private static final int KC = 256;

    private Dgemm() {
    }

    /**
     * Rows [r0, r1) of C (n columns, row stride ldc, from cOff) = (or += when accumulate) A B with inner
     * dimension k, where A(i, p) = a[aOff + i * ars + p * acs] and B is row-major (row stride ldb, from bOff).
     */
    static void nn(int r0, int r1, int n, int k, double[] a, int aOff, int ars, int acs, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, boolean accumulate) {
        // Blocks of the inner dimension, so that a panel of B (KC rows x 2 vectors) stays in the L1 cache while
        // every row block of A passes over it.
        for (int k0 = 0; k0 < k; k0 += KC) {
            panel(r0, r1, n, Math.min(KC, k - k0), a, aOff + k0 * acs, ars, acs, b, bOff + k0 * ldb, ldb, c, cOff, ldc,
                    accumulate || k0 > 0);
        }
    }

    /** {@link #nn} for one block of the inner dimension: column blocks outside, row blocks inside. */
    private static void panel(int r0, int r1, int n, int k, double[] a, int aOff, int ars, int acs, double[] b, int bOff,
            int ldb, double[] c, int cOff, int ldc, boolean accumulate) {
        int n2 = n - n % (2 * L), n1 = n - n % L;
        for (int j = 0; j < n2; j += 2 * L) {
            int i = r0;
            for (; i + 4 <= r1; i += 4) {
                block4x2(i, j, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            for (; i < r1; i++) {
                row1(i, j, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
                row1(i, j + L, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        }
        for (int j = n2; j < n1; j += L) {
            for (int i = r0; i < r1; i++) {
                row1(i, j, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        }
        scalarColumns(r0, r1, n1, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    private static void block4x2(int i, int j, int k, double[] a, int aOff, int ars, int acs, double[] b, int bOff,
            int ldb, double[] c, int cOff, int ldc, boolean accumulate) {
        int c0 = cOff + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        DoubleVector s00, s01, s10, s11, s20, s21, s30, s31;
        if (accumulate) {
            s00 = DoubleVector.fromArray(S, c, c0);
            s01 = DoubleVector.fromArray(S, c, c0 + L);
            s10 = DoubleVector.fromArray(S, c, c1);
            s11 = DoubleVector.fromArray(S, c, c1 + L);
            s20 = DoubleVector.fromArray(S, c, c2);
            s21 = DoubleVector.fromArray(S, c, c2 + L);
            s30 = DoubleVector.fromArray(S, c, c3);
            s31 = DoubleVector.fromArray(S, c, c3 + L);
        } else {
            s00 = DoubleVector.zero(S);
            s01 = s00;
            s10 = s00;
            s11 = s00;
            s20 = s00;
            s21 = s00;
            s30 = s00;
            s31 = s00;
        }
        int a0 = aOff + i * ars, bp = bOff + j;
        for (int p = 0; p < k; p++, a0 += acs, bp += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bp + L);
            DoubleVector x = DoubleVector.broadcast(S, a[a0]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = DoubleVector.broadcast(S, a[a0 + ars]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = DoubleVector.broadcast(S, a[a0 + 2 * ars]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = DoubleVector.broadcast(S, a[a0 + 3 * ars]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    /** One vector of row i of C, columns [j, j + L). */
    private static void row1(int i, int j, int k, double[] a, int aOff, int ars, int acs, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, boolean accumulate) {
        int ci = cOff + i * ldc + j;
        DoubleVector s = accumulate ? DoubleVector.fromArray(S, c, ci) : DoubleVector.zero(S);
        int ap = aOff + i * ars, bp = bOff + j;
        for (int p = 0; p < k; p++, ap += acs, bp += ldb) {
            s = DoubleVector.broadcast(S, a[ap]).fma(DoubleVector.fromArray(S, b, bp), s);
        }
        s.intoArray(c, ci);
    }

    /** Columns [j0, n) of rows [i0, i1), too few for a vector. */
    private static void scalarColumns(int i0, int i1, int j0, int n, int k, double[] a, int aOff, int ars, int acs,
            double[] b, int bOff, int ldb, double[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = i0; i < i1; i++) {
            for (int j = j0; j < n; j++) {
                double s = accumulate ? c[cOff + i * ldc + j] : 0.0;
                int ap = aOff + i * ars, bp = bOff + j;
                for (int p = 0; p < k; p++, ap += acs, bp += ldb) {
                    s = Math.fma(a[ap], b[bp], s);
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }

    /**
     * Rows [r0, r1) of C (n columns, row stride ldc, from cOff) = (or += when accumulate) A B^T with inner
     * dimension k: C(i, j) = sum_p a[aOff + i * lda + p] * b[bOff + j * ldb + p].
     */
    static void nt(int r0, int r1, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, boolean accumulate) {
        int n4 = n - n % 4;
        int i = r0;
        for (; i + 4 <= r1; i += 4) {
            for (int j = 0; j < n4; j += 4) {
                dots4x4(i, j, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            for (int r = i; r < i + 4; r++) {
                for (int j = n4; j < n; j++) {
                    dot1(r, j, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                }
            }
        }
        for (; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                dot1(i, j, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        }
    }

    private static void dots4x4(int i, int j, int k, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, boolean accumulate) {
        int k1 = k - k % L;
        int a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
        DoubleVector s20 = zero, s21 = zero, s22 = zero, s23 = zero, s30 = zero, s31 = zero, s32 = zero, s33 = zero;
        for (int p = 0; p < k1; p += L) {
            DoubleVector y0 = DoubleVector.fromArray(S, b, b0 + p);
            DoubleVector y1 = DoubleVector.fromArray(S, b, b1 + p);
            DoubleVector y2 = DoubleVector.fromArray(S, b, b2 + p);
            DoubleVector y3 = DoubleVector.fromArray(S, b, b3 + p);
            DoubleVector x = DoubleVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = DoubleVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
            x = DoubleVector.fromArray(S, a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            s23 = x.fma(y3, s23);
            x = DoubleVector.fromArray(S, a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
            s32 = x.fma(y2, s32);
            s33 = x.fma(y3, s33);
        }
        int ci = cOff + i * ldc + j;
        finish(s00.reduceLanes(VectorOperators.ADD), a, a0, b, b0, k1, k, c, ci, accumulate);
        finish(s01.reduceLanes(VectorOperators.ADD), a, a0, b, b1, k1, k, c, ci + 1, accumulate);
        finish(s02.reduceLanes(VectorOperators.ADD), a, a0, b, b2, k1, k, c, ci + 2, accumulate);
        finish(s03.reduceLanes(VectorOperators.ADD), a, a0, b, b3, k1, k, c, ci + 3, accumulate);
        ci += ldc;
        finish(s10.reduceLanes(VectorOperators.ADD), a, a1, b, b0, k1, k, c, ci, accumulate);
        finish(s11.reduceLanes(VectorOperators.ADD), a, a1, b, b1, k1, k, c, ci + 1, accumulate);
        finish(s12.reduceLanes(VectorOperators.ADD), a, a1, b, b2, k1, k, c, ci + 2, accumulate);
        finish(s13.reduceLanes(VectorOperators.ADD), a, a1, b, b3, k1, k, c, ci + 3, accumulate);
        ci += ldc;
        finish(s20.reduceLanes(VectorOperators.ADD), a, a2, b, b0, k1, k, c, ci, accumulate);
        finish(s21.reduceLanes(VectorOperators.ADD), a, a2, b, b1, k1, k, c, ci + 1, accumulate);
        finish(s22.reduceLanes(VectorOperators.ADD), a, a2, b, b2, k1, k, c, ci + 2, accumulate);
        finish(s23.reduceLanes(VectorOperators.ADD), a, a2, b, b3, k1, k, c, ci + 3, accumulate);
        ci += ldc;
        finish(s30.reduceLanes(VectorOperators.ADD), a, a3, b, b0, k1, k, c, ci, accumulate);
        finish(s31.reduceLanes(VectorOperators.ADD), a, a3, b, b1, k1, k, c, ci + 1, accumulate);
        finish(s32.reduceLanes(VectorOperators.ADD), a, a3, b, b2, k1, k, c, ci + 2, accumulate);
        finish(s33.reduceLanes(VectorOperators.ADD), a, a3, b, b3, k1, k, c, ci + 3, accumulate);
    }

    /**
     * The lanes' sum (reduced by the caller: a vector passed to a method that is not inlined is boxed), plus the
     * tail [k1, k) of the dot product of a's row at ap with b's row at bp.
     */
    private static void finish(double lanes, double[] a, int ap, double[] b, int bp, int k1, int k, double[] c, int ci,
            boolean accumulate) {
        double sum = lanes;
        for (int p = k1; p < k; p++) {
            sum = Math.fma(a[ap + p], b[bp + p], sum);
        }
        c[ci] = accumulate ? c[ci] + sum : sum;
    }

    private static void dot1(int i, int j, int k, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, boolean accumulate) {
        int k1 = k - k % L, ap = aOff + i * lda, bp = bOff + j * ldb;
        DoubleVector s = DoubleVector.zero(S);
        for (int p = 0; p < k1; p += L) {
            s = DoubleVector.fromArray(S, a, ap + p).fma(DoubleVector.fromArray(S, b, bp + p), s);
        }
        finish(s.reduceLanes(VectorOperators.ADD), a, ap, b, bp, k1, k, c, cOff + i * ldc + j, accumulate);
    }
}
