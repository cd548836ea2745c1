package org.twintrain.engine;

import java.util.List;
import org.twintrain.sharing.arith.Matrix;

/**
 * One differentiable stage of a network. A batch is a matrix with one row per example and
 * {@code inputShape().size()} columns (see the package comment for the layout).
 *
 * <p>Call order: {@link #forward} then, for training, {@link #backward} with the gradient of the loss with
 * respect to the output of that forward. Backward adds parameter gradients into {@link Param#grad()} and
 * returns the gradient with respect to the input. A layer instance keeps the state of one forward pass, so it
 * is used by one thread at a time.
 */
public interface Layer {

    String name();

    Shape inputShape();

    Shape outputShape();

    Matrix forward(Context ctx, Matrix x);

    Matrix backward(Context ctx, Matrix dy);

    /**
     * Backward for the first layer of a network: the parameters' gradients only, since nothing uses the gradient
     * of the network's input (on two parties it would cost a product and its truncation). Returns null. Layers
     * without that shortcut run {@link #backward}.
     */
    default Matrix backwardParamsOnly(Context ctx, Matrix dy) {
        backward(ctx, dy);
        return null;
    }

    /** Weights and buffers, in a fixed order (checkpoints and the optimizer rely on it). */
    default List<Param> params() {
        return List.of();
    }

    /** Multiply-adds of forward per example (for FLOP counts); 0 for cheap layers. */
    default long macsPerExample() {
        return 0;
    }
}
