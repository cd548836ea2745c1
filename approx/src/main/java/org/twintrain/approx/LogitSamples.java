package org.twintrain.approx;

import java.util.SplittableRandom;

/**
 * Synthetic logit rows shaped like a trained model's, for fitting {@code pwlsm:k} and for measuring where the
 * approximated softmaxes put their probability mass ({@link SoftmaxMass}). Deterministic from the seed.
 *
 * <ul>
 *   <li>{@link #vocabulary}: a next-word distribution over a vocabulary (Table 3's 2,000 words). Word r (by rank)
 *       gets -beta ln r + N(0, 1), Zipf's law with noise, beta uniform in [1.0, 1.6], and the top word a further
 *       boost uniform in [0, 3] (a confident context). The exact softmax of these rows has a perplexity of about 15
 *       (exp of the mean entropy), near our scaled seq2seq's dev perplexity of about 12.</li>
 *   <li>{@link #classifier}: 10-class rows (Table 2): N(0, s^2) with s uniform in [0.5, 2], the true class a
 *       margin uniform in [0, 5] higher.</li>
 * </ul>
 * Each row is returned as it is (not shifted); {@link #shifted} subtracts its maximum.
 */
public final class LogitSamples {
    private LogitSamples() {
    }

    /** rows x vocab logits, row-major. */
    public static double[] vocabulary(int rows, int vocab, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] out = new double[rows * vocab];
        for (int i = 0; i < rows; i++) {
            double beta = 1.0 + 0.6 * rng.nextDouble();
            double boost = 3.0 * rng.nextDouble();
            for (int r = 0; r < vocab; r++) {
                out[i * vocab + r] = -beta * Math.log(r + 1) + gaussian(rng) + (r == 0 ? boost : 0);
            }
        }
        return out;
    }

    /** rows x classes logits, row-major; the true class is column 0 (softmax does not care which). */
    public static double[] classifier(int rows, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] out = new double[rows * classes];
        for (int i = 0; i < rows; i++) {
            double s = 0.5 + 1.5 * rng.nextDouble();
            double margin = 5.0 * rng.nextDouble();
            for (int j = 0; j < classes; j++) {
                out[i * classes + j] = s * gaussian(rng) + (j == 0 ? margin : 0);
            }
        }
        return out;
    }

    /** Each row minus its maximum (a copy). */
    public static double[] shifted(double[] logits, int cols) {
        double[] out = logits.clone();
        for (int i = 0; i < out.length; i += cols) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                m = Math.max(m, out[i + j]);
            }
            for (int j = 0; j < cols; j++) {
                out[i + j] -= m;
            }
        }
        return out;
    }

    /** The exact softmax of each row (row-major, like the input). */
    public static double[] softmax(double[] logits, int cols) {
        double[] p = shifted(logits, cols);
        for (int i = 0; i < p.length; i += cols) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                p[i + j] = Math.exp(p[i + j]);
                s += p[i + j];
            }
            for (int j = 0; j < cols; j++) {
                p[i + j] /= s;
            }
        }
        return p;
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17.
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
