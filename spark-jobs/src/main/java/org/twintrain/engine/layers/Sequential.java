package org.twintrain.engine.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Matrix;

/** Layers applied in order; backward in reverse order. */
public final class Sequential implements Layer {
    private final String name;
    private final List<Layer> layers;

    public Sequential(String name, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(name + ": no layers");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (!layers.get(i).inputShape().equals(layers.get(i - 1).outputShape())) {
                throw new IllegalArgumentException(name + ": layer " + layers.get(i).name() + " expects "
                        + layers.get(i).inputShape() + " but " + layers.get(i - 1).name() + " gives "
                        + layers.get(i - 1).outputShape());
            }
        }
        this.name = name;
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return layers.get(0).inputShape();
    }

    @Override
    public Shape outputShape() {
        return layers.get(layers.size() - 1).outputShape();
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        Matrix y = x;
        for (Layer l : layers) {
            y = l.forward(ctx, y);
        }
        return y;
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        Matrix d = dy;
        for (int i = layers.size() - 1; i >= 0; i--) {
            d = layers.get(i).backward(ctx, d);
        }
        return d;
    }

    /**
     * Backward to the parameters only: the first layer that has parameters computes their gradients and not its
     * input's, and the parameter-free layers before it (a flatten, say) are skipped: nothing uses those gradients.
     */
    @Override
    public Matrix backwardParamsOnly(Context ctx, Matrix dy) {
        int first = 0;
        while (first < layers.size() && layers.get(first).params().isEmpty()) {
            first++;
        }
        Matrix d = dy;
        for (int i = layers.size() - 1; i > first; i--) {
            d = layers.get(i).backward(ctx, d);
        }
        if (first < layers.size()) {
            layers.get(first).backwardParamsOnly(ctx, d);
        }
        return null;
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.params());
        }
        return all;
    }

    @Override
    public long macsPerExample() {
        long m = 0;
        for (Layer l : layers) {
            m += l.macsPerExample();
        }
        return m;
    }
}
