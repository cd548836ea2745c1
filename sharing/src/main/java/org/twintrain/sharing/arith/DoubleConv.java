package org.twintrain.sharing.arith;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The direct convolution kernels of {@link DoubleArithmetic}, a few images at a time: im2col into a
 * (C*k*k) x (images * P) matrix (P output pixels) with plain loops, then one dgemm whose result holds the
 * images' OC x P outputs as contiguous runs, so no index arrays are needed; images are split over the
 * backend's threads, each with its own scratch matrices. The output channels are padded to a multiple of 3
 * for dgemm (its 3 x 3 kernel leaves remainders to slow scalar loops). The input gradient of a stride-1
 * convolution is itself a convolution (of the output gradient with the kernel flipped in space and its channel
 * dimensions swapped), which keeps the product's inner dimension at OC*k*k instead of OC; other strides
 * multiply into columns and col2im them back.
 *
 * <p>Layouts (row-major, as everywhere here): an image is C x H x W, its output OC x OH x OW, the kernel
 * (C*k*k) x OC. dgemm is column-major, so each call below states the operands as column-major views.
 */
final class DoubleConv {
    /** Rows (images x output pixels) a product should have at least; see {@link #group}. */
    static final int MIN_ROWS = 256;

    private static final int COLS = 0;
    private static final int OUT = 1;

