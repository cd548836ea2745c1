package org.twintrain.engine;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * A named tensor of a model: a trainable weight with its gradient, or a buffer (batch-norm running statistics)
 * that the optimizer leaves alone but checkpoints keep.
 */
public final class Param {
    private final String name;
    private final boolean trainable;
    private Matrix value;
    private Matrix grad;

    public Param(String name, Matrix value, boolean trainable) {
        this.name = name;
        this.value = value;
        this.trainable = trainable;
    }

    public String name() {
        return name;
    }

    public boolean trainable() {
        return trainable;
    }

    public Matrix value() {
        return value;
    }

    public void set(Matrix value) {
        if (value.rows() != this.value.rows() || value.cols() != this.value.cols()) {
            throw new IllegalArgumentException("param " + name + " is " + this.value.shape() + ", got " + value.shape());
        }
        this.value = value;
    }

    /** The gradient summed since the last {@link #clearGrad()}, or null if backward did not reach it. */
    public Matrix grad() {
        return grad;
    }

    /** Adds g to the gradient (recurrent cells add once per time step). */
    public void accumulate(Arithmetic a, Matrix g) {
        grad = grad == null ? g : a.add(grad, g);
    }

    public void clearGrad() {
        grad = null;
    }
}
