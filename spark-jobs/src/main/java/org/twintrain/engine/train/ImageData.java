package org.twintrain.engine.train;

import org.twintrain.engine.Shape;

/** Turns decoded {@link Images} into engine data sets: pixels scaled to [0, 1], then optionally standardized. */
public final class ImageData {
    private ImageData() {
    }

    /** Pixels / 255, no standardization (MNIST). */
    public static Dataset scaled(Images images, int classes) {
        return standardized(images, classes, null, null);
    }

    /** (pixel / 255 - mean[c]) / std[c] per channel; null mean and std mean no standardization. */
    public static Dataset standardized(Images images, int classes, double[] mean, double[] std) {
        Shape s = new Shape(images.channels(), images.height(), images.width());
        int hw = images.height() * images.width();
        byte[] px = images.pixels();
        float[] f = new float[px.length];
        for (int i = 0; i < f.length; i++) {
            double v = (px[i] & 0xff) / 255.0;
            if (mean != null) {
                int c = (i / hw) % images.channels();
                v = (v - mean[c]) / std[c];
            }
            f[i] = (float) v;
        }
        return new Dataset(s, f, images.labels().clone(), classes);
    }

    /** Per-channel mean and standard deviation of pixel / 255 over a set: {mean, std}. */
    public static double[][] channelStats(Images images) {
        int hw = images.height() * images.width();
        int c = images.channels();
        double[] sum = new double[c];
        double[] sq = new double[c];
        byte[] px = images.pixels();
        for (int i = 0; i < px.length; i++) {
            double v = (px[i] & 0xff) / 255.0;
            int ch = (i / hw) % c;
            sum[ch] += v;
            sq[ch] += v * v;
        }
        double n = (double) images.count() * hw;
        double[] mean = new double[c];
        double[] std = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = sum[ch] / n;
            std[ch] = Math.sqrt(Math.max(sq[ch] / n - mean[ch] * mean[ch], 1e-12));
        }
        return new double[][] {mean, std};
    }
}