    /**
     * Each thread's scratch matrices, kept between calls: at these sizes a new array each call is a humongous
     * allocation that the collector handles slowly. A task uses them from start to end on its own thread.
     */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[2][0]);

    private final BLAS blas;
    private final Parallel parallel;

    DoubleConv(BLAS blas, Parallel parallel) {
        this.blas = blas;
        this.parallel = parallel;
    }

    /**
     * Images per product: enough that the product's long side (images x P) reaches {@link #MIN_ROWS}, which
     * matters for the small late-stage images (P = 64), not for the large ones.
     */
    private static int group(ConvGeometry g) {
        return Math.max(1, (MIN_ROWS + g.outPixels() - 1) / g.outPixels());
    }

    /** The smallest multiple of 3 at least n: dgemm's kernels work on 3 x 3 blocks and handle the rest slowly. */
    private static int padded(int n) {
        return (n + 2) / 3 * 3;
    }

    /** batch x g.outSize() output of batch x g.inSize() input x and kernel w. */
    double[] forward(double[] x, int batch, double[] w, ConvGeometry g) {
        int p = g.outPixels(), ckk = g.patchSize(), oc = g.outChannels(), ocp = padded(oc);
        double[] y = new double[batch * g.outSize()];
        double[] wp = padColumns(w, ckk, oc, ocp);
        int group = group(g), ld = group * p;
        parallel.forRanges(batch, (long) batch * p * ckk * oc, (part, from, to) -> {
            double[] cols = scratch(COLS, ckk * ld, true);
            double[] out = scratch(OUT, ld * ocp, false);
            for (int b0 = from; b0 < to; b0 += group) {
                int n = Math.min(group, to - b0);
                for (int i = 0; i < n; i++) {
                    im2col(x, (b0 + i) * g.inSize(), g, cols, i * p, ld);
                }
                // Column-major: out (nP x OCp, ld) = cols^T (nP x CKK, ld) times wp (CKK x OCp; stored as its
                // column-major transpose, ld OCp, hence "T").
                blas.dgemm("N", "T", n * p, ocp, ckk, 1.0, cols, 0, ld, wp, 0, ocp, 0.0, out, 0, ld);
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < oc; c++) {
                        System.arraycopy(out, c * ld + i * p, y, ((b0 + i) * oc + c) * p, p);
                    }
                }
            }
        });
        return y;
    }

    /** g.patchSize() x g.outChannels() kernel gradient: the sum over images of cols_b dy_b^T. */
    double[] kernelGrad(double[] x, double[] dy, int batch, ConvGeometry g) {
        int p = g.outPixels(), ckk = g.patchSize(), oc = g.outChannels(), ocp = padded(oc);
        int parts = parallel.parts(batch, (long) batch * p * ckk * oc);
        double[][] partial = new double[parts][];
        int group = group(g), ld = group * p;
        parallel.forRanges(batch, (long) batch * p * ckk * oc, (part, from, to) -> {
            double[] cols = scratch(COLS, ckk * ld, true);
            double[] dyp = scratch(OUT, ld * ocp, true); // columns oc.. stay 0
            double[] acc = new double[ocp * ckk];
            for (int b0 = from; b0 < to; b0 += group) {
                int n = Math.min(group, to - b0);
                for (int i = 0; i < n; i++) {
                    im2col(x, (b0 + i) * g.inSize(), g, cols, i * p, ld);
                    for (int c = 0; c < oc; c++) {
                        System.arraycopy(dy, ((b0 + i) * oc + c) * p, dyp, c * ld + i * p, p);
                    }
                }
                // Column-major: acc (OCp x CKK, ld OCp) += dyp^T (stored nP x OCp, ld, hence "T") times
                // cols^T (nP x CKK, ld).
                blas.dgemm("T", "N", ocp, ckk, n * p, 1.0, dyp, 0, ld, cols, 0, ld, 1.0, acc, 0, ocp);
            }
            partial[part] = acc;
        });
        // Fixed part order: the same threads give the same sums, bit for bit.
        double[] dw = new double[ckk * oc];
        for (int r = 0; r < ckk; r++) {
            for (int c = 0; c < oc; c++) {
                double s = 0;
                for (double[] acc : partial) {
                    s += acc[r * ocp + c];
                }
                dw[r * oc + c] = s;
            }
        }
        return dw;
    }

    /** This thread's scratch array of the slot with at least size entries, the first size zeroed if asked. */
    private static double[] scratch(int slot, int size, boolean zeroed) {
        double[][] mine = SCRATCH.get();
        if (mine[slot].length < size) {
            mine[slot] = new double[size];
        } else if (zeroed) {
            java.util.Arrays.fill(mine[slot], 0, size, 0.0);
        }
        return mine[slot];
    }

    /** The rows x wide copy of a rows x cols row-major matrix, extra columns 0. */
    private static double[] padColumns(double[] m, int rows, int cols, int wide) {
        if (wide == cols) {
            return m;
        }
        double[] out = new double[rows * wide];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m, r * cols, out, r * wide, cols);
        }
        return out;
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
            double[] cols = scratch(COLS, ckk * p, false);
            for (int b = from; b < to; b++) {
                // Column-major: cols^T (P x CKK, ld P) = dy_b^T (P x OC, ld P) times w^T (OC x CKK, ld OC).
                blas.dgemm("N", "N", p, ckk, oc, 1.0, dy, b * oc * p, p, w, 0, oc, 0.0, cols, 0, p);
                col2imAdd(cols, g, dx, b * g.inSize());
            }
        });
        return dx;
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
     * One image (at offset xOff of x) into columns [colOff, colOff + P) of cols, a (C*k*k) x ld row-major
     * matrix: row (c, ky, kx), column colOff + (oy, ox) holds input (c, oy*s+ky-pad, ox*s+kx-pad). Padding
     * entries are not written: cols starts zeroed, and which entries are padding depends only on the geometry,
     * so they stay 0 from image to image.
     */
    static void im2col(double[] x, int xOff, ConvGeometry g, double[] cols, int colOff, int ld) {
        int h = g.height(), w = g.width(), k = g.k(), s = g.stride(), pad = g.pad();
        int oh = g.outHeight(), ow = g.outWidth();
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++, row++) {
                    int lo = firstInside(kx, s, pad), hi = endInside(kx, s, pad, w, ow);
                    for (int oy = 0; oy < oh; oy++) {
                        int o = row * ld + colOff + oy * ow;
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
