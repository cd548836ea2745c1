package org.twintrain.engine.layers;

import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.GatherIndexCache;
import org.twintrain.sharing.arith.Matrix;

/**
 * He et al.'s option-A shortcut: subsample by the stride and pad the new channels with zeros, split evenly
 * before and after the existing ones. A gather (pad entries read -1); backward is the scatterAdd.
 */
public final class PadShortcut implements Layer {
    private final String name;
    private final Shape in;
    private final Shape out;
    private final int stride;

    public PadShortcut(String name, Shape in, int outChannels, int stride) {
        this.name = name;
        this.in = in;
        this.stride = stride;
        this.out = new Shape(outChannels, (in.height() + stride - 1) / stride, (in.width() + stride - 1) / stride);
        if (outChannels < in.channels()) {
            throw new IllegalArgumentException(name + ": cannot shrink " + in.channels() + " channels to " + outChannels);
        }
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

    private int[] index(int batch) {
        return GatherIndexCache.get("padshortcut " + in + ">" + out + " b" + batch, id -> {
            int before = (out.channels() - in.channels()) / 2;
            int[] one = new int[out.size()];
            int i = 0;
            for (int c = 0; c < out.channels(); c++) {
                int src = c - before;
                for (int y = 0; y < out.height(); y++) {
                    for (int x = 0; x < out.width(); x++) {
                        boolean real = src >= 0 && src < in.channels();
                        one[i++] = real ? (src * in.height() + y * stride) * in.width() + x * stride : -1;
                    }
                }
            }
            return batchIndex(one, in.size(), batch);
        });
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        return ctx.arith().gather(x, x.rows(), out.size(), index(x.rows()));
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        return ctx.arith().scatterAdd(dy, dy.rows(), in.size(), index(dy.rows()));
    }

    /** A gather index for a whole batch from one example's index (per-example offsets added, -1 kept). */
    private static int[] batchIndex(int[] perExample, int inSize, int batch) {
        int n = perExample.length;
        int[] out = new int[n * batch];
        for (int b = 0; b < batch; b++) {
            int off = b * inSize;
            for (int i = 0; i < n; i++) {
                int v = perExample[i];
                out[b * n + i] = v < 0 ? -1 : v + off;
            }
        }
        return out;
    }
}
