package org.twintrain.engine;

import java.util.SplittableRandom;
import org.twintrain.engine.train.Dataset;

/** Generated classification data: each class has a fixed random template; an example is its template plus noise. */
public final class Synthetic {
    private Synthetic() {
    }

    /** n examples of the shape, labels cycling over the classes, noise of standard deviation noise. */
    public static Dataset templates(Shape shape, int classes, int n, double noise, long templateSeed, long noiseSeed) {
        SplittableRandom t = new SplittableRandom(templateSeed);
        int d = shape.size();
        double[][] templates = new double[classes][d];
        for (double[] row : templates) {
            for (int j = 0; j < d; j++) {
                row[j] = t.nextGaussian();
            }
        }
        SplittableRandom r = new SplittableRandom(noiseSeed);
        float[] f = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int y = r.nextInt(classes);
            labels[i] = y;
            for (int j = 0; j < d; j++) {
                f[i * d + j] = (float) (templates[y][j] + noise * r.nextGaussian());
            }
        }
        return new Dataset(shape, f, labels, classes);
    }
}
