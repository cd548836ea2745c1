package org.twintrain.engine.models;

import java.util.List;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.engine.layers.Sequential;

/**
 * A network from input examples to class logits, with the description of its scale. The softmax and loss are
 * the trainer's (see {@link org.twintrain.engine.train.Trainer}).
 */
public record Classifier(String model, double width, int depth, Sequential net, int classes) {

    public Shape inputShape() {
        return net.inputShape();
    }

    public List<Param> params() {
        return net.params();
    }

    public Layer asLayer() {
        return net;
    }

    /** Weights that the optimizer trains (buffers excluded). */
    public long parameterCount() {
        long n = 0;
        for (Param p : params()) {
            if (p.trainable()) {
                n += p.value().size();
            }
        }
        return n;
    }

    /** "model=resnet width=0.5 depth=20 params=... macs/example=...", printed next to every result. */
    public String describe() {
        return "model=" + model + " width=" + width + " depth=" + depth + " input=" + inputShape() + " classes=" + classes
                + " params=" + parameterCount() + " macs/example=" + net.macsPerExample();
    }
}
