package org.twintrain.sharing.arith;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The direct convolution kernels of {@link DoubleArithmetic}, one image at a time: im2col into a
 * (C*k*k) x P matrix (P output pixels) with plain loops, then one dgemm whose result is already the image's
 * OC x P output, so no permutation and no index arrays are needed; images are split over the backend's threads,
 * each with its own scratch matrix. The input gradient of a stride-1 convolution is itself a convolution (of
 * the output gradient with the kernel flipped in space and its channel dimensions swapped), which keeps the
 * product's inner dimension at OC*k*k instead of OC; other strides multiply into columns and col2im them back.
 *
 * <p>Layouts (row-major, as everywhere here): an image is C x H x W, its output OC x OH x OW, the kernel
 * (C*k*k) x OC. dgemm is column-major, so each call below states the operands as column-major views.
 */
final class DoubleConv {
    private final BLAS blas;
    private final DoubleArithmetic.Parallel parallel;

    DoubleConv(BLAS blas, DoubleArithmetic.Parallel parallel) {
        this.blas = blas;
        this.parallel = parallel;
    }

    /** batch x g.outSize() output of batch x g.inSize() input x and kernel w. */
    double[] forward(double[] x, int batch, double[] w, ConvGeometry g) {
        int p = g.outPixels(), ckk = g.patchSize(), oc = g.outChannels();
        double[] y = new double[batch * g.outSize()];
        boolean direct = isPointwise(g);
        parallel.forRanges(batch, (long) batch * p * ckk * oc, (part, from, to) -> {
            double[] cols = direct ? null : new double[ckk * p];
            for (int b = from; b < to; b++) {
                double[] a = x;
                int aOff = b * g.inSize();
                if (!direct) {
                    im2col(x, aOff, g, cols);
                    a = cols;
                    aOff = 0;
                }
                // Column-major: y_b^T (P x OC, ld P) = cols^T (P x CKK, ld P) times w (CKK x OC; w is stored as
                // its column-major transpose, ld OC, hence "T").
                blas.dgemm("N", "T", p, oc, ckk, 1.0, a, aOff, p, w, 0, oc, 0.0, y, b * oc * p, p);
            }
        });
        return y;
    }

    /** g.patchSize() x g.outChannels() kernel gradient: the sum over images of cols_b dy_b^T. */
    double[] kernelGrad(double[] x, double[] dy, int batch, ConvGeometry g) {
        int p = g.outPixels(), ckk = g.patchSize(), oc = g.outChannels();
        int parts = parallel.parts(batch, (long) batch * p * ckk * oc);
        double[][] partial = new double[parts][];
        boolean direct = isPointwise(g);
        parallel.forRanges(batch, (long) batch * p * ckk * oc, (part, from, to) -> {
            double[] cols = direct ? null : new double[ckk * p];
            double[] dw = new double[ckk * oc];
            for (int b = from; b < to; b++) {
                double[] a = x;
                int aOff = b * g.inSize();
                if (!direct) {
                    im2col(x, aOff, g, cols);
                    a = cols;
                    aOff = 0;
                }
                // Column-major: dw^T (OC x CKK, ld OC) += dy_b (OC x P; stored as its transpose P x OC, ld P,
                // hence "T") times cols (P x CKK, ld P).
                blas.dgemm("T", "N", oc, ckk, p, 1.0, dy, b * oc * p, p, a, aOff, p, 1.0, dw, 0, oc);
            }
            partial[part] = dw;
        });
        // Fixed part order: the same threads give the same sums, bit for bit.
        double[] dw = partial[0];
        for (int t = 1; t < parts; t++) {
            for (int i = 0; i < dw.length; i++) {
                dw[i] += partial[t][i];
            }
        }
        return dw;
    }

