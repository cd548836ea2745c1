package org.twintrain.ml;

import java.io.Serializable;
import org.twintrain.sharing.arith.DoubleMatrix;

/** One named parameter of a {@link TwinTrainModel}, row-major, in the serializable form tasks receive. */
record Tensor(String name, int rows, int cols, double[] values) implements Serializable {

    Tensor {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException("parameter " + name + ": shape " + rows + "x" + cols + " does not fit "
                    + values.length + " values");
        }
    }

    static Tensor of(String name, DoubleMatrix m) {
        return new Tensor(name, m.rows(), m.cols(), m.data().clone());
    }

    DoubleMatrix toMatrix() {
        return new DoubleMatrix(rows, cols, values.clone());
    }

    String shape() {
        return rows + "x" + cols;
    }
}
