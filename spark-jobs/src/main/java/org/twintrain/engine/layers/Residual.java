package org.twintrain.engine.layers;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * A residual block without its final activation: y = main(x) + shortcut(x), where the shortcut is the
 * identity, a parameter-free {@link PadShortcut} (He et al.'s option A) or a projection (1x1 convolution, as
 * in ResNet-18). The ReLU after the sum is a separate layer.
 */
public final class Residual implements Layer {
    private final String name;
    private final Layer main;
    private final Layer shortcut;

    /** shortcut null means identity (then main must keep the shape). */
    public Residual(String name, Layer main, Layer shortcut) {
        Shape sc = shortcut == null ? main.inputShape() : shortcut.outputShape();
        if (!sc.equals(main.outputShape())) {
            throw new IllegalArgumentException(name + ": main path gives " + main.outputShape() + ", shortcut " + sc);
        }
        this.name = name;
        this.main = main;
        this.shortcut = shortcut;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return main.inputShape();
    }

    @Override
    public Shape outputShape() {
        return main.outputShape();
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        Matrix m = main.forward(ctx, x);
        Matrix s = shortcut == null ? x : shortcut.forward(ctx, x);
        return ctx.arith().add(m, s);
    }

    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        Arithmetic a = ctx.arith();
        Matrix dm = main.backward(ctx, dy);
        Matrix ds = shortcut == null ? dy : shortcut.backward(ctx, dy);
        return a.add(dm, ds);
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>(main.params());
        if (shortcut != null) {
            all.addAll(shortcut.params());
        }
        return all;
    }

    @Override
    public long macsPerExample() {
        return main.macsPerExample() + (shortcut == null ? 0 : shortcut.macsPerExample());
    }
}
