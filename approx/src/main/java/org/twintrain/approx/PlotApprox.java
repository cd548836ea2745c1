package org.twintrain.approx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;

/**
 * Writes one SVG per approximation into a directory: the approximation against the exact function (top) and
 * its error over the input range (bottom), computed by the approximation classes themselves on the double
 * backend. Hand-written SVG: no plotting library. Run from the repository root:
 *
 * <pre>
 * mvn -o -q -B -pl approx -am compile
 * CP=approx/target/classes:sharing/target/classes:$HOME/.m2/repository/dev/ludovic/netlib/blas/3.2.0/blas-3.2.0.jar:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar
 * java -cp $CP org.twintrain.approx.PlotApprox docs/figures
 * </pre>
 *
 * Files: {@code exp-NAME.svg} for every e^x approximation (NAME with ':' replaced by '-'), {@code
 * tanh-pwl-3.svg}, {@code sigmoid-NAME.svg} for a few e^x, and {@code exp-all.svg} (all e^x approximations).
 * e^x is shown on [-6, 4] with its relative error (clipped to [-1, 2]); tanh and sigmoid on [-6, 6] with the
 * absolute error.
 */
public final class PlotApprox {
    private static final int POINTS = 601;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939"};

    private PlotApprox() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PlotApprox OUTPUT_DIRECTORY");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Arithmetic a = new DoubleArithmetic();
        List<Series> all = new ArrayList<>();
        int color = 1;
        for (String name : ApproxRegistry.expNames()) {
            if (name.equals("exact")) {
                continue;
            }
            ExpApproximation e = ApproxRegistry.exp(name);
            DoubleUnaryOperator f = x -> evaluate(a, x, (ar, m) -> e.apply(ar, m));
            write(dir.resolve("exp-" + name.replace(':', '-') + ".svg"), "e^x ≈ " + name, -6, 4, f, Math::exp,
                    true, name);
            all.add(new Series(name, f, COLORS[color++ % COLORS.length]));
        }
        writeAll(dir.resolve("exp-all.svg"), all);
        TanhApproximation t = ApproxRegistry.tanh("pwl:3");
        write(dir.resolve("tanh-pwl-3.svg"), "tanh ≈ pwl:3", -6, 6, x -> evaluate(a, x, t::apply), Math::tanh, false,
                "pwl:3");
        for (String name : new String[] {"relu", "taylor:2", "taylor:3", "pwl:4", "pwl:7"}) {
            Sigmoid s = ApproxConfig.parse(java.util.Map.of("exp", name)).sigmoid();
            write(dir.resolve("sigmoid-" + name.replace(':', '-') + ".svg"), "sigmoid from " + name, -6, 6,
                    x -> evaluate(a, x, s::apply), x -> 1 / (1 + Math.exp(-x)), false, name);
        }
        System.out.println("wrote SVGs to " + dir);
    }

    private static double evaluate(Arithmetic a, double x,
            java.util.function.BiFunction<Arithmetic, org.twintrain.sharing.arith.Matrix,
                    org.twintrain.sharing.arith.Matrix> f) {
        return a.reveal(f.apply(a, a.fromPublic(1, 1, new double[] {x})))[0];
    }

    private record Series(String name, DoubleUnaryOperator f, String color) {
    }

    private static void write(Path file, String title, double lo, double hi, DoubleUnaryOperator approx,
            DoubleUnaryOperator exact, boolean relative, String name) throws IOException {
        double[] xs = grid(lo, hi);
        double[] ya = new double[POINTS], ye = new double[POINTS], err = new double[POINTS];
        double yMax = Double.NEGATIVE_INFINITY, yMin = Double.POSITIVE_INFINITY, eMax = 0;
        for (int i = 0; i < POINTS; i++) {
            ya[i] = approx.applyAsDouble(xs[i]);
            ye[i] = exact.applyAsDouble(xs[i]);
            err[i] = relative ? (ya[i] - ye[i]) / ye[i] : ya[i] - ye[i];
            yMax = Math.max(yMax, Math.max(ya[i], ye[i]));
            yMin = Math.min(yMin, Math.min(ya[i], ye[i]));
            eMax = Math.max(eMax, Math.abs(err[i]));
        }
        double eLo = relative ? Math.max(-1, -eMax) : -eMax, eHi = relative ? Math.min(2, eMax) : eMax;
        if (eHi - eLo < 1e-9) {
            eLo -= 1e-3;
            eHi += 1e-3;
        }
        StringBuilder svg = header(640, 560, title);
        Panel top = new Panel(60, 40, 560, 270, lo, hi, Math.min(yMin, 0), yMax * 1.05);
        top.frame(svg, "value");
        top.line(svg, xs, ye, "#000000", "4 3");
        top.line(svg, xs, ya, COLORS[0], null);
        legend(svg, 80, 60, new String[] {name, "exact"}, new String[] {COLORS[0], "#000000"});
        Panel bottom = new Panel(60, 350, 560, 170, lo, hi, eLo, eHi);
        bottom.frame(svg, relative ? "relative error" : "absolute error");
        bottom.line(svg, xs, clip(err, eLo, eHi), COLORS[1], null);
        svg.append(String.format(Locale.ROOT,
                "<text x=\"340\" y=\"548\" text-anchor=\"middle\" font-size=\"12\">x   (max |%s| on [%s, %s]: %.4g%s)</text>%n",
                relative ? "relative error" : "error", fmt(lo), fmt(hi), eMax,
                relative && eMax > 2 ? ", clipped in the plot" : ""));
        svg.append("</svg>\n");
        Files.writeString(file, svg.toString(), StandardCharsets.UTF_8);
    }

    private static void writeAll(Path file, List<Series> all) throws IOException {
        double lo = -4, hi = 3;
        double[] xs = grid(lo, hi);
        StringBuilder svg = header(640, 420, "e^x and its approximations on [-4, 3]");
        Panel p = new Panel(60, 40, 440, 340, lo, hi, -1, 21);
        p.frame(svg, "value");
        double[] exact = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            exact[i] = Math.exp(xs[i]);
        }
        List<String> names = new ArrayList<>(), colors = new ArrayList<>();
        for (Series s : all) {
            double[] y = new double[POINTS];
            for (int i = 0; i < POINTS; i++) {
                y[i] = s.f().applyAsDouble(xs[i]);
            }
            p.line(svg, xs, clip(y, -1, 21), s.color(), null);
            names.add(s.name());
            colors.add(s.color());
        }
        p.line(svg, xs, clip(exact, -1, 21), "#000000", "4 3");
        names.add("exact");
        colors.add("#000000");
        legend(svg, 515, 50, names.toArray(new String[0]), colors.toArray(new String[0]));
        svg.append("</svg>\n");
        Files.writeString(file, svg.toString(), StandardCharsets.UTF_8);
    }

    private static double[] grid(double lo, double hi) {
        double[] xs = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            xs[i] = lo + (hi - lo) * i / (POINTS - 1);
        }
        return xs;
    }

    private static double[] clip(double[] v, double lo, double hi) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(lo, Math.min(hi, v[i]));
        }
        return out;
    }

    private static StringBuilder header(int w, int h, String title) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", w, h, w, h));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n",
                w / 2, escape(title)));
        return sb;
    }

    private static void legend(StringBuilder svg, int x, int y, String[] names, String[] colors) {
        for (int i = 0; i < names.length; i++) {
            int yy = y + 16 * i;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", x, yy, x + 20, yy,
                    colors[i], x + 25, yy + 4, escape(names[i])));
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** A rectangle with data coordinates. */
    private record Panel(double x, double y, double w, double h, double xLo, double xHi, double yLo, double yHi) {

        double px(double v) {
            return x + (v - xLo) / (xHi - xLo) * w;
        }

        double py(double v) {
            return y + h - (v - yLo) / (yHi - yLo) * h;
        }

        void frame(StringBuilder svg, String yLabel) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"none\" stroke=\"#444\"/>%n", x, y, w, h));
            for (int i = 0; i <= 5; i++) {
                double yv = yLo + (yHi - yLo) * i / 5;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>%n",
                        x, py(yv), x + w, py(yv), x - 4, py(yv) + 3, tick(yv)));
            }
            for (double xv = Math.ceil(xLo); xv <= xHi; xv += 1) {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
                        px(xv), y, px(xv), y + h, px(xv), y + h + 12, tick(xv)));
            }
            if (yLo < 0 && yHi > 0) {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"#999\"/>%n", x, py(0), x + w, py(0)));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" transform=\"rotate(-90 "
                    + "%.1f %.1f)\" text-anchor=\"middle\">%s</text>%n", x - 42, y + h / 2, x - 42, y + h / 2, yLabel));
        }

        void line(StringBuilder svg, double[] xs, double[] ys, String color, String dash) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < xs.length; i++) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(xs[i]), py(ys[i])));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s "
                    + "points=\"%s\"/>%n", color, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"",
                    pts.toString().trim()));
        }

        private static String tick(double v) {
            double a = Math.abs(v);
            return a != 0 && (a < 0.01 || a >= 1e4) ? String.format(Locale.ROOT, "%.1e", v)
                    : String.format(Locale.ROOT, "%.3g", v);
        }
    }
}
