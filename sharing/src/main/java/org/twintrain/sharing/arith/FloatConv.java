package org.twintrain.sharing.arith;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct convolution kernels of {@link FloatArithmetic}: {@link DoubleConv}'s scheme (im2col a few images
 * at a time into a (C*k*k) x (images * P) matrix, one product per group, images split over the threads, the
 * stride-1 input gradient as a convolution with the flipped kernel) on floats, with the products of {@link
 * Sgemm}. The forward product is oriented so that its result rows are the output channels: W^T (OC x CKK)
 * times the im2col matrix gives each image's OC x P output as contiguous runs, written straight into the
 * output when a group is one image.
 */
final class FloatConv {
    private static final VectorSpecies<Float> VS = FloatVector.SPECIES_PREFERRED;
    private static final int VL = VS.length();

    /** Positions per padded output plane from which {@link #kernelGradDirect} beats im2col (measured here). */
    private static final int DIRECT_GRAD_MIN_POSITIONS = 256;

    /** Rows (images x output pixels) a product should have at least; see {@link #group}. */
    static final int MIN_ROWS = 256;

    private static final int COLS = 0;
    private static final int OUT = 1;

    /**
     * Each thread's scratch matrices, kept between calls: at these sizes a new array each call is a humongous
     * allocation that the collector handles slowly. A task uses them from start to end on its own thread.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private final Parallel parallel;

    FloatConv(Parallel parallel) {
        this.parallel = parallel;
    }

    /**
     * Images per product: enough that the product's long side (images x P) reaches {@link #MIN_ROWS}, which
     * matters for the small late-stage images (P = 64), not for the large ones.
     */
    private static int group(ConvGeometry g) {
        return Math.max(1, (MIN_ROWS + g.outPixels() - 1) / g.outPixels());
    }

