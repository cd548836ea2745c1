package org.twintrain.sharing.protocol;

import java.lang.ref.WeakReference;
import org.twintrain.sharing.arith.ConvGeometry;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.RingMatMul;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.TripleKey;

/**
 * A convolution and its two gradients with convolution triples on the unexpanded input (the mask of the image,
 * not of its im2col), so that opening an input costs its own size instead of k^2 times it. With X the input
 * (batch x inSize), W the kernel, dY the output gradient in the product layout:
 * <ul>
 *   <li>forward ({@link TripleKey.Kind#CONV}: A, B, Z = im2col(A) B): opens E = X - A and F = W - B in one round;
 *       share im2col(X_i) F + im2col(E) B_i + Z_i, since im2col is linear;</li>
 *   <li>kernel gradient ({@link TripleKey.Kind#CONV_KGRAD}: V, Z' = im2col(A)^T V with the forward's A): reuses
 *       E and opens only F' = dY - V; share im2col(X_i)^T F' + im2col(E)^T V_i + Z'_i;</li>
 *   <li>input gradient ({@link TripleKey.Kind#CONV_IGRAD}: Z'' = col2im(V B^T)): opens nothing, F and F' are
 *       open; share col2im(dY_i F^T + F' B_i^T) + Z''_i.</li>
 * </ul>
 * Reusing E (one opening of X under one uniform mask A) in the kernel gradient is SecureML's data-mask reuse: the
 * other operand's mask V is fresh. No mask is opened twice: A once, B once, V once. All products are untruncated.
 *
 * <p>Written here because no library offers two-party convolution triples; the algebra follows the Beaver
 * matrix triple of {@link BeaverMatMul}.
 */
public final class BeaverConv {
    private BeaverConv() {
    }

    /**
     * What a forward opened, kept (weakly referring to its input and kernel) for the gradients of the same
     * convolution. Holds public openings and this party's kernel-mask share, never a cleartext value.
     */
    public static final class Opened {
        private final WeakReference<LongMatrix> input;
        private final WeakReference<LongMatrix> kernel;
        private final ConvGeometry geometry;
        private final LongMatrix inputOpen;
        private final LongMatrix kernelOpen;
        private final LongMatrix kernelMask;
        private final long tag;
        private WeakReference<LongMatrix> outputGrad;
        private LongMatrix outputGradOpen;
        private long kernelGradTag;

        private Opened(LongMatrix input, LongMatrix kernel, ConvGeometry geometry, LongMatrix inputOpen,
                LongMatrix kernelOpen, LongMatrix kernelMask, long tag) {
            this.input = new WeakReference<>(input);
            this.kernel = new WeakReference<>(kernel);
            this.geometry = geometry;
            this.inputOpen = inputOpen;
            this.kernelOpen = kernelOpen;
            this.kernelMask = kernelMask;
            this.tag = tag;
        }

        /**
         * Whether the kernel gradient of (x, g) can reuse this opening (each kernel gradient takes its own fresh V,
         * so reusing the one opening of X - A is safe any number of times).
         */
        public boolean servesKernelGrad(LongMatrix x, ConvGeometry g) {
            return input.get() == x && geometry.equals(g);
        }

        /** Whether the input gradient of (dy, w, g) follows this opening's kernel gradient with the same dy and w. */
        public boolean servesInputGrad(LongMatrix dy, LongMatrix w, ConvGeometry g) {
            return outputGrad != null && outputGrad.get() == dy && kernel.get() == w && geometry.equals(g);
        }

        /** Whether its input is gone (nothing can ask for its gradients any more). */
        public boolean isStale() {
            return input.get() == null;
        }

        @Override
        public String toString() {
            return "BeaverConv.Opened[" + geometry + "]";
        }
    }

    /** The forward's untruncated product (product layout) and what it opened. */
    public record Forward(LongMatrix product, Opened opened) {
    }

