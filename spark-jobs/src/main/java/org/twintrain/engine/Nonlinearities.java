package org.twintrain.engine;

import org.twintrain.approx.ApproxConfig;
import org.twintrain.approx.Sigmoid;
import org.twintrain.approx.Softmax;
import org.twintrain.approx.TanhApproximation;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * The configured non-linearities of a run: the sigmoid and tanh used inside recurrent cells and the softmax
 * cross-entropy of the output. Immutable; passed in, never global. Runs take them from the approx module's
 * {@link ApproxConfig} via {@link #from}.
 */
public record Nonlinearities(Activation sigmoid, Activation tanh, SoftmaxLoss softmax) {

    /** The approximations (and softmax gradient mode) of an approx configuration. */
    public static Nonlinearities from(ApproxConfig config) {
        Sigmoid sig = config.sigmoid();
        TanhApproximation tanh = config.tanh();
        Softmax sm = config.softmax();
        String expName = config.exp().name();
        Activation sigmoid = new Activation() {
            public String name() {
                return "sigmoid(" + expName + ")";
            }

            public Matrix apply(Arithmetic a, Matrix x) {
                return sig.apply(a, x);
            }

            public Matrix derivative(Arithmetic a, Matrix x) {
                return sig.derivative(a, x);
            }
        };
        Activation tanhAct = new Activation() {
            public String name() {
                return tanh.name();
            }

            public Matrix apply(Arithmetic a, Matrix x) {
                return tanh.apply(a, x);
            }

            public Matrix derivative(Arithmetic a, Matrix x) {
                return tanh.derivative(a, x);
            }
        };
        SoftmaxLoss loss = new SoftmaxLoss() {
            public String name() {
                return expName + " gradient=" + sm.gradient().name().toLowerCase(java.util.Locale.ROOT);
            }

            public Matrix forward(Arithmetic a, Matrix logits) {
                return sm.forward(a, logits);
            }

            public Matrix gradient(Arithmetic a, Matrix logits, Matrix probabilities, Matrix oneHotTargets) {
                return sm.crossEntropyGradient(a, logits, probabilities, oneHotTargets);
            }

            public Matrix[] forwardAndGradient(Arithmetic a, Matrix logits, Matrix oneHotTargets) {
                return sm.forwardAndGradient(a, logits, oneHotTargets);
            }

            public double[] loss(Arithmetic a, Matrix probabilities, Matrix oneHotTargets) {
                return sm.crossEntropyLoss(a, probabilities, oneHotTargets);
            }
        };
        return new Nonlinearities(sigmoid, tanhAct, loss);
    }

    public String describe() {
        return "sigmoid=" + sigmoid.name() + " tanh=" + tanh.name() + " softmax=" + softmax.name();
    }
}
