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
 * convex and non-negative, like e^x; it is evaluated with a tree of comparisons ({@link MaxTree}: ceil(log2 k)
 * comparison rounds), and its derivative is the slope of the line that attains the maximum, selected in the
 * same tree.
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
 * </ul>
 */
public final class PiecewiseLinearExp implements ExpApproximation {
    /** The generated table of fitted lines (see {@link PwlFit}). */
    public static final String FITS_RESOURCE = "pwl-fits.tsv";

    private final String name;
    private final double[] slopes;
    private final double[] intercepts;

    /** max over i of (slopes[i] x + intercepts[i]); include a 0 line (slope 0, intercept 0) to bound it below. */
    public PiecewiseLinearExp(String name, double[] slopes, double[] intercepts) {
        if (slopes.length == 0 || slopes.length != intercepts.length) {
            throw new IllegalArgumentException(name + ": need as many slopes as intercepts, and at least one line");
        }
        this.name = name;
        this.slopes = slopes.clone();
        this.intercepts = intercepts.clone();
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
        String key = "pwl:" + pieces;
        List<double[]> lines = new ArrayList<>();
        lines.add(new double[] {0, 0});
        for (String[] f : readFits()) {
            if (f[0].equals(key) && f[1].equals("line")) {
                lines.add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
            }
        }
        if (lines.size() != pieces) {
            throw new IllegalArgumentException("no fit for " + key + " in " + FITS_RESOURCE + " (found "
                    + (lines.size() - 1) + " lines, expected " + (pieces - 1) + "); fitted: pwl:5, pwl:6, pwl:7");
        }
        double[] s = new double[pieces], b = new double[pieces];
        for (int i = 0; i < pieces; i++) {
            s[i] = lines.get(i)[0];
            b[i] = lines.get(i)[1];
        }
        return new PiecewiseLinearExp(key, s, b);
    }

    /** The rows of the fits table, split at tabs, without comments. */
    static List<String[]> readFits() {
        try (InputStream in = PiecewiseLinearExp.class.getResourceAsStream(FITS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + FITS_RESOURCE + " is missing from the approx jar");
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
            throw new UncheckedIOException("reading " + FITS_RESOURCE, e);
        }
    }

    @Override
    public String name() {
        return name;
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
        return MaxTree.max(a, lines(a, x));
    }

    @Override
    public Matrix derivative(Arithmetic a, Matrix x) {
        return applyWithDerivative(a, x)[1];
    }

    @Override
    public Matrix[] applyWithDerivative(Arithmetic a, Matrix x) {
        List<Matrix> tags = new ArrayList<>();
        for (double s : slopes) {
            tags.add(a.constant(x.rows(), x.cols(), s));
        }
        return MaxTree.maxWithTags(a, lines(a, x), tags);
    }

    private List<Matrix> lines(Arithmetic a, Matrix x) {
        // Every slope times x in one truncation.
        Matrix[] sx = Batch.scaleEach(a, x, slopes);
        List<Matrix> out = new ArrayList<>();
        for (int i = 0; i < slopes.length; i++) {
            out.add(intercepts[i] == 0 ? sx[i] : a.addPublic(sx[i], intercepts[i]));
        }
        return out;
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
