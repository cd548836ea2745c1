package org.twintrain.jobs.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Learning curves as hand-written SVG: dev accuracy (or perplexity) at the evaluation points against the step.
 * One plot per data set, model and precision with one line per approximation; when the grid has several
 * precisions, also one plot per data set, model and approximation with one line per precision. Runs that
 * stopped early end where they stopped. With several seeds, the first seed's runs (the table has the mean).
 */
public final class LearningCurves {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 720;
    private static final int H = 420;
    private static final int LEFT = 60;
    private static final int RIGHT = 200;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private LearningCurves() {
    }

    /** File name to SVG text. */
    public static Map<String, String> render(StudyGrid grid, List<StudyResult> results) {
        boolean perplexity = grid.metric().equals("perplexity");
        StudyReport.Layout layout = StudyReport.Layout.of(results);
        Map<String, Map<String, StudyResult>> plots = new LinkedHashMap<>();
        // With several seeds one line per row would triple the lines: the curves show the first seed's runs.
        long firstSeed = results.stream().mapToLong(r -> r.config().seed()).min().orElse(0);
        for (StudyResult r : results) {
            StudyConfig c = r.config();
            if (c.seed() != firstSeed) {
                continue;
            }
            String base = c.dataset() + " " + c.model().key() + (layout.showSeed ? " seed " + firstSeed : "");
            String row = StudyReport.rowLabel(c, layout.showTanh, false);
            plots.computeIfAbsent(base + " " + c.precision(), k -> new LinkedHashMap<>()).put(row, r);
            if (layout.showPrecision) {
                plots.computeIfAbsent(base + " " + row, k -> new LinkedHashMap<>()).put(c.precision(), r);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, StudyResult>> e : plots.entrySet()) {
            boolean anyPoint = e.getValue().values().stream()
                    .anyMatch(r -> r.curve().stream().anyMatch(StudyResult.StepMetric::evaluated));
            if (!anyPoint || (e.getValue().size() < 2 && plots.size() > 1)) {
                continue;
            }
            String file = (grid.name() + " " + e.getKey()).replaceAll("[^A-Za-z0-9._-]+", "_") + ".svg";
            out.put(file, svg(grid.title() + ": " + e.getKey(), e.getValue(), perplexity));
        }
        return out;
    }

    static String svg(String title, Map<String, StudyResult> lines, boolean perplexity) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        double maxX = 1;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, StudyResult> e : lines.entrySet()) {
            List<double[]> pts = new ArrayList<>();
            for (StudyResult.StepMetric m : e.getValue().curve()) {
                if (!m.evaluated()) {
                    continue;
                }
                double y = perplexity ? Math.exp(m.devLoss()) : 100 * m.devAccuracy();
                if (!Double.isFinite(y)) {
                    continue;
                }
                pts.add(new double[] {m.step(), y});
                maxX = Math.max(maxX, m.step());
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
            series.put(e.getKey() + (e.getValue().ok() ? "" : " (" + e.getValue().status() + ")"), pts);
        }
        if (!perplexity) {
            minY = 0;
            maxY = Math.max(maxY, 10);
        }
        if (!Double.isFinite(minY)) {
            minY = 0;
            maxY = 1;
        }
        if (maxY <= minY) {
            maxY = minY + 1;
        }
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", LEFT, xml(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"black\"/>%n", LEFT, TOP, pw, ph));
        for (int i = 0; i <= 5; i++) {
            double fx = LEFT + pw * i / 5.0;
            double fy = TOP + ph - ph * i / 5.0;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    fx, TOP, fx, TOP + ph));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, fy, LEFT + pw, fy));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n",
                    fx, TOP + ph + 16, maxX * i / 5.0));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n",
                    LEFT - 6, fy + 4, minY + (maxY - minY) * i / 5.0));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step</text>%n",
                LEFT + pw / 2, H - 12));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + ph / 2, TOP + ph / 2,
                perplexity ? "dev perplexity" : "dev accuracy (%)"));
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String color = COLORS[i % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : e.getValue()) {
                double x = LEFT + pw * p[0] / maxX;
                double y = TOP + ph - ph * (Math.min(p[1], maxY) - minY) / (maxY - minY);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            for (double[] p : e.getValue()) {
                double x = LEFT + pw * p[0] / maxX;
                double y = TOP + ph - ph * (Math.min(p[1], maxY) - minY) / (maxY - minY);
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", x, y, color));
            }
            if (e.getValue().size() > 1) {
                sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                        + "points=\"%s\"/>%n", color, pts.toString().trim()));
            }
            int ly = TOP + 14 + 18 * i;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>%n", LEFT + pw + 10, ly - 4, LEFT + pw + 30, ly - 4, color));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + pw + 36, ly, xml(e.getKey())));
            i++;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
