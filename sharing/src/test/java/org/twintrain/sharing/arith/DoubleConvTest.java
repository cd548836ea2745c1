package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * DoubleArithmetic's direct convolution and per-channel kernels against naive loops written from the
 * definitions, and against the interface's default (gather-based) implementations run on the same doubles.
 */
class DoubleConvTest {

    /** DoubleArithmetic seen through the interface's default methods only: the generic path on doubles. */
    static Arithmetic defaultsOnly(DoubleArithmetic d) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, m, args);
            }
            try {
                return m.invoke(d, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Arithmetic) Proxy.newProxyInstance(Arithmetic.class.getClassLoader(), new Class<?>[] {Arithmetic.class},
                h);
    }

    /** channels, height, width, outChannels, k, stride, pad, batch, threads. */
    @ParameterizedTest
    @CsvSource({"2,5,5,3,3,1,1,3,1", "3,4,4,2,1,1,0,3,2", "2,5,5,3,3,2,1,3,2", "3,7,6,4,3,2,0,2,1",
        "1,4,4,2,2,1,0,2,2", "2,6,5,3,3,1,2,2,1", "1,3,3,1,3,1,3,2,1", "2,8,8,3,1,2,0,3,2", "3,5,5,2,5,1,2,2,2",
        "4,16,16,8,3,1,1,40,2", "4,16,16,8,3,2,1,80,2", "4,16,16,8,3,1,1,40,3",
        "4,16,16,7,3,2,1,42,2"})
    void convolutionMatchesNaiveLoopsAndTheDefault(int c, int h, int w, int oc, int k, int s, int p, int batch,
            int threads) {
        ConvGeometry g = new ConvGeometry(c, h, w, oc, k, s, p);
        DoubleArithmetic a = new DoubleArithmetic(threads);
        Arithmetic generic = defaultsOnly(a);
        Random random = new Random(c * 1000L + h * 100L + k * 10L + s + batch);
        double[] x = gaussians(random, batch * g.inSize()), wv = gaussians(random, g.patchSize() * oc);
        double[] dy = gaussians(random, batch * g.outSize());
        Matrix xm = a.fromPublic(batch, g.inSize(), x), wm = a.fromPublic(g.patchSize(), oc, wv);
        Matrix dym = a.fromPublic(batch, g.outSize(), dy);

        double[][] naive = naive(g, batch, x, wv, dy);
        double tol = 1e-12 * Math.max(1, g.patchSize() + oc * k * k + batch * g.outPixels());
        assertClose(naive[0], a.reveal(a.conv2d(xm, wm, g)), tol, "forward");
        assertClose(naive[1], a.reveal(a.conv2dKernelGrad(xm, dym, g)), tol, "kernel gradient");
        assertClose(naive[2], a.reveal(a.conv2dInputGrad(dym, wm, g)), tol, "input gradient");
        assertClose(naive[0], generic.reveal(generic.conv2d(xm, wm, g)), tol, "default forward");
        assertClose(naive[1], generic.reveal(generic.conv2dKernelGrad(xm, dym, g)), tol, "default kernel gradient");
        assertClose(naive[2], generic.reveal(generic.conv2dInputGrad(dym, wm, g)), tol, "default input gradient");
    }

    @Test
    void repeatedConvolutionIsBitIdenticalAfterOtherGeometries() {
        ConvGeometry g = new ConvGeometry(4, 16, 16, 8, 3, 1, 1);
        DoubleArithmetic a = new DoubleArithmetic(2);
        Random random = new Random(5);
        Matrix x = a.fromPublic(40, g.inSize(), gaussians(random, 40 * g.inSize()));
        Matrix dy = a.fromPublic(40, g.outSize(), gaussians(random, 40 * g.outSize()));
        double[] first = a.reveal(a.conv2dKernelGrad(x, dy, g));
        Matrix w = a.fromPublic(36, 8, gaussians(random, 288));
        double[] forward = a.reveal(a.conv2d(x, w, g));
        // Another geometry in between reuses the threads' scratch matrices with other padding positions.
        ConvGeometry other = new ConvGeometry(4, 16, 16, 8, 3, 1, 0);
        a.conv2dKernelGrad(x, a.fromPublic(40, other.outSize(), gaussians(random, 40 * other.outSize())), other);
        assertArrayEquals(first, a.reveal(a.conv2dKernelGrad(x, dy, g)));
        assertArrayEquals(forward, a.reveal(a.conv2d(x, w, g)));
    }

    @Test
    void wrongShapesAreRefused() {
        ConvGeometry g = new ConvGeometry(2, 5, 5, 3, 3, 1, 1);
        DoubleArithmetic a = new DoubleArithmetic();
        Matrix x = a.zeros(2, g.inSize());
        assertThrows(IllegalArgumentException.class, () -> a.conv2d(a.zeros(2, 49), a.zeros(18, 3), g));
        assertThrows(IllegalArgumentException.class, () -> a.conv2d(x, a.zeros(3, 18), g));
        assertThrows(IllegalArgumentException.class, () -> a.conv2dKernelGrad(x, a.zeros(3, g.outSize()), g));
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 2, 2, 1, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> a.channelSums(x, 3 * 7));
    }

    /** rows, channels, pixels. */
    @ParameterizedTest
    @CsvSource({"1,1,1", "3,2,5", "4,3,1", "7,5,9", "64,16,256", "3,2,65536"})
    void channelOperationsMatchTheDefaults(int rows, int channels, int pixels) {
        DoubleArithmetic a = new DoubleArithmetic();
        Arithmetic generic = defaultsOnly(a);
        Random random = new Random(rows * 100L + channels * 10L + pixels);
        int cols = channels * pixels;
        Matrix u = a.fromPublic(rows, cols, gaussians(random, rows * cols));
        Matrix v = a.fromPublic(rows, cols, gaussians(random, rows * cols));
        Matrix p = a.fromPublic(1, channels, gaussians(random, channels));
        Matrix q = a.fromPublic(1, channels, gaussians(random, channels));
        Matrix r = a.fromPublic(1, channels, gaussians(random, channels));
        double tol = 1e-12 * rows * pixels;
        assertClose(generic.reveal(generic.channelSums(u, channels)), a.reveal(a.channelSums(u, channels)), tol,
                "channelSums");
        assertClose(generic.reveal(generic.channelDotSums(u, v, channels)), a.reveal(a.channelDotSums(u, v, channels)),
                tol, "channelDotSums");
        assertClose(generic.reveal(generic.channelAffine(u, p, r, channels)),
                a.reveal(a.channelAffine(u, p, r, channels)), 1e-15, "channelAffine");
        assertClose(generic.reveal(generic.channelAffine(u, p, v, q, r, channels)),
                a.reveal(a.channelAffine(u, p, v, q, r, channels)), 1e-14, "channelAffine of two");
        // Hand-computed entry: row 0, last channel, first pixel.
        int i = (channels - 1) * pixels;
        double[] uv = a.reveal(u), vv = a.reveal(v), pv = a.reveal(p), qv = a.reveal(q), rv = a.reveal(r);
        assertEquals(uv[i] * pv[channels - 1] + vv[i] * qv[channels - 1] + rv[channels - 1],
                a.reveal(a.channelAffine(u, p, v, q, r, channels))[i], 1e-15);
    }

    @Test
    void reluMatchesTheDefault() {
        DoubleArithmetic a = new DoubleArithmetic();
        Arithmetic generic = defaultsOnly(a);
        Matrix x = a.fromPublic(2, 4, new double[] {-2, -0.0, 0, 3, 1e-300, -1e-300, 7, -7});
        Matrix[] fast = a.reluWithDerivative(x), slow = generic.reluWithDerivative(x);
        assertArrayEquals(generic.reveal(slow[0]), a.reveal(fast[0]));
        assertArrayEquals(generic.reveal(slow[1]), a.reveal(fast[1]));
        assertArrayEquals(new double[] {0, 1, 1, 1, 1, 0, 1, 0}, a.reveal(fast[1]));
        // Large enough to be split over the threads.
        Matrix big = a.fromPublic(3, 100_000, gaussians(new Random(3), 300_000));
        fast = a.reluWithDerivative(big);
        slow = generic.reluWithDerivative(big);
        assertArrayEquals(generic.reveal(slow[0]), a.reveal(fast[0]));
        assertArrayEquals(generic.reveal(slow[1]), a.reveal(fast[1]));
    }

    /** {forward, kernel gradient, input gradient} from the definitions, loop by loop. */
    static double[][] naive(ConvGeometry g, int batch, double[] x, double[] w, double[] dy) {
        int c = g.channels(), h = g.height(), wd = g.width(), oc = g.outChannels(), k = g.k();
        int oh = g.outHeight(), ow = g.outWidth();
        double[] y = new double[batch * g.outSize()], dw = new double[w.length], dx = new double[x.length];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < oc; o++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int yi = ((b * oc + o) * oh + oy) * ow + ox;
                        for (int ch = 0; ch < c; ch++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * g.stride() + ky - g.pad(), ix = ox * g.stride() + kx - g.pad();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                        continue;
                                    }
                                    int xi = ((b * c + ch) * h + iy) * wd + ix;
                                    int wi = ((ch * k + ky) * k + kx) * oc + o;
                                    y[yi] += w[wi] * x[xi];
                                    dw[wi] += x[xi] * dy[yi];
                                    dx[xi] += w[wi] * dy[yi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {y, dw, dx};
    }

    static void assertClose(double[] expected, double[] got, double tol, String what) {
        assertEquals(expected.length, got.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], tol * Math.max(1, Math.abs(expected[i])), what + " entry " + i);
        }
    }

    static double[] gaussians(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }
}