    /** im2col(x) w: one round, 8 (batch inSize + patchSize outChannels) bytes sent by each party. */
    public static Forward forward(ProtocolContext ctx, LongMatrix x, LongMatrix w, ConvGeometry g) {
        requireShape(x, x.rows(), g.inSize(), "convolution input");
        requireShape(w, g.patchSize(), g.outChannels(), "convolution kernel");
        int batch = x.rows();
        Correlation t = ctx.take(TripleKey.Kind.CONV, batch, g.channels(), g.height(), g.width(), g.outChannels(), g.k(),
                g.stride(), g.pad());
        LongMatrix a = new LongMatrix(batch, g.inSize(), t.part(0));
        LongMatrix b = new LongMatrix(g.patchSize(), g.outChannels(), t.part(1));
        LongMatrix z = new LongMatrix(batch * g.outPixels(), g.outChannels(), t.part(2));
        LongMatrix[] ef = Open.open(ctx, x.sub(a), w.sub(b));
        LongMatrix product = g.im2col(x).matmul(ef[1]).add(g.im2col(ef[0]).matmul(b)).add(z);
        return new Forward(product, new Opened(x, w, g, ef[0], ef[1], b, Dealer.convTag(t.key())));
    }

    /** im2col(x)^T dy with the forward's opening of x: one round, 8 batch outSize bytes. */
    public static LongMatrix kernelGrad(ProtocolContext ctx, Opened o, LongMatrix x, LongMatrix dy) {
        if (!o.servesKernelGrad(x, o.geometry)) {
            throw new IllegalStateException("this convolution's opening does not serve a kernel gradient of " + x.shape());
        }
        ConvGeometry g = o.geometry;
        LongMatrix dyProduct = g.fromLayout(dy);
        Correlation t = ctx.take(TripleKey.Kind.CONV_KGRAD, gradShape(o.tag, null, x.rows(), g));
        LongMatrix v = new LongMatrix(dyProduct.rows(), g.outChannels(), t.part(0));
        LongMatrix z = new LongMatrix(g.patchSize(), g.outChannels(), t.part(1));
        LongMatrix f = Open.open(ctx, dyProduct.sub(v))[0];
        o.outputGrad = new WeakReference<>(dy);
        o.outputGradOpen = f;
        o.kernelGradTag = Dealer.convTag(t.key());
        // im2col(.)^T times a matrix without materializing the (large) transpose
        return RingMatMul.multiplyTransposeA(g.im2col(x), f)
                .add(RingMatMul.multiplyTransposeA(g.im2col(o.inputOpen), v)).add(z);
    }

    /** col2im(dy w^T) after the kernel gradient of the same dy and w: no round, no bytes. */
    public static LongMatrix inputGrad(ProtocolContext ctx, Opened o, LongMatrix dy, LongMatrix w) {
        if (!o.servesInputGrad(dy, w, o.geometry)) {
            throw new IllegalStateException("this convolution's openings do not serve an input gradient of " + dy.shape());
        }
        ConvGeometry g = o.geometry;
        int batch = dy.rows();
        Correlation t = ctx.take(TripleKey.Kind.CONV_IGRAD, gradShape(o.tag, o.kernelGradTag, batch, g));
        LongMatrix z = new LongMatrix(batch, g.inSize(), t.part(0));
        LongMatrix cols = RingMatMul.multiplyTransposeB(g.fromLayout(dy), o.kernelOpen)
                .add(RingMatMul.multiplyTransposeB(o.outputGradOpen, o.kernelMask));
        o.outputGrad = null; // served: a second input gradient takes a fresh triple
        o.outputGradOpen = null;
        return g.col2im(cols).add(z);
    }

    /** {forward tag, [kernel-gradient tag,] batch, geometry}. */
    private static int[] gradShape(long forwardTag, Long kernelGradTag, int batch, ConvGeometry g) {
        int[] forward = Dealer.tagInts(forwardTag);
        int[] geometry = {batch, g.channels(), g.height(), g.width(), g.outChannels(), g.k(), g.stride(), g.pad()};
        int tags = kernelGradTag == null ? 2 : 4;
        int[] shape = new int[tags + geometry.length];
        System.arraycopy(forward, 0, shape, 0, 2);
        if (kernelGradTag != null) {
            System.arraycopy(Dealer.tagInts(kernelGradTag), 0, shape, 2, 2);
        }
        System.arraycopy(geometry, 0, shape, tags, geometry.length);
        return shape;
    }

    private static void requireShape(LongMatrix m, int rows, int cols, String what) {
        if (m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(what + " is " + m.shape() + ", needs " + rows + "x" + cols);
        }
    }
}
