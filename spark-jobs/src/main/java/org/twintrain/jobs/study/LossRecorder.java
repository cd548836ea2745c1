package org.twintrain.jobs.study;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.engine.SoftmaxLoss;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * Wraps the run's softmax loss to record the training cross-entropy. The engine asks for the gradient once per
 * training step of a classifier and once per target position of seq2seq (evaluation never does), so that call
 * is where the per-row losses are measured, from the same (approximated) probabilities the update uses.
 * Cleartext backends only: it reveals the loss. Call {@link #clear} before a step.
 */
final class LossRecorder implements SoftmaxLoss {
    private final SoftmaxLoss inner;
    private final List<double[]> rows = new ArrayList<>();

    LossRecorder(SoftmaxLoss inner) {
        this.inner = inner;
    }

    void clear() {
        rows.clear();
    }

    /** Per-row losses of each gradient call since {@link #clear}, in call order. */
    List<double[]> rowLosses() {
        return rows;
    }

    /** Mean over the rows of the last gradient call (NaN before the first). */
    double meanLoss() {
        if (rows.isEmpty()) {
            return Double.NaN;
        }
        double[] last = rows.get(rows.size() - 1);
        double sum = 0;
        for (double v : last) {
            sum += v;
        }
        return sum / last.length;
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
    public Matrix[] forwardAndGradient(Arithmetic a, Matrix logits, Matrix oneHotTargets) {
        Matrix[] pg = inner.forwardAndGradient(a, logits, oneHotTargets);
        rows.add(inner.loss(a, pg[0], oneHotTargets));
        return pg;
    }

    @Override
    public Matrix gradient(Arithmetic a, Matrix logits, Matrix probabilities, Matrix oneHotTargets) {
        rows.add(inner.loss(a, probabilities, oneHotTargets));
        return inner.gradient(a, logits, probabilities, oneHotTargets);
    }

    @Override
    public double[] loss(Arithmetic a, Matrix probabilities, Matrix oneHotTargets) {
        return inner.loss(a, probabilities, oneHotTargets);
    }
}
