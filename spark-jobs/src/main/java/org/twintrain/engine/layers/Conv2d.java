package org.twintrain.engine.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Ops;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * 2-D convolution, square kernel k, stride s, zero padding p. Forward: im2col by one gather into a
 * (batch*OH*OW) x (C*k*k) matrix (padding reads index -1, i.e. 0), one matmul with the (C*k*k) x OC kernel
 * matrix, then a gather that puts the result back in the batch x (OC*OH*OW) layout. Backward: the inverse
 * permutation, dW = cols^T dY, dcols = dY W^T, and dx = scatterAdd(dcols) with the im2col index.
 */
public final class Conv2d implements Layer {
    private final String name;
    private final Shape in;
    private final Shape out;
    private final int k;
    private final int stride;
    private final int pad;
    private final Param weight;
    private final Param bias;
    private Matrix cols;

    /** bias=false when a batch norm follows (its shift makes a bias redundant). */
    public Conv2d(String name, Arithmetic a, SplittableRandom rng, Shape in, int outChannels, int k, int stride,
            int pad, boolean bias) {
        this.name = name;
        this.in = in;
        this.k = k;
        this.stride = stride;
        this.pad = pad;
        int oh = (in.height() + 2 * pad - k) / stride + 1;
        int ow = (in.width() + 2 * pad - k) / stride + 1;
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException(name + ": kernel " + k + " does not fit input " + in);
        }
        this.out = new Shape(outChannels, oh, ow);
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

    private String geometry() {
        return in + "/" + k + "/" + stride + "/" + pad;
    }

    /** im2col index: row (b, oh, ow), column (c, kh, kw) reads input (b, c, oh*s+kh-p, ow*s+kw-p) or -1. */
    private int[] im2colIndex(int batch) {
        return IndexCache.get("im2col " + geometry() + " b" + batch, () -> {
            int c = in.channels(), h = in.height(), w = in.width();
            int oh = out.height(), ow = out.width();
            int ckk = c * k * k;
            int[] one = new int[oh * ow * ckk];
            int i = 0;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int ky = 0; ky < k; ky++) {
                            int iy = y * stride + ky - pad;
                            for (int kx = 0; kx < k; kx++) {
                                int ix = x * stride + kx - pad;
                                boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                one[i++] = inside ? (ch * h + iy) * w + ix : -1;
                            }
                        }
                    }
                }
            }
            return Ops.batchIndex(one, in.size(), batch);
        });
    }

    /** (b*P + p, oc) -> (b, oc*P + p) when toLayout, the inverse otherwise; P = OH*OW. */
    private int[] permutation(int batch, boolean toLayout) {
        String key = (toLayout ? "conv->layout " : "layout->conv ") + out + " b" + batch;
        return IndexCache.get(key, () -> {
            int oc = out.channels();
            int p = out.height() * out.width();
            int[] idx = new int[batch * oc * p];
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < oc; c++) {
                    for (int q = 0; q < p; q++) {
                        int layout = b * oc * p + c * p + q;
                        int conv = (b * p + q) * oc + c;
                        if (toLayout) {
                            idx[layout] = conv;
                        } else {
                            idx[conv] = layout;
                        }
                    }
                }
            }
            return idx;
        });
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".fwd");
        int batch = x.rows();
        int p = out.height() * out.width();
        Matrix im2col = a.gather(x, batch * p, in.channels() * k * k, im2colIndex(batch));
        cols = ctx.training() ? im2col : null; // kept for backward only; evaluation keeps no caches
        Matrix y = a.matmul(im2col, weight.value());
        if (bias != null) {
            y = a.addRow(y, bias.value());
        }
        ctx.observe(name, y);
        return a.gather(y, batch, out.size(), permutation(batch, true));
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".bwd");
        int batch = dy.rows();
        int p = out.height() * out.width();
        Matrix dyConv = a.gather(dy, batch * p, out.channels(), permutation(batch, false));
        weight.accumulate(a, Ops.matmulTA(a, cols, dyConv));
        if (bias != null) {
            bias.accumulate(a, a.sumRows(dyConv));
        }
        Matrix dcols = Ops.matmulTB(a, dyConv, weight.value());
        cols = null;
        return a.scatterAdd(dcols, batch, in.size(), im2colIndex(batch));
    }

    @Override
    public List<Param> params() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public long macsPerExample() {
        return (long) out.height() * out.width() * out.channels() * in.channels() * k * k;
    }
}