    /** batch x g.outSize() output of batch x g.inSize() input x and kernel w. */
    float[] forward(float[] x, int batch, float[] w, ConvGeometry g) {
        if (g.stride() == 1) {
            return forwardDirect(x, batch, w, g);
        }
        int p = g.outPixels(), ckk = g.patchSize(), oc = g.outChannels();
        float[] y = new float[batch * g.outSize()];
        float[] wt = transpose(w, ckk, oc);
        int group = group(g), ld = group * p;
        parallel.forRanges(batch, (long) batch * p * ckk * oc, (part, from, to) -> {
            float[] cols = scratch(COLS, ckk * ld, true);
            float[] out = group == 1 ? null : scratch(OUT, oc * ld, false);
            for (int b0 = from; b0 < to; b0 += group) {
                int n = Math.min(group, to - b0);
                for (int i = 0; i < n; i++) {
                    im2col(x, (b0 + i) * g.inSize(), g, cols, i * p, ld);
                }
                if (group == 1) {
                    // One image: its OC x P output is the product itself.
                    Sgemm.nn(0, oc, p, ckk, wt, 0, ckk, 1, cols, 0, ld, y, b0 * oc * p, p, false);
                    continue;
                }
                // out (OC x nP, row stride ld) = W^T (OC x CKK) times cols (CKK x nP, row stride ld).
                Sgemm.nn(0, oc, n * p, ckk, wt, 0, ckk, 1, cols, 0, ld, out, 0, ld, false);
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < oc; c++) {
                        System.arraycopy(out, c * ld + i * p, y, ((b0 + i) * oc + c) * p, p);
                    }
                }
            }
        });
        return y;
    }

    /**
     * A stride-1 convolution without im2col. Each input channel is copied once into a zero-padded plane of width
     * Wp = W + 2 pad; an output pixel (y, x) is then position q = y Wp + x of a plane of the same width, and its
     * input under kernel tap (ky, kx) sits at q + ky Wp + kx in every channel. So each tap is one shifted,
     * contiguous load along q, whatever the image width: vectors run along q (the 2 pad columns of each row
     * compute values that are dropped), 4 output channels x 2 vectors at a time, broadcasting the 4 channels'
     * weights of the tap.
     */
    private float[] forwardDirect(float[] x, int batch, float[] w, ConvGeometry g) {
        int c = g.channels(), h = g.height(), wd = g.width(), k = g.k(), pad = g.pad(), oc = g.outChannels();
        int oh = g.outHeight(), ow = g.outWidth(), wp = wd + 2 * pad;
        int block = 2 * VL;
        int q = (oh * wp + block - 1) / block * block;        // output positions computed per plane
        int plane = q + (k - 1) * (wp + 1);                     // the furthest tap of the last position
        int[] taps = taps(g, plane);
        float[] y = new float[batch * g.outSize()];
        parallel.forRanges(batch, (long) batch * g.outPixels() * g.patchSize() * oc, (part, from, to) -> {
            float[] xp = scratch(COLS, c * plane, true);
            float[] out = scratch(OUT, oc * q, false);
            for (int b = from; b < to; b++) {
                padded(x, b, g, xp, plane);
                int o = 0;
                for (; o + 4 <= oc; o += 4) {
                    for (int q0 = 0; q0 < q; q0 += block) {
                        taps4x2(xp, taps, w, oc, o, q0, out, q);
                    }
                }
                for (; o < oc; o++) {
                    for (int q0 = 0; q0 < q; q0 += VL) {
                        taps1x1(xp, taps, w, oc, o, q0, out, q);
                    }
                }
                for (int ch = 0; ch < oc; ch++) {
                    for (int r = 0; r < oh; r++) {
                        System.arraycopy(out, ch * q + r * wp, y, ((b * oc + ch) * oh + r) * ow, ow);
                    }
                }
            }
        });
        return y;
    }

    /** Where tap (channel, ky, kx) starts in the padded planes, in the kernel's row order. */
    private static int[] taps(ConvGeometry g, int plane) {
        int k = g.k(), wp = g.width() + 2 * g.pad();
        int[] taps = new int[g.channels() * k * k];
        for (int ch = 0, t = 0; ch < g.channels(); ch++) {
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    taps[t++] = ch * plane + ky * wp + kx;
                }
            }
        }
        return taps;
    }

    /** Image b of x into the interior of its padded planes (stride plane); the borders stay 0 between images. */
    private static void padded(float[] x, int b, ConvGeometry g, float[] xp, int plane) {
        int c = g.channels(), h = g.height(), wd = g.width(), pad = g.pad(), wp = wd + 2 * pad;
        for (int ch = 0; ch < c; ch++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(x, ((b * c + ch) * h + r) * wd, xp, ch * plane + (r + pad) * wp + pad, wd);
            }
        }
    }

    /**
     * The kernel gradient of a stride-1 convolution in {@link #forwardDirect}'s layout: entry (tap, o) is the dot
     * product of the tap's shifted run of the padded input with output channel o's gradient laid out on the same
     * positions (0 at the dropped columns). Blocks of 3 taps x 4 output channels keep 12 vector partial sums,
     * which are carried from image to image in memory and summed across lanes once at the end.
     */
    private float[] kernelGradDirect(float[] x, float[] dy, int batch, ConvGeometry g) {
        int c = g.channels(), k = g.k(), pad = g.pad(), oc = g.outChannels();
        int oh = g.outHeight(), ow = g.outWidth(), wp = g.width() + 2 * pad;
        int q = (oh * wp + VL - 1) / VL * VL;
        int plane = q + (k - 1) * (wp + 1);
        int[] taps = taps(g, plane);
        int nt = taps.length;
        long work = (long) batch * g.outPixels() * g.patchSize() * oc;
        int parts = parallel.parts(batch, work);
        float[][] partial = new float[parts][];
        parallel.forRanges(batch, work, (part, from, to) -> {
            float[] xp = scratch(COLS, c * plane, true);
            float[] dyp = scratch(OUT, oc * q, true);
            float[] sums = new float[nt * oc * VL];
            for (int b = from; b < to; b++) {
                padded(x, b, g, xp, plane);
                for (int o = 0; o < oc; o++) {
                    for (int r = 0; r < oh; r++) {
                        System.arraycopy(dy, ((b * oc + o) * oh + r) * ow, dyp, o * q + r * wp, ow);
                    }
                }
                int t = 0;
                for (; t + 3 <= nt; t += 3) {
                    int o = 0;
                    for (; o + 4 <= oc; o += 4) {
                        grad3x4(xp, taps, t, dyp, q, o, oc, sums);
                    }
                    for (; o < oc; o++) {
                        for (int i = t; i < t + 3; i++) {
                            grad1x1(xp, taps[i], dyp, q, o, sums, (i * oc + o) * VL);
                        }
                    }
                }
                for (; t < nt; t++) {
                    for (int o = 0; o < oc; o++) {
                        grad1x1(xp, taps[t], dyp, q, o, sums, (t * oc + o) * VL);
                    }
                }
            }
            float[] dw = new float[nt * oc];
            for (int i = 0; i < dw.length; i++) {
                float v = 0;
                for (int l = 0; l < VL; l++) {
                    v += sums[i * VL + l];
                }
                dw[i] = v;
            }
            partial[part] = dw;
        });
        // Fixed part order: the same threads give the same sums, bit for bit.
        float[] dw = partial[0];
        for (int t = 1; t < parts; t++) {
            for (int i = 0; i < dw.length; i++) {
                dw[i] += partial[t][i];
            }
        }
        return dw;
    }

    /** Adds taps t..t+2 x output channels o..o+3 of one image into their vector partial sums. */
    private static void grad3x4(float[] xp, int[] taps, int t, float[] dyp, int q, int o, int oc, float[] sums) {
        int a0 = (t * oc + o) * VL, a1 = a0 + oc * VL, a2 = a1 + oc * VL;
        FloatVector s00 = FloatVector.fromArray(VS, sums, a0), s01 = FloatVector.fromArray(VS, sums, a0 + VL);
        FloatVector s02 = FloatVector.fromArray(VS, sums, a0 + 2 * VL), s03 = FloatVector.fromArray(VS, sums, a0 + 3 * VL);
        FloatVector s10 = FloatVector.fromArray(VS, sums, a1), s11 = FloatVector.fromArray(VS, sums, a1 + VL);
        FloatVector s12 = FloatVector.fromArray(VS, sums, a1 + 2 * VL), s13 = FloatVector.fromArray(VS, sums, a1 + 3 * VL);
        FloatVector s20 = FloatVector.fromArray(VS, sums, a2), s21 = FloatVector.fromArray(VS, sums, a2 + VL);
        FloatVector s22 = FloatVector.fromArray(VS, sums, a2 + 2 * VL), s23 = FloatVector.fromArray(VS, sums, a2 + 3 * VL);
        int x0 = taps[t], x1 = taps[t + 1], x2 = taps[t + 2], d0 = o * q, d1 = d0 + q, d2 = d1 + q, d3 = d2 + q;
        for (int q0 = 0; q0 < q; q0 += VL) {
            FloatVector u0 = FloatVector.fromArray(VS, xp, x0 + q0);
            FloatVector u1 = FloatVector.fromArray(VS, xp, x1 + q0);
            FloatVector u2 = FloatVector.fromArray(VS, xp, x2 + q0);
            FloatVector v = FloatVector.fromArray(VS, dyp, d0 + q0);
            s00 = u0.fma(v, s00);
            s10 = u1.fma(v, s10);
            s20 = u2.fma(v, s20);
            v = FloatVector.fromArray(VS, dyp, d1 + q0);
            s01 = u0.fma(v, s01);
            s11 = u1.fma(v, s11);
            s21 = u2.fma(v, s21);
            v = FloatVector.fromArray(VS, dyp, d2 + q0);
            s02 = u0.fma(v, s02);
            s12 = u1.fma(v, s12);
            s22 = u2.fma(v, s22);
            v = FloatVector.fromArray(VS, dyp, d3 + q0);
            s03 = u0.fma(v, s03);
            s13 = u1.fma(v, s13);
            s23 = u2.fma(v, s23);
        }
        s00.intoArray(sums, a0);
        s01.intoArray(sums, a0 + VL);
        s02.intoArray(sums, a0 + 2 * VL);
        s03.intoArray(sums, a0 + 3 * VL);
        s10.intoArray(sums, a1);
        s11.intoArray(sums, a1 + VL);
        s12.intoArray(sums, a1 + 2 * VL);
        s13.intoArray(sums, a1 + 3 * VL);
        s20.intoArray(sums, a2);
        s21.intoArray(sums, a2 + VL);
        s22.intoArray(sums, a2 + 2 * VL);
        s23.intoArray(sums, a2 + 3 * VL);
    }

    /** Adds one tap (starting at xAt) x output channel o of one image into its vector partial sum at sums[at]. */
    private static void grad1x1(float[] xp, int xAt, float[] dyp, int q, int o, float[] sums, int at) {
        FloatVector s = FloatVector.fromArray(VS, sums, at);
        for (int q0 = 0; q0 < q; q0 += VL) {
            s = FloatVector.fromArray(VS, xp, xAt + q0).fma(FloatVector.fromArray(VS, dyp, o * q + q0), s);
        }
        s.intoArray(sums, at);
    }

    /** Output channels o..o+3 at positions [q0, q0 + 2 VL) of their planes in out (stride q). */
    private static void taps4x2(float[] xp, int[] taps, float[] w, int oc, int o, int q0,
            float[] out, int q) {
        FloatVector s00 = FloatVector.zero(VS), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        // One flat loop over the taps (channel, ky, kx): C2 keeps the accumulators in registers in a single loop.
        for (int t = 0, wi = o; t < taps.length; t++, wi += oc) {
            int at = taps[t] + q0;
            FloatVector x0 = FloatVector.fromArray(VS, xp, at);
            FloatVector x1 = FloatVector.fromArray(VS, xp, at + VL);
            FloatVector v = FloatVector.broadcast(VS, w[wi]);
            s00 = v.fma(x0, s00);
            s01 = v.fma(x1, s01);
            v = FloatVector.broadcast(VS, w[wi + 1]);
            s10 = v.fma(x0, s10);
            s11 = v.fma(x1, s11);
            v = FloatVector.broadcast(VS, w[wi + 2]);
            s20 = v.fma(x0, s20);
            s21 = v.fma(x1, s21);
            v = FloatVector.broadcast(VS, w[wi + 3]);
            s30 = v.fma(x0, s30);
            s31 = v.fma(x1, s31);
        }
        int at = o * q + q0;
        s00.intoArray(out, at);
        s01.intoArray(out, at + VL);
        s10.intoArray(out, at + q);
        s11.intoArray(out, at + q + VL);
        s20.intoArray(out, at + 2 * q);
        s21.intoArray(out, at + 2 * q + VL);
        s30.intoArray(out, at + 3 * q);
        s31.intoArray(out, at + 3 * q + VL);
    }

    /** Output channel o at positions [q0, q0 + VL): the remainder when the channels are not a multiple of 4. */
    private static void taps1x1(float[] xp, int[] taps, float[] w, int oc, int o, int q0,
            float[] out, int q) {
        FloatVector s = FloatVector.zero(VS);
        for (int t = 0, wi = o; t < taps.length; t++, wi += oc) {
            s = FloatVector.broadcast(VS, w[wi]).fma(FloatVector.fromArray(VS, xp, taps[t] + q0), s);
        }
        s.intoArray(out, o * q + q0);
    }

    /** g.patchSize() x g.outChannels() kernel gradient: the sum over images of cols_b dy_b^T. */
    float[] kernelGrad(float[] x, float[] dy, int batch, ConvGeometry g) {
        // Small images (ResNet's 8 x 8 stage) carry the vector sums through memory too often per position: im2col.
        if (g.stride() == 1 && g.outHeight() * (g.width() + 2 * g.pad()) >= DIRECT_GRAD_MIN_POSITIONS) {
            return kernelGradDirect(x, dy, batch, g);
        }
        int p = g.outPixels(), ckk = g.patchSize(), oc = g.outChannels();
        int parts = parallel.parts(batch, (long) batch * p * ckk * oc);
        float[][] partial = new float[parts][];
        int group = group(g), ld = group * p;
        parallel.forRanges(batch, (long) batch * p * ckk * oc, (part, from, to) -> {
            float[] cols = scratch(COLS, ckk * ld, true);
            float[] dyp = group == 1 ? null : scratch(OUT, oc * ld, false);
            float[] acc = new float[ckk * oc];
            for (int b0 = from; b0 < to; b0 += group) {
                int n = Math.min(group, to - b0);
                for (int i = 0; i < n; i++) {
                    im2col(x, (b0 + i) * g.inSize(), g, cols, i * p, ld);
                }
                if (group == 1) {
                    // acc (CKK x OC) += cols (CKK x P) times dy_b^T (dy_b is OC x P, contiguous).
                    Sgemm.nt(0, ckk, oc, p, cols, 0, ld, dy, b0 * oc * p, p, acc, 0, oc, true);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < oc; c++) {
                        System.arraycopy(dy, ((b0 + i) * oc + c) * p, dyp, c * ld + i * p, p);
                    }
                }
                // acc (CKK x OC) += cols (CKK x nP) times dyp^T (dyp: OC x nP, row stride ld).
                Sgemm.nt(0, ckk, oc, n * p, cols, 0, ld, dyp, 0, ld, acc, 0, oc, true);
            }
            partial[part] = acc;
        });
        // Fixed part order: the same threads give the same sums, bit for bit.
        float[] dw = partial[0];
        for (int t = 1; t < parts; t++) {
            for (int i = 0; i < dw.length; i++) {
                dw[i] += partial[t][i];
            }
        }
        return dw;
    }

    /** This thread's scratch array of the slot with at least size entries, the first size zeroed if asked. */
    private static float[] scratch(int slot, int size, boolean zeroed) {
        float[][] mine = SCRATCH.get();
        if (mine[slot].length < size) {
            mine[slot] = new float[size];
        } else if (zeroed) {
            java.util.Arrays.fill(mine[slot], 0, size, 0f);
        }
        return mine[slot];
    }

    /** The cols x rows transpose of a rows x cols row-major matrix. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** batch x g.inSize() input gradient from the output gradient dy and kernel w. */
    float[] inputGrad(float[] dy, int batch, float[] w, ConvGeometry g) {
        ConvGeometry t = g.transposed();
        if (t != null) {
            return forward(dy, batch, flipped(w, g), t);
        }
        int p = g.outPixels(), ckk = g.patchSize(), oc = g.outChannels();
        float[] dx = new float[batch * g.inSize()];
        parallel.forRanges(batch, (long) batch * p * ckk * oc, (part, from, to) -> {
            float[] cols = scratch(COLS, ckk * p, false);
            for (int b = from; b < to; b++) {
                // cols (CKK x P) = w (CKK x OC) times dy_b (OC x P).
                Sgemm.nn(0, ckk, p, oc, w, 0, oc, 1, dy, b * oc * p, p, cols, 0, p, false);
                col2imAdd(cols, g, dx, b * g.inSize());
            }
        });
        return dx;
    }

    /** The (OC*k*k) x C kernel of g.transposed(): entry (oc, ky, kx; c) is w's (c, k-1-ky, k-1-kx; oc). */
    static float[] flipped(float[] w, ConvGeometry g) {
        int c = g.channels(), oc = g.outChannels(), k = g.k();
        float[] f = new float[w.length];
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
    static void im2col(float[] x, int xOff, ConvGeometry g, float[] cols, int colOff, int ld) {
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
    static void col2imAdd(float[] cols, ConvGeometry g, float[] dx, int dxOff) {
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
