package org.twintrain.ml;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.engine.Param;
import org.twintrain.engine.models.Classifier;

/** Rebuilds the engine's network of a description and loads named parameters into it, checking that they fit. */
final class Networks {
    private Networks() {
    }

    /** The network with the given parameters; names, order and shapes must match the architecture exactly. */
    static Classifier load(ModelDescription description, List<Tensor> tensors) {
        Classifier net = description.buildNetwork();
        List<Param> params = net.params();
        List<String> expected = new ArrayList<>();
        params.forEach(p -> expected.add(p.name()));
        List<String> given = new ArrayList<>();
        tensors.forEach(t -> given.add(t.name()));
        if (!expected.equals(given)) {
            throw new IllegalArgumentException("the parameters do not fit " + description.describe()
                    + ": the network has " + expected + " but the model holds " + given);
        }
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            Tensor t = tensors.get(i);
            if (p.value().rows() != t.rows() || p.value().cols() != t.cols()) {
                throw new IllegalArgumentException("parameter " + t.name() + " is " + t.shape() + " but "
                        + description.describe() + " expects " + p.value().rows() + "x" + p.value().cols());
            }
            p.set(t.toMatrix());
        }
        return net;
    }
}
