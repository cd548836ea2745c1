package org.twintrain.dataprep.etl;

import java.io.Serializable;

/** Exact integer sums over the images of one split: count, per-class counts, per-channel pixel sums. */
final class SplitStats implements Serializable {
    private static final long serialVersionUID = 1L;

    final String split;
    long count;
    final long[] classCounts;
    final long[] sum;
    final long[] sumSquares;

    SplitStats(String split, int classes, int channels) {
        this.split = split;
        this.classCounts = new long[classes];
        this.sum = new long[channels];
        this.sumSquares = new long[channels];
    }

    void add(int label, byte[] pixels) {
        count++;
        classCounts[label]++;
        int plane = pixels.length / sum.length;
        for (int c = 0; c < sum.length; c++) {
            long s = 0;
            long s2 = 0;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                int v = pixels[i] & 0xFF;
                s += v;
                s2 += v * v;
            }
            sum[c] += s;
            sumSquares[c] += s2;
        }
    }

    SplitStats merge(SplitStats o) {
        count += o.count;
        for (int i = 0; i < classCounts.length; i++) {
            classCounts[i] += o.classCounts[i];
        }
        for (int c = 0; c < sum.length; c++) {
            sum[c] += o.sum[c];
            sumSquares[c] += o.sumSquares[c];
        }
        return this;
    }

    /** Mean of channel c of the features (pixel / maxValue: 255, or 16 for the optical digits). */
    double mean(int c, int plane, double maxValue) {
        return sum[c] / (maxValue * count * plane);
    }

    /** Population standard deviation of channel c of the features (pixel / maxValue). */
    double std(int c, int plane, double maxValue) {
        double n = (double) count * plane;
        double m = sum[c] / n;
        double var = Math.max(0, sumSquares[c] / n - m * m);
        return Math.sqrt(var) / maxValue;
    }
}
