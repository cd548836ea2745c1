package org.twintrain.jobs.study;

import org.twintrain.engine.SoftmaxLoss;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * Wraps the run's softmax loss to record the mean training cross-entropy of each step. The trainer asks for the
 * gradient once per training step (evaluation never does), so that call is where the batch loss is measured,
 * from the same (approximated) probabilities the update uses. Cleartext backends only: it reveals the loss.
 */
final class LossRecorder implements SoftmaxLoss {
    private final SoftmaxLoss inner;
    private double lastLoss = Double.NaN;

    LossRecorder(SoftmaxLoss inner) {
        this.inner = inner;
    }

    /** The mean cross-entropy of the last training batch (NaN before the first step). */
    double lastLoss() {
        return lastLoss;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Matrix forward(Arithmetic a, Matrix logits) {
        return inner.forward(a, logits);
    }

    @Override
    public Matrix gradient(Arithmetic a, Matrix logits, Matrix probabilities, Matrix oneHotTargets) {
        double sum = 0;
        double[] rows = inner.loss(a, probabilities, oneHotTargets);
        for (double v : rows) {
            sum += v;
        }
        lastLoss = sum / rows.length;
        return inner.gradient(a, logits, probabilities, oneHotTargets);
    }

    @Override
    public double[] loss(Arithmetic a, Matrix probabilities, Matrix oneHotTargets) {
        return inner.loss(a, probabilities, oneHotTargets);
    }
}
