package org.twintrain.engine.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.ConvGeometry;
import org.twintrain.sharing.arith.GatherIndexCache;
import org.twintrain.sharing.arith.Matrix;

/**
 * 2-D convolution, square kernel k, stride s, zero padding p, through the backend's {@link Arithmetic#conv2d}
 * and its two gradients (generic backends: im2col gather, one product, gather back; the double backend: direct
 * loops and per-image products). The (C*k*k) x OC kernel matrix is the weight; the optional bias is added per
 * output channel.
 */
public final class Conv2d implements Layer {
    private final String name;
    private final Shape in;
    private final Shape out;
    private final Param weight;
    private final Param bias;
    private final ConvGeometry geometry;
    private Matrix input;

    /** bias=false when a batch norm follows (its shift makes a bias redundant). */
    public Conv2d(String name, Arithmetic a, SplittableRandom rng, Shape in, int outChannels, int k, int stride,
            int pad, boolean bias) {
        this.name = name;
        this.in = in;
        if (in.height() + 2 * pad < k || in.width() + 2 * pad < k) {
            throw new IllegalArgumentException(name + ": kernel " + k + " does not fit input " + in);
        }
        this.geometry = new ConvGeometry(in.channels(), in.height(), in.width(), outChannels, k, stride, pad);
        this.out = new Shape(outChannels, geometry.outHeight(), geometry.outWidth());
        int fanIn = in.channels() * k * k;
        this.weight = new Param(name + ".w", Init.heNormal(a, rng, fanIn, outChannels, fanIn), true);
        this.bias = bias ? new Param(name + ".b", a.zeros(1, outChannels), true) : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return in;
    }

    @Override
    public Shape outputShape() {
        return out;
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".fwd");
        input = ctx.training() ? x : null; // kept for backward only; evaluation keeps no caches
        Matrix y = a.conv2d(x, weight.value(), geometry);
        if (bias != null) {
            int batch = x.rows();
            y = a.add(y, a.gather(bias.value(), batch, out.size(),
                    GatherIndexCache.channelBroadcast(batch, out.size(), out.channels())));
        }
        ctx.observe(name, y);
        return y;
    }

    /** Kernel gradient first, then input gradient: the order of the products (and of their triples) is fixed. */
    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".bwd");
        Matrix[] grads = a.conv2dGradients(input, dy, weight.value(), geometry); // one truncation for both
        weight.accumulate(a, grads[0]);
        if (bias != null) {
            bias.accumulate(a, a.channelSums(dy, out.channels()));
        }
        input = null;
        return grads[1];
    }

    @Override
    public Matrix backwardParamsOnly(Context ctx, Matrix dy) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".bwd");
        weight.accumulate(a, a.conv2dKernelGrad(input, dy, geometry));
        if (bias != null) {
            bias.accumulate(a, a.channelSums(dy, out.channels()));
        }
        input = null;
        return null;
    }

    @Override
    public List<Param> params() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /** The convolution's shape (public). */
    public ConvGeometry geometry() {
        return geometry;
    }

    @Override
    public long macsPerExample() {
        return (long) geometry.outPixels() * geometry.outChannels() * geometry.patchSize();
    }
}
