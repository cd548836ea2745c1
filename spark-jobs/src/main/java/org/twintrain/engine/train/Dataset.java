package org.twintrain.engine.train;

import org.twintrain.engine.Shape;

/**
 * Examples in memory: row i of {@code features} (length n * shape.size(), layout of the engine) and its label.
 * Features are floats to halve memory; batches are copied to doubles for the backend.
 */
public record Dataset(Shape shape, float[] features, int[] labels, int classes) {

    public Dataset {
        if ((long) labels.length * shape.size() != features.length) {
            throw new IllegalArgumentException("dataset: " + labels.length + " labels but " + features.length
                    + " feature values for examples of " + shape);
        }
        for (int y : labels) {
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("dataset: label " + y + " outside [0, " + classes + ")");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** The features of the given examples, one row each, as doubles. */
    public double[] batchFeatures(int[] rows) {
        int d = shape.size();
        double[] out = new double[rows.length * d];
        for (int r = 0; r < rows.length; r++) {
            int off = rows[r] * d;
            for (int j = 0; j < d; j++) {
                out[r * d + j] = features[off + j];
            }
        }
        return out;
    }

    /** One-hot targets of the given examples (rows.length x classes). */
    public double[] batchOneHot(int[] rows) {
        double[] out = new double[rows.length * classes];
        for (int r = 0; r < rows.length; r++) {
            out[r * classes + labels[rows[r]]] = 1.0;
        }
        return out;
    }

    /** The first n examples. */
    public Dataset head(int n) {
        int m = Math.min(n, size());
        float[] f = new float[m * shape.size()];
        System.arraycopy(features, 0, f, 0, f.length);
        int[] l = new int[m];
        System.arraycopy(labels, 0, l, 0, m);
        return new Dataset(shape, f, l, classes);
    }
}
