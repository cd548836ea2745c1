package org.twintrain.approx;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.ToDoubleFunction;

/** Nelder-Mead minimization (standard coefficients), deterministic: the fits' optimizer, no library needed. */
final class NelderMead {
    private NelderMead() {
    }

    /** The best point found from start, with an initial simplex of the given step along each axis. */
    static double[] minimize(ToDoubleFunction<double[]> f, double[] start, double step, int iterations) {
        int n = start.length;
        double[][] pts = new double[n + 1][];
        double[] val = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            pts[i] = start.clone();
            if (i > 0) {
                pts[i][i - 1] += step;
            }
            val[i] = f.applyAsDouble(pts[i]);
        }
        Integer[] order = new Integer[n + 1];
        for (int it = 0; it < iterations; it++) {
            for (int i = 0; i <= n; i++) {
                order[i] = i;
            }
            final double[] v = val;
            Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
            int best = order[0], worst = order[n], second = order[n - 1];
            double[] centroid = new double[n];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < n; d++) {
                    centroid[d] += pts[order[i]][d] / n;
                }
            }
            double[] r = along(centroid, pts[worst], -1);
            double fr = f.applyAsDouble(r);
            if (fr < val[best]) {
                double[] e = along(centroid, pts[worst], -2);
                double fe = f.applyAsDouble(e);
                pts[worst] = fe < fr ? e : r;
                val[worst] = Math.min(fe, fr);
            } else if (fr < val[second]) {
                pts[worst] = r;
                val[worst] = fr;
            } else {
                double[] c = along(centroid, pts[worst], 0.5);
                double fc = f.applyAsDouble(c);
                if (fc < val[worst]) {
                    pts[worst] = c;
                    val[worst] = fc;
                } else {
                    for (int i = 1; i <= n; i++) {
                        int k = order[i];
                        pts[k] = along(pts[best], pts[k], 0.5);
                        val[k] = f.applyAsDouble(pts[k]);
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i <= n; i++) {
            if (val[i] < val[best]) {
                best = i;
            }
        }
        return pts[best];
    }

    /** centroid + t (p - centroid). */
    private static double[] along(double[] centroid, double[] p, double t) {
        double[] out = new double[centroid.length];
        for (int d = 0; d < out.length; d++) {
            out[d] = centroid[d] + t * (p[d] - centroid[d]);
        }
        return out;
    }
}
