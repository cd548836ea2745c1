package org.twintrain.engine.layers;

import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Matrix;

/** max(0, x); the derivative bit from the same comparison routes the gradient. */
public final class Relu implements Layer {
    private final String name;
    private final Shape shape;
    private Matrix positive;

    public Relu(String name, Shape shape) {
        this.name = name;
        this.shape = shape;
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
        ctx.scope(name + ".fwd");
        Matrix[] r = ctx.arith().reluWithDerivative(x);
        positive = ctx.training() ? r[1] : null;
        return r[0];
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        ctx.scope(name + ".bwd");
        return ctx.arith().mulBit(positive, dy);
    }
}
