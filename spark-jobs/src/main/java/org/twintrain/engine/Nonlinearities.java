package org.twintrain.engine;

/**
 * The configured non-linearities of a run: the sigmoid and tanh used inside recurrent cells and the softmax
 * cross-entropy of the output. Immutable; passed in, never global.
 */
public record Nonlinearities(Activation sigmoid, Activation tanh, SoftmaxLoss softmax) {

    public String describe() {
        return "sigmoid=" + sigmoid.name() + " tanh=" + tanh.name() + " softmax=" + softmax.name();
    }
}
