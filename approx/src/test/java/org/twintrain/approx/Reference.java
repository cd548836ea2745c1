package org.twintrain.approx;

/**
 * Direct double-precision formulas of the approximations, written independently of the classes under test
 * (no Horner, no max tree): the references of the tests.
 */
final class Reference {
    private Reference() {
    }

    static double exp(String name, double x) {
        if (name.equals("exact")) {
            return Math.exp(x);
        }
        if (name.equals("relu")) {
            return Math.max(0, x);
        }
        if (name.startsWith("taylor:")) {
            int k = Integer.parseInt(name.substring(7));
            double s = taylor(x, k);
            return k % 2 == 1 ? Math.max(0, s) : s;
        }
        if (name.equals("pwl:4")) {
            return Math.max(Math.max(0, 0.0077 * x + 0.155), Math.max(x + 1, 7.3891 * x - 7.3891));
        }
        if (name.startsWith("pwl:")) {
            return PiecewiseLinearExp.of(Integer.parseInt(name.substring(4))).value(x);
        }
        if (name.startsWith("pwlsm:")) {
            return PiecewiseLinearExp.softmaxFit(Integer.parseInt(name.substring(6))).value(x);
        }
        if (name.startsWith("limit:")) {
            double m = Math.pow(2, Integer.parseInt(name.substring(6)));
            return Math.pow(Math.max(0, 1 + x / m), m);
        }
        throw new IllegalArgumentException(name);
    }

    /** sum_{i=0..k} x^i / i! as written. */
    static double taylor(double x, int k) {
        double s = 0, fact = 1;
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                fact *= i;
            }
            s += Math.pow(x, i) / fact;
        }
        return s;
    }

    /** True for the approximations made for logits minus their maximum. */
    static boolean shifted(String name) {
        return name.equals("exact") || name.startsWith("limit:") || name.startsWith("pwlsm:");
    }

    /** Softmax of one row with e = the named approximation (uniform when the sum is 0). */
    static double[] softmax(String name, double[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : row) {
            max = Math.max(max, v);
        }
        double[] e = new double[row.length];
        double sum = 0;
        for (int j = 0; j < row.length; j++) {
            e[j] = exp(name, shifted(name) ? row[j] - max : row[j]);
            sum += e[j];
        }
        for (int j = 0; j < row.length; j++) {
            e[j] = sum == 0 ? 1.0 / row.length : e[j] / sum;
        }
        return e;
    }
}
