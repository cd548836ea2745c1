package org.twintrain.engine.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** y = x W + b, W of shape in x out. */
public final class Dense implements Layer {
    private final String name;
    private final Shape in;
    private final int out;
    private final Param weight;
    private final Param bias;
    private Matrix x;

    /** heInit: He-normal weights (before ReLU); otherwise uniform(+-1/sqrt(in)). Bias starts at 0. */
    public Dense(String name, Arithmetic a, SplittableRandom rng, Shape in, int out, boolean heInit) {
        this.name = name;
        this.in = in;
        this.out = out;
        int n = in.size();
        Matrix w = heInit ? Init.heNormal(a, rng, n, out, n) : Init.uniform(a, rng, n, out, n);
        this.weight = new Param(name + ".w", w, true);
        this.bias = new Param(name + ".b", a.zeros(1, out), true);
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
        return Shape.flat(out);
    }

    @Override
    public Matrix forward(Context ctx, Matrix input) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".fwd");
        x = ctx.training() ? input : null;
        Matrix y = a.addRow(a.denseForward(input, weight.value()), bias.value());
        ctx.observe(name, y);
        return y;
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".bwd");
        Matrix[] grads = a.denseGradients(x, dy, weight.value()); // weight gradient first, one truncation
        weight.accumulate(a, grads[0]);
        bias.accumulate(a, a.sumRows(dy));
        return grads[1];
    }

    @Override
    public Matrix backwardParamsOnly(Context ctx, Matrix dy) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".bwd");
        weight.accumulate(a, a.denseWeightGrad(x, dy));
        bias.accumulate(a, a.sumRows(dy));
        return null;
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public long macsPerExample() {
        return (long) in.size() * out;
    }
}
