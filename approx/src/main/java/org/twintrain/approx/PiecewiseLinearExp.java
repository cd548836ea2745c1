package org.twintrain.approx;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * {@code pwl:k}: e^x approximated by the maximum of k lines, one of them the constant 0. A maximum of lines is
 * convex and non-negative, like e^x. It is evaluated as the lines' upper envelope: one comparison of x with the
 * public breakpoints where the maximum changes line, then public combinations of the bits and their products
 * with x for the value and for its derivative (the slope of the line that attains the maximum); see {@link
 * #envelope}. On two parties that is 2 rounds and one comparison key per element for any k.
 *
 * <ul>
 *   <li>{@code pwl:4} is exactly the paper's max(0, 0.0077x + 0.155, x + 1, 7.3891x - 7.3891) (Ho et al.,
 *       Table 1).</li>
 *   <li>{@code pwl:5}, {@code pwl:6}, {@code pwl:7} are not in the paper. They are max(0, k-1 tangent lines of
 *       e^x), which bound e^x from below, with tangent points chosen by {@link PwlFit} so that the maximum
 *       relative error on [-4, 4] is as small as possible (equal error at both ends and at every crossing of
 *       adjacent tangents). The coefficients, the range and the error are in the generated resource
 *       {@code pwl-fits.tsv} next to this class: pwl:5 37.8%, pwl:6 26.6%, pwl:7 19.5% relative error on
 *       [-4, 4]. Softmax ignores a common factor, so what it sees is about E/(2-E): 23%, 15%, 11%.</li>
 *   <li>{@code pwlsm:3} .. {@code pwlsm:6} are not in the paper either: k-1 lines fitted by {@link PwlSoftmaxFit}
 *       for the softmax's real input range, the logits minus their row maximum (x &lt;= 0, so the softmax
 *       subtracts it first: {@link #shiftsByMax()}), to minimize the softmax's error (mean KL) rather than e^x's.
 *       Lines in the generated resource {@code pwlsm-fits.tsv}.</li>
 * </ul>
 */
public final class PiecewiseLinearExp implements ExpApproximation {
    /** The generated table of fitted lines (see {@link PwlFit}). */
    public static final String FITS_RESOURCE = "pwl-fits.tsv";

    /** The generated table of the softmax-fitted lines for x &lt;= 0 (see {@link PwlSoftmaxFit}). */
    public static final String SOFTMAX_FITS_RESOURCE = "pwlsm-fits.tsv";

    private final String name;
    private final double[] slopes;
    private final double[] intercepts;
    private final boolean shiftsByMax;

    /** max over i of (slopes[i] x + intercepts[i]); include a 0 line (slope 0, intercept 0) to bound it below. */
    public PiecewiseLinearExp(String name, double[] slopes, double[] intercepts) {
        this(name, slopes, intercepts, false);
    }

    /** As above; shiftsByMax: made for inputs x &lt;= 0, so the softmax subtracts the row maximum first. */
    public PiecewiseLinearExp(String name, double[] slopes, double[] intercepts, boolean shiftsByMax) {
        if (slopes.length == 0 || slopes.length != intercepts.length) {
            throw new IllegalArgumentException(name + ": need as many slopes as intercepts, and at least one line");
        }
        this.name = name;
        this.slopes = slopes.clone();
        this.intercepts = intercepts.clone();
        this.shiftsByMax = shiftsByMax;
    }

    /** The paper's pwl:4: max(0, 0.0077x + 0.155, x + 1, 7.3891x - 7.3891). */
    public static PiecewiseLinearExp paper4() {
        return new PiecewiseLinearExp("pwl:4", new double[] {0, 0.0077, 1, 7.3891},
                new double[] {0, 0.155, 1, -7.3891});
    }

    /** pwl:4 for k = 4 (the paper's), otherwise the fitted pwl:k from {@link #FITS_RESOURCE}. */
    public static PiecewiseLinearExp of(int pieces) {
        if (pieces == 4) {
            return paper4();
        }
        // pwl-fits.tsv rows: name, "line", tangent point, slope, intercept
        return fromTable("pwl:" + pieces, pieces, FITS_RESOURCE, 3, false, "pwl:5, pwl:6, pwl:7");
    }

    /** pwlsm:k, the softmax-fitted lines for x &lt;= 0 from {@link #SOFTMAX_FITS_RESOURCE}; shifts by the maximum. */
    public static PiecewiseLinearExp softmaxFit(int pieces) {
        // pwlsm-fits.tsv rows: name, "line", slope, intercept
        return fromTable("pwlsm:" + pieces, pieces, SOFTMAX_FITS_RESOURCE, 2, true, "pwlsm:3 .. pwlsm:6");
    }

    /** The 0 line and the table's lines of key (slope in column slopeColumn, intercept after it). */
    private static PiecewiseLinearExp fromTable(String key, int pieces, String resource, int slopeColumn,
            boolean shiftsByMax, String fitted) {
        List<double[]> lines = new ArrayList<>();
        lines.add(new double[] {0, 0});
        for (String[] f : readFits(resource)) {
            if (f[0].equals(key) && f[1].equals("line")) {
                lines.add(new double[] {Double.parseDouble(f[slopeColumn]), Double.parseDouble(f[slopeColumn + 1])});
            }
        }
        if (lines.size() != pieces) {
            throw new IllegalArgumentException("no fit for " + key + " in " + resource + " (found "
                    + (lines.size() - 1) + " lines, expected " + (pieces - 1) + "); fitted: " + fitted);
        }
        double[] s = new double[pieces], b = new double[pieces];
        for (int i = 0; i < pieces; i++) {
            s[i] = lines.get(i)[0];
            b[i] = lines.get(i)[1];
        }
        return new PiecewiseLinearExp(key, s, b, shiftsByMax);
    }

    /** The rows of the fits table, split at tabs, without comments. */
    static List<String[]> readFits() {
        return readFits(FITS_RESOURCE);
    }

    /** The rows of a generated table next to this class, split at tabs, without comments. */
    static List<String[]> readFits(String resource) {
        try (InputStream in = PiecewiseLinearExp.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the approx jar");
            }
            List<String[]> rows = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split("\t"));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean shiftsByMax() {
        return shiftsByMax;
    }

    public int pieces() {
        return slopes.length;
    }

    public double[] slopes() {
        return slopes.clone();
    }

    public double[] intercepts() {
        return intercepts.clone();
    }

    @Override
    public Matrix apply(Arithmetic a, Matrix x) {
        return envelope(a, x, false)[0];
    }

    @Override
    public Matrix derivative(Arithmetic a, Matrix x) {
        return applyWithDerivative(a, x)[1];
    }

    @Override
    public Matrix[] applyWithDerivative(Arithmetic a, Matrix x) {
        return envelope(a, x, true);
    }

    /**
     * The maximum of the lines as their upper envelope: lines e_0 .. e_m by increasing slope, each the maximum
     * from breakpoint t_j on, so max = e_0(x) + sum_j [x &gt;= t_j] (e_j(x) - e_(j-1)(x)) and its slope a_0 + sum_j
     * [x &gt;= t_j] (a_j - a_(j-1)). The breakpoints are public, so all bits and their products with x come from one
     * comparison of x ({@link Arithmetic#atLeastWithProducts}: one round and one key per element on two parties,
     * whatever k), and both results are public combinations of them: one truncation. Two rounds for the value and
     * its slope, where a tree of maxima takes ceil(log2 k) comparisons and a product per level for the slope.
     */
    private Matrix[] envelope(Arithmetic a, Matrix x, boolean withSlope) {
        int[] on = upperEnvelope(slopes, intercepts);
        int m = on.length;
        double[] t = new double[m - 1];
        for (int j = 1; j < m; j++) {
            t[j - 1] = crossing(on[j - 1], on[j]);
        }
        int c = x.cols();
        Matrix[] bitsAndProducts = m > 1 ? a.atLeastWithProducts(x, t) : null;
        Matrix[] value = new Matrix[2 * m - 1], slope = new Matrix[m - 1];
        double[] valueCoef = new double[2 * m - 1], slopeCoef = new double[m - 1];
        value[0] = x;
        valueCoef[0] = slopes[on[0]];
        for (int j = 1; j < m; j++) {
            Matrix bit = a.columns(bitsAndProducts[0], (j - 1) * c, j * c);
            double ds = slopes[on[j]] - slopes[on[j - 1]], di = intercepts[on[j]] - intercepts[on[j - 1]];
            value[2 * j - 1] = a.columns(bitsAndProducts[1], (j - 1) * c, j * c);
            valueCoef[2 * j - 1] = ds;
            value[2 * j] = bit;
            valueCoef[2 * j] = di;
            slope[j - 1] = bit;
            slopeCoef[j - 1] = ds;
        }
        Matrix[] out = withSlope && m > 1
                ? a.combineBatch(new Matrix[][] {value, slope}, new double[][] {valueCoef, slopeCoef})
                : a.combineBatch(new Matrix[][] {value}, new double[][] {valueCoef});
        Matrix e = a.addPublic(out[0], intercepts[on[0]]);
        if (!withSlope) {
            return new Matrix[] {e, null};
        }
        Matrix d = m > 1 ? a.addPublic(out[1], slopes[on[0]]) : a.constant(x.rows(), c, slopes[on[0]]);
        return new Matrix[] {e, d};
    }

    /** Where lines i and j (different slopes) cross. */
    private double crossing(int i, int j) {
        return (intercepts[i] - intercepts[j]) / (slopes[j] - slopes[i]);
    }

    /**
     * The indices of the lines on the upper envelope, by increasing slope (the convex hull trick): a line is dropped
     * when it never is the maximum, i.e. when its neighbours cross above it. Of equal slopes the higher line stays.
     */
    static int[] upperEnvelope(double[] slopes, double[] intercepts) {
        Integer[] order = new Integer[slopes.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> slopes[p] != slopes[q] ? Double.compare(slopes[p], slopes[q])
                : Double.compare(intercepts[p], intercepts[q]));
        java.util.ArrayDeque<Integer> hull = new java.util.ArrayDeque<>();
        for (int i : order) {
            while (!hull.isEmpty() && slopes[hull.peekLast()] == slopes[i]) {
                hull.pollLast(); // same slope, lower or equal intercept (sorted): never strictly above
            }
            while (hull.size() >= 2) {
                int last = hull.pollLast(), before = hull.peekLast();
                // keep last only if it is above the crossing of before and i
                double xCross = (intercepts[before] - intercepts[i]) / (slopes[i] - slopes[before]);
                if (slopes[last] * xCross + intercepts[last] > slopes[i] * xCross + intercepts[i]) {
                    hull.addLast(last);
                    break;
                }
            }
            hull.addLast(i);
        }
        return hull.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The same maximum in double precision (tests, fits and plots). */
    public double value(double x) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < slopes.length; i++) {
            m = Math.max(m, slopes[i] * x + intercepts[i]);
        }
        return m;
    }

    /** The slope of the first line attaining the maximum. */
    public double slope(double x) {
        double m = Double.NEGATIVE_INFINITY, s = 0;
        for (int i = 0; i < slopes.length; i++) {
            double v = slopes[i] * x + intercepts[i];
            if (v > m) {
                m = v;
                s = slopes[i];
            }
        }
        return s;
    }
}
