package org.twintrain.engine;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * Exact sigmoid, tanh and softmax cross-entropy (SecureML-style gradient p - y, which is the true gradient of
 * the exact softmax) via applyCleartext: cleartext backends only; the reference of the gradient checks.
 */
public final class ExactNonlinearities {
    private ExactNonlinearities() {
    }

    public static Nonlinearities create() {
        return new Nonlinearities(SIGMOID, TANH, SOFTMAX);
    }

    static final Activation SIGMOID = new Activation() {
        public String name() {
            return "exact";
        }

        public Matrix apply(Arithmetic a, Matrix x) {
            return a.applyCleartext(x, v -> 1 / (1 + Math.exp(-v)));
        }

        public Matrix derivative(Arithmetic a, Matrix x) {
            return a.applyCleartext(x, v -> {
                double s = 1 / (1 + Math.exp(-v));
                return s * (1 - s);
            });
        }
    };

    static final Activation TANH = new Activation() {
        public String name() {
            return "exact";
        }

        public Matrix apply(Arithmetic a, Matrix x) {
            return a.applyCleartext(x, Math::tanh);
        }

        public Matrix derivative(Arithmetic a, Matrix x) {
            return a.applyCleartext(x, v -> 1 - Math.tanh(v) * Math.tanh(v));
        }
    };

    static final SoftmaxLoss SOFTMAX = new SoftmaxLoss() {
        public String name() {
            return "exact";
        }

        public Matrix forward(Arithmetic a, Matrix logits) {
            double[] l = a.reveal(logits);
            int c = logits.cols();
            double[] p = new double[l.length];
            for (int r = 0; r < logits.rows(); r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) {
                    max = Math.max(max, l[r * c + j]);
                }
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    p[r * c + j] = Math.exp(l[r * c + j] - max);
                    sum += p[r * c + j];
                }
                for (int j = 0; j < c; j++) {
                    p[r * c + j] /= sum;
                }
            }
            return a.fromPublic(logits.rows(), c, p);
        }

        public Matrix gradient(Arithmetic a, Matrix logits, Matrix probabilities, Matrix oneHot) {
            return a.sub(probabilities, oneHot);
        }

        public double[] loss(Arithmetic a, Matrix probabilities, Matrix oneHot) {
            double[] p = a.reveal(probabilities);
            double[] y = a.reveal(oneHot);
            int c = probabilities.cols();
            double[] out = new double[probabilities.rows()];
            for (int i = 0; i < p.length; i++) {
                if (y[i] != 0) {
                    out[i / c] -= y[i] * Math.log(Math.max(p[i], 1e-300));
                }
            }
            return out;
        }
    };
}
