package org.twintrain.engine.layers;

import java.util.SplittableRandom;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** Public, seeded weight initialization (every party computes the same values and encodes them). */
public final class Init {
    private Init() {
    }

    /** He-normal: N(0, 2 / fanIn), for layers followed by ReLU. */
    public static Matrix heNormal(Arithmetic a, SplittableRandom rng, int rows, int cols, int fanIn) {
        return normal(a, rng, rows, cols, Math.sqrt(2.0 / fanIn));
    }

    /** Uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)), the usual default of recurrent cells and output layers. */
    public static Matrix uniform(Arithmetic a, SplittableRandom rng, int rows, int cols, int fanIn) {
        double r = 1.0 / Math.sqrt(fanIn);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble(-r, r);
        }
        return a.fromPublic(rows, cols, v);
    }

    public static Matrix normal(Arithmetic a, SplittableRandom rng, int rows, int cols, double std) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian() * std;
        }
        return a.fromPublic(rows, cols, v);
    }
}