    /** batch x g.inSize() input gradient from the output gradient dy and kernel w. */
    double[] inputGrad(double[] dy, int batch, double[] w, ConvGeometry g) {
        ConvGeometry t = g.transposed();
        if (t != null) {
            return forward(dy, batch, flipped(w, g), t);
        }
        int p = g.outPixels(), ckk = g.patchSize(), oc = g.outChannels();
        double[] dx = new double[batch * g.inSize()];
        parallel.forRanges(batch, (long) batch * p * ckk * oc, (part, from, to) -> {
            double[] cols = new double[ckk * p];
            for (int b = from; b < to; b++) {
                // Column-major: cols^T (P x CKK, ld P) = dy_b^T (P x OC, ld P) times w^T (OC x CKK, ld OC).
                blas.dgemm("N", "N", p, ckk, oc, 1.0, dy, b * oc * p, p, w, 0, oc, 0.0, cols, 0, p);
                col2imAdd(cols, g, dx, b * g.inSize());
            }
        });
        return dx;
    }

    /** 1x1, stride 1, no padding: the image itself is its im2col matrix. */
    private static boolean isPointwise(ConvGeometry g) {
        return g.k() == 1 && g.stride() == 1 && g.pad() == 0;
    }

    /** The (OC*k*k) x C kernel of g.transposed(): entry (oc, ky, kx; c) is w's (c, k-1-ky, k-1-kx; oc). */
    static double[] flipped(double[] w, ConvGeometry g) {
        int c = g.channels(), oc = g.outChannels(), k = g.k();
        double[] f = new double[w.length];
        int i = 0;
        for (int o = 0; o < oc; o++) {
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    for (int ch = 0; ch < c; ch++) {
                        f[i++] = w[((ch * k + (k - 1 - ky)) * k + (k - 1 - kx)) * oc + o];
                    }
                }
            }
        }
        return f;
    }

    /**
     * One image (at offset xOff of x) into cols, a (C*k*k) x P row-major matrix: row (c, ky, kx), column
     * (oy, ox) holds input (c, oy*s+ky-pad, ox*s+kx-pad). Padding entries are not written: cols starts
     * zeroed, and which entries are padding depends only on the geometry, so they stay 0 from image to image.
     */
    static void im2col(double[] x, int xOff, ConvGeometry g, double[] cols) {
        int h = g.height(), w = g.width(), k = g.k(), s = g.stride(), pad = g.pad();
        int oh = g.outHeight(), ow = g.outWidth(), p = oh * ow;
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++, row++) {
                    int lo = firstInside(kx, s, pad), hi = endInside(kx, s, pad, w, ow);
                    for (int oy = 0; oy < oh; oy++) {
                        int o = row * p + oy * ow;
                        int iy = oy * s + ky - pad;
                        if (iy < 0 || iy >= h || lo >= hi) {
                            continue;
                        }
                        int src = xOff + (c * h + iy) * w + lo * s + kx - pad;
                        if (s == 1) {
                            System.arraycopy(x, src, cols, o + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++, src += s) {
                                cols[o + ox] = x[src];
                            }
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds cols into the image at offset dxOff of dx; padding is dropped. */
    static void col2imAdd(double[] cols, ConvGeometry g, double[] dx, int dxOff) {
        int h = g.height(), w = g.width(), k = g.k(), s = g.stride(), pad = g.pad();
        int oh = g.outHeight(), ow = g.outWidth(), p = oh * ow;
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++, row++) {
                    int lo = firstInside(kx, s, pad), hi = endInside(kx, s, pad, w, ow);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * s + ky - pad;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int o = row * p + oy * ow;
                        int dst = dxOff + (c * h + iy) * w + lo * s + kx - pad;
                        for (int ox = lo; ox < hi; ox++, dst += s) {
                            dx[dst] += cols[o + ox];
                        }
                    }
                }
            }
        }
    }

    /** First output column whose input column ox*s+kx-pad is >= 0. */
    private static int firstInside(int kx, int s, int pad) {
        return pad > kx ? (pad - kx + s - 1) / s : 0;
    }

    /** One past the last output column whose input column is < w (at most ow). */
    private static int endInside(int kx, int s, int pad, int w, int ow) {
        return Math.max(0, Math.min(ow, Math.floorDiv(w - 1 + pad - kx, s) + 1));
    }
}
