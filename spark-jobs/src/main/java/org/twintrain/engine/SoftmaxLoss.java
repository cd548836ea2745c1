package org.twintrain.engine;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** Softmax followed by cross-entropy, row by row; the approximation and gradient mode are the implementation's. */
public interface SoftmaxLoss {

    String name();

    /** Row-wise (approximated) softmax of the logits. */
    Matrix forward(Arithmetic a, Matrix logits);

    /** d(sum over rows of the loss)/d(logits); the caller divides by the batch size. */
    Matrix gradient(Arithmetic a, Matrix logits, Matrix probabilities, Matrix oneHotTargets);

    /**
     * {probabilities, gradient} of a training step; an implementation may share work between the two (the
     * approximated softmax makes one division for both). Default: {@link #forward} then {@link #gradient}.
     */
    default Matrix[] forwardAndGradient(Arithmetic a, Matrix logits, Matrix oneHotTargets) {
        Matrix p = forward(a, logits);
        return new Matrix[] {p, gradient(a, logits, p, oneHotTargets)};
    }

    /** The cross-entropy of each row (revealed: only for monitoring and evaluation). */
    double[] loss(Arithmetic a, Matrix probabilities, Matrix oneHotTargets);
}
