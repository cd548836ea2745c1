package org.twintrain.engine.layers;

import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Matrix;

/** C x H x W to a flat vector: the batch matrix is already flat, so only the shape changes. */
public final class Flatten implements Layer {
    private final String name;
    private final Shape in;

    public Flatten(String name, Shape in) {
        this.name = name;
        this.in = in;
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
        return Shape.flat(in.size());
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        return x;
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        return dy;
    }
}
