package org.twintrain.jobs.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learning curves as hand-written SVG: dev accuracy (or perplexity) at the evaluation points against the step.
 * One plot per data set, model and precision with one line per approximation; when the grid has several
 * precisions, also one plot per data set, model and approximation with one line per precision. Runs that
 * stopped early end where they stopped. With several seeds, the first seed's runs (the table has the mean).
 */
public final class LearningCurves {

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
        return SvgChart.chart(title, "step", perplexity ? "dev perplexity" : "dev accuracy (%)", series, 0, maxX, minY,
                maxY, true);
    }
}
