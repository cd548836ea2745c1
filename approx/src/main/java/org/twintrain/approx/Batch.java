package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** Helpers that put independent operations into one backend call, so that two parties spend one round on them. */
final class Batch {
    private Batch() {
    }

    /**
     * x times each public factor, as one {@link Arithmetic#mulPublic} on the copies side by side: one truncation
     * (one round with wrap-free truncation) instead of one per factor. Factors 0 and 1 take no product.
     */
    static Matrix[] scaleEach(Arithmetic a, Matrix x, double[] factors) {
        Matrix[] out = new Matrix[factors.length];
        int rows = x.rows(), cols = x.cols(), n = 0;
        for (double f : factors) {
            n += f == 0 || f == 1 ? 0 : 1;
        }
        if (n > 0) {
            Matrix[] copies = new Matrix[n];
            double[] values = new double[rows * cols * n];
            int c = 0;
            for (double f : factors) {
                if (f != 0 && f != 1) {
                    copies[c] = x;
                    for (int r = 0; r < rows; r++) {
                        java.util.Arrays.fill(values, r * cols * n + c * cols, r * cols * n + (c + 1) * cols, f);
                    }
                    c++;
                }
            }
            Matrix scaled = a.mulPublic(a.concatColumns(copies), values);
            c = 0;
            for (int i = 0; i < factors.length; i++) {
                if (factors[i] != 0 && factors[i] != 1) {
                    out[i] = a.columns(scaled, c * cols, (c + 1) * cols);
                    c++;
                }
            }
        }
        for (int i = 0; i < factors.length; i++) {
            if (factors[i] == 0) {
                out[i] = a.zeros(rows, cols);
            } else if (factors[i] == 1) {
                out[i] = x;
            }
        }
        return out;
    }
}
