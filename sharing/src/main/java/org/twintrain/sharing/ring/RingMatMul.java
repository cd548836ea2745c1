package org.twintrain.sharing.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products over Z_2^64: C = A B, A^T B and A B^T, wrapping mod 2^64 exactly like scalar {@code long}
 * arithmetic.
 *
 * <p>Why our own kernel: no BLAS multiplies int64 matrices (dgemm and friends are floating point, and a
 * double holds only 53 bits), so the secure matrix product, the hot loop of Beaver matmul, needs one. It is
 * a GotoBLAS-style kernel on the incubating Vector API: B is packed into column panels of {@link #NR}
 * lanes, A into row panels of {@link #MR} rows, blocked by {@link #KC} along k and {@link #MC} along m so
 * that the A block stays in L2 and one B micro-panel in L1, and a register-blocked micro-kernel keeps an
 * MR x NR tile of C in vector registers ({@code MR * NV} accumulators).
 *
 * <p>Lane multiply: 64-bit lane multiplication is {@code vpmullq}, an AVX-512DQ instruction; AVX2 has none,
 * so on an AVX2-only CPU the lane multiply is emulated from 32-bit pieces (or not intrinsified at all) and
 * this kernel is several times slower; measure there before relying on it. The machine this was
 * tuned on (AMD EPYC, Zen 4) has AVX-512F/DQ/VL, so {@code SPECIES_PREFERRED} is 512 bits (8 lanes) and
 * every multiply-add is one {@code vpmullq} plus one {@code vpaddq}. There is no integer FMA, so the kernel
 * is bound by the multiplier; packing makes the rest (loads, broadcasts) cheap.
 *
 * <p>Threads: the multi-threaded path splits the output rows across a small daemon pool sized to the
 * available processors (the caller runs one share of the rows itself); products below {@link
 * #PARALLEL_THRESHOLD} multiply-adds stay on the calling thread, where handing off costs more than it saves.
 */
public final class RingMatMul {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the micro tile. */
    static final int MR = 6;
    /** Vectors per row of the micro tile. */
    static final int NV = 2;
    /** Columns of the micro tile. */
    static final int NR = NV * L;
    /** Depth of one k block: one B micro-panel (KC x NR longs) stays in L1. */
    static final int KC = 128;
    /** Rows of one A block (MC x KC longs, about 256 KiB, in L2); a multiple of MR. */
    static final int MC = 32 * MR;
    /** Multiply-adds below which the product runs on the calling thread. */
    public static final long PARALLEL_THRESHOLD = 1L << 19;

    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private RingMatMul() {
    }

    /** A B, on up to all available processors. */
    public static LongMatrix multiply(LongMatrix a, LongMatrix b) {
        return multiply(a, b, THREADS);
    }

    /** A B on at most {@code threads} threads (1 = the calling thread only); for benchmarks. */
    public static LongMatrix multiply(LongMatrix a, LongMatrix b, int threads) {
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("matmul shape mismatch: " + a.shape() + " x " + b.shape());
        }
        int m = a.rows(), k = a.cols(), n = b.cols();
        return product(m, k, n, new View(a.data(), k, 1), new View(b.data(), n, 1), threads);
    }

    /** A^T B, without materializing the transpose; A is k x m, B is k x n. */
    public static LongMatrix multiplyTransposeA(LongMatrix a, LongMatrix b) {
        return multiplyTransposeA(a, b, THREADS);
    }

    public static LongMatrix multiplyTransposeA(LongMatrix a, LongMatrix b, int threads) {
        if (a.rows() != b.rows()) {
            throw new IllegalArgumentException("matmul shape mismatch: transpose of " + a.shape() + " x " + b.shape());
        }
        int m = a.cols(), k = a.rows(), n = b.cols();
        return product(m, k, n, new View(a.data(), 1, m), new View(b.data(), n, 1), threads);
    }

    /** A B^T, without materializing the transpose; A is m x k, B is n x k. */
    public static LongMatrix multiplyTransposeB(LongMatrix a, LongMatrix b) {
        return multiplyTransposeB(a, b, THREADS);
    }

    public static LongMatrix multiplyTransposeB(LongMatrix a, LongMatrix b, int threads) {
        if (a.cols() != b.cols()) {
            throw new IllegalArgumentException("matmul shape mismatch: " + a.shape() + " x transpose of " + b.shape());
        }
        int m = a.rows(), k = a.cols(), n = b.rows();
        return product(m, k, n, new View(a.data(), k, 1), new View(b.data(), 1, k), threads);
    }

    /** The plain triple loop; the reference the fast kernel is tested against. */
    static LongMatrix multiplyScalar(LongMatrix a, LongMatrix b) {
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

    /** Element (r, c) of a logical matrix is {@code data[r * rowStride + c * colStride]}: transposes by strides. */
    private record View(long[] data, int rowStride, int colStride) {
    }

    private static LongMatrix product(int m, int k, int n, View a, View b, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        long[] c = new long[Math.multiplyExact(m, n)];
        if (m == 0 || n == 0 || k == 0) {
            return new LongMatrix(m, n, c);
        }
        long[] packedB = packB(b, k, n);
        long work = (long) m * k * n;
        int tasks = Math.min(threads, Math.max(1, (m + MR - 1) / MR));
        if (tasks == 1 || work < PARALLEL_THRESHOLD) {
            rows(a, packedB, c, 0, m, k, n);
        } else {
            runParallel(a, packedB, c, m, k, n, tasks);
        }
        return new LongMatrix(m, n, c);
    }

    private static void runParallel(View a, long[] packedB, long[] c, int m, int k, int n, int tasks) {
        // Row chunks are multiples of MR so that no micro tile straddles two threads.
        int panels = (m + MR - 1) / MR;
        List<Future<?>> futures = new ArrayList<>(tasks - 1);
        int[] bounds = new int[tasks + 1];
        for (int t = 0; t <= tasks; t++) {
            bounds[t] = Math.min(m, (int) ((long) panels * t / tasks) * MR);
        }
        for (int t = 1; t < tasks; t++) {
            int from = bounds[t], to = bounds[t + 1];
            futures.add(Pool.EXECUTOR.submit(() -> rows(a, packedB, c, from, to, k, n)));
        }
        rows(a, packedB, c, bounds[0], bounds[1], k, n);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a matmul worker", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("matmul worker failed", e.getCause());
            }
        }
    }

    /** The worker threads, created on first parallel product; daemons so they never keep a JVM alive. */
    private static final class Pool {
        static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "twintrain-ring-matmul");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Packs all of B (k x n) into column panels of NR lanes, zero-padded on the right: panel jp holds
     * (p, jp*NR + jj) at {@code (jp * k + p) * NR + jj}, so any k block of a panel is contiguous.
     */
    private static long[] packB(View b, int k, int n) {
        int panels = (n + NR - 1) / NR;
        long[] out = new long[Math.multiplyExact(panels * k, NR)];
        long[] d = b.data();
        int rs = b.rowStride(), cs = b.colStride();
        for (int jp = 0; jp < panels; jp++) {
            int j0 = jp * NR, w = Math.min(NR, n - j0);
            int base = jp * k * NR;
            for (int p = 0; p < k; p++) {
                int o = base + p * NR, src = p * rs + j0 * cs;
                if (cs == 1) {
                    System.arraycopy(d, src, out, o, w);
                } else {
                    for (int jj = 0; jj < w; jj++) {
                        out[o + jj] = d[src + jj * cs];
                    }
                }
            }
        }
        return out;
    }

    /** Packs rows [i0, i0+mc) and depth [p0, p0+kc) of A into row panels of MR, zero-padded at the bottom. */
    private static void packA(View a, int i0, int mc, int p0, int kc, long[] out) {
        long[] d = a.data();
        int rs = a.rowStride(), cs = a.colStride();
        for (int ip = 0; ip * MR < mc; ip++) {
            int base = ip * MR * kc;
            for (int ii = 0; ii < MR; ii++) {
                int i = ip * MR + ii;
                if (i < mc) {
                    int src = (i0 + i) * rs + p0 * cs;
                    for (int p = 0; p < kc; p++) {
                        out[base + p * MR + ii] = d[src + p * cs];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        out[base + p * MR + ii] = 0L;
                    }
                }
            }
        }
    }

    /** Adds rows [r0, r1) of A B into c. */
    private static void rows(View a, long[] packedB, long[] c, int r0, int r1, int k, int n) {
        int panelsB = (n + NR - 1) / NR;
        long[] packedA = new long[Math.min(MC, roundUp(r1 - r0, MR)) * Math.min(KC, k)];
        long[] edge = new long[MR * NR];
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            for (int i0 = r0; i0 < r1; i0 += MC) {
                int mc = Math.min(MC, r1 - i0);
                packA(a, i0, mc, p0, kc, packedA);
                for (int jp = 0; jp < panelsB; jp++) {
                    int bOff = (jp * k + p0) * NR;
                    int j0 = jp * NR;
                    for (int ip = 0; ip * MR < mc; ip++) {
                        int i = i0 + ip * MR;
                        int aOff = ip * MR * kc;
                        if (i + MR <= r1 && j0 + NR <= n) {
                            microKernel(packedA, aOff, packedB, bOff, kc, c, i * n + j0, n);
                        } else {
                            java.util.Arrays.fill(edge, 0L);
                            microKernel(packedA, aOff, packedB, bOff, kc, edge, 0, NR);
                            int h = Math.min(MR, r1 - i), w = Math.min(NR, n - j0);
                            for (int ii = 0; ii < h; ii++) {
                                for (int jj = 0; jj < w; jj++) {
                                    c[(i + ii) * n + j0 + jj] += edge[ii * NR + jj];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * C[c0 .. +MR rows of ldc, NR cols] += packed A panel (kc x MR) times packed B panel (kc x NR).
     * Twelve accumulators (MR=6 rows x NV=2 vectors) of 32 vector registers: per k step 2 loads, 6 broadcasts,
     * 12 multiplies and 12 adds.
     */
    private static void microKernel(long[] pa, int aOff, long[] pb, int bOff, int kc, long[] c, int c0, int ldc) {
        LongVector c00 = LongVector.zero(S), c01 = LongVector.zero(S);
        LongVector c10 = LongVector.zero(S), c11 = LongVector.zero(S);
        LongVector c20 = LongVector.zero(S), c21 = LongVector.zero(S);
        LongVector c30 = LongVector.zero(S), c31 = LongVector.zero(S);
        LongVector c40 = LongVector.zero(S), c41 = LongVector.zero(S);
        LongVector c50 = LongVector.zero(S), c51 = LongVector.zero(S);
        int ai = aOff, bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            LongVector b0 = LongVector.fromArray(S, pb, bi);
            LongVector b1 = LongVector.fromArray(S, pb, bi + L);
            LongVector x = LongVector.broadcast(S, pa[ai]);
            c00 = c00.add(x.mul(b0));
            c01 = c01.add(x.mul(b1));
            x = LongVector.broadcast(S, pa[ai + 1]);
            c10 = c10.add(x.mul(b0));
            c11 = c11.add(x.mul(b1));
            x = LongVector.broadcast(S, pa[ai + 2]);
            c20 = c20.add(x.mul(b0));
            c21 = c21.add(x.mul(b1));
            x = LongVector.broadcast(S, pa[ai + 3]);
            c30 = c30.add(x.mul(b0));
            c31 = c31.add(x.mul(b1));
            x = LongVector.broadcast(S, pa[ai + 4]);
            c40 = c40.add(x.mul(b0));
            c41 = c41.add(x.mul(b1));
            x = LongVector.broadcast(S, pa[ai + 5]);
            c50 = c50.add(x.mul(b0));
            c51 = c51.add(x.mul(b1));
        }
        // Written out rather than through a helper: a vector passed to a call that C2 does not inline is
        // boxed, and the box then spreads to every loop iteration (about 5x slower).
        int o = c0;
        LongVector.fromArray(S, c, o).add(c00).intoArray(c, o);
        LongVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
        o += ldc;
        LongVector.fromArray(S, c, o).add(c10).intoArray(c, o);
        LongVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
        o += ldc;
        LongVector.fromArray(S, c, o).add(c20).intoArray(c, o);
        LongVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
        o += ldc;
        LongVector.fromArray(S, c, o).add(c30).intoArray(c, o);
        LongVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
        o += ldc;
        LongVector.fromArray(S, c, o).add(c40).intoArray(c, o);
        LongVector.fromArray(S, c, o + L).add(c41).intoArray(c, o + L);
        o += ldc;
        LongVector.fromArray(S, c, o).add(c50).intoArray(c, o);
        LongVector.fromArray(S, c, o + L).add(c51).intoArray(c, o + L);
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
