package org.twintrain.engine.layers;

import java.util.SplittableRandom;
import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Matrix;

/**
 * Inverted dropout with rate p in training (identity in evaluation). The mask is public seeded randomness
 * drawn from (run seed, epoch, step, layer name), so a run repeats exactly; since the mask is public it is a
 * local multiplication on every backend.
 */
public final class Dropout implements Layer {
    private final String name;
    private final Shape shape;
    private final double rate;
    private double[] mask;

    public Dropout(String name, Shape shape, double rate) {
        if (rate < 0 || rate >= 1) {
            throw new IllegalArgumentException(name + ": dropout rate must be in [0, 1), got " + rate);
        }
        this.name = name;
        this.shape = shape;
        this.rate = rate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return shape;
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        if (!ctx.training() || rate == 0) {
            mask = null;
            return x;
        }
        SplittableRandom rng = ctx.random("dropout " + name);
        double keep = 1.0 / (1.0 - rate);
        mask = new double[x.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() < rate ? 0.0 : keep;
        }
        ctx.scope(name + ".fwd");
        return ctx.arith().mulPublic(x, mask);
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        if (mask == null) {
            return dy;
        }
        ctx.scope(name + ".bwd");
        return ctx.arith().mulPublic(dy, mask);
    }
}
