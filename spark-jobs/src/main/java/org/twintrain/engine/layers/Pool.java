package org.twintrain.engine.layers;

import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.GatherIndexCache;
import org.twintrain.sharing.arith.Matrix;

/**
 * Average or max pooling with a square window k and stride s, no padding. Both gather the windows into an
 * (batch*C*OH*OW) x (k*k) matrix whose row order equals the output layout. Average: sum of columns times
 * 1/k^2. Max: a tree of comparisons over column halves (one comparison per level on the whole matrix, so
 * log2(k*k) comparison rounds on shares); backward sends the gradient down the tree with the comparison bits.
 * Global average pooling is {@code k = H = W}.
 */
public final class Pool implements Layer {
    /** The pooling function. */
    public enum Kind { AVG, MAX }

    private final String name;
    private final Kind kind;
    private final Shape in;
    private final Shape out;
    private final int k;
    private final int stride;
    // max pooling: per tree level, the comparison bits and the column count before the level
    private Matrix[] bits;
    private int[] widths;

    public Pool(String name, Kind kind, Shape in, int k, int stride) {
        this.name = name;
        this.kind = kind;
        this.in = in;
        this.k = k;
        this.stride = stride;
        int oh = (in.height() - k) / stride + 1;
        int ow = (in.width() - k) / stride + 1;
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException(name + ": window " + k + " does not fit input " + in);
        }
        this.out = new Shape(in.channels(), oh, ow);
    }

    /** Global average pooling: C x H x W becomes C x 1 x 1. */
    public static Pool globalAverage(String name, Shape in) {
        if (in.height() != in.width()) {
            throw new IllegalArgumentException(name + ": global pooling needs a square input, got " + in);
        }
        return new Pool(name, Kind.AVG, in, in.height(), 1);
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

    /** Row (b, c, oh, ow), column (kh, kw) reads input (b, c, oh*s+kh, ow*s+kw). */
    private int[] windowIndex(int batch) {
        return GatherIndexCache.get("pool " + in + "/" + k + "/" + stride + " b" + batch, id -> {
            int c = in.channels(), h = in.height(), w = in.width();
            int[] one = new int[out.size() * k * k];
            int i = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < out.height(); y++) {
                    for (int x = 0; x < out.width(); x++) {
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                one[i++] = (ch * h + y * stride + ky) * w + x * stride + kx;
                            }
                        }
                    }
                }
            }
            int[] idx = new int[batch * one.length];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < one.length; j++) {
                    idx[b * one.length + j] = one[j] + b * in.size();
                }
            }
            return idx;
        });
    }

    /** Repeats each of n rows k*k times: entry (r, j) reads r. */
    private int[] broadcastIndex(int rows) {
        return GatherIndexCache.get("pool-bcast " + rows + "/" + k, id -> {
            int kk = k * k;
            int[] idx = new int[rows * kk];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i / kk;
            }
            return idx;
        });
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".fwd");
        int batch = x.rows();
        int rows = batch * out.size();
        Matrix windows = a.gather(x, rows, k * k, windowIndex(batch));
        if (kind == Kind.AVG) {
            return a.reshape(a.scale(a.sumCols(windows), 1.0 / (k * k)), batch, out.size());
        }
        int levels = 32 - Integer.numberOfLeadingZeros(k * k - 1);
        bits = new Matrix[levels];
        widths = new int[levels];
        Matrix v = windows;
        for (int level = 0; v.cols() > 1; level++) {
            int m = v.cols();
            int half = m / 2;
            Matrix left = a.columns(v, 0, half);
            Matrix right = a.columns(v, half, 2 * half);
            // bit = [left >= right]: the gradient goes left where it is 1 (ties: left, the earlier one).
            Matrix[] larger = a.maxWithBit(left, right);
            bits[level] = ctx.training() ? larger[1] : null;
            widths[level] = m;
            v = m % 2 == 0 ? larger[0] : a.concatColumns(larger[0], a.columns(v, m - 1, m));
        }
        return a.reshape(v, batch, out.size());
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".bwd");
        int batch = dy.rows();
        int rows = batch * out.size();
        Matrix g = a.reshape(dy, rows, 1);
        Matrix dWindows;
        if (kind == Kind.AVG) {
            dWindows = a.gather(a.scale(g, 1.0 / (k * k)), rows, k * k, broadcastIndex(rows));
        } else {
            for (int level = bits.length - 1; level >= 0; level--) {
                int m = widths[level];
                int half = m / 2;
                Matrix gLarger = m % 2 == 0 ? g : a.columns(g, 0, half);
                Matrix gLeft = a.mulBit(bits[level], gLarger);
                Matrix gRight = a.sub(gLarger, gLeft);
                g = m % 2 == 0 ? a.concatColumns(gLeft, gRight) : a.concatColumns(gLeft, gRight, a.columns(g, half, half + 1));
            }
            dWindows = g;
            bits = null;
        }
        return a.scatterAdd(dWindows, batch, in.size(), windowIndex(batch));
    }
}
