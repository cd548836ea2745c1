package org.twintrain.jobs.study;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Markdown report of a study: the scale of every model and data set, the table laid out like the paper's
 * (one row per approximation, one column per data set and model, and per precision when the grid has several;
 * each cell "ours / paper"), then one row per configuration with its status and times, and the full reasons of
 * failed and diverged runs. Nothing is dropped: a configuration that did not finish shows its status and reason
 * in its cell.
 */
public final class StudyReport {
    private StudyReport() {
    }

    public static String markdown(StudyGrid grid, List<StudyResult> results, Collection<String> curveFiles) {
        boolean perplexity = grid.metric().equals("perplexity");
        Layout layout = Layout.of(results);
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(grid.title()).append("\n\n");
        if (!grid.note().isEmpty()) {
            sb.append(grid.note()).append("\n\n");
        }
        sb.append("Grid `").append(grid.name()).append("`: ").append(results.size()).append(" configurations, ")
                .append(count(results, StudyResult.OK)).append(" ok, ").append(count(results, StudyResult.DIVERGED))
                .append(" diverged, ").append(count(results, StudyResult.FAILED)).append(" failed. Cells: ours / paper ")
                .append(perplexity ? "(dev perplexity, lower is better)" : "(dev accuracy in %)")
                .append("; the paper's numbers come from the grid file (its full setting), n/a where it gives none, ")
                .append("- where the paper has no such row. With several seeds a cell is the mean ± the sample standard ")
                .append("deviation over the seeds that finished; a seed that diverged or failed is counted in the cell ")
                .append("(\"2 of 3 seeds\", with the first reason) and left out of the mean.\n\n");
        Set<String> reported = results.stream().map(r -> r.config().id()).collect(Collectors.toSet());
        List<String> notRun = grid.configs().stream().map(StudyConfig::id).filter(id -> !reported.contains(id)).toList();
        if (!notRun.isEmpty()) {
            sb.append("Not run yet (absent from the table): ").append(notRun.size()).append(" of the grid's ")
                    .append(grid.configs().size()).append(" configurations: ").append(String.join(", ", notRun))
                    .append(".\n\n");
        }

        sb.append("## Scale\n\n| data set | model | scale | mean s/step | mean CPU s/step |\n| --- | --- | --- | --- | --- |\n");
        Map<String, List<StudyResult>> byModel = new LinkedHashMap<>();
        for (StudyResult r : results) {
            byModel.computeIfAbsent(r.config().dataset() + " | " + r.config().model().key(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<StudyResult>> e : byModel.entrySet()) {
            String scale = "";
            double sum = 0;
            double cpuSum = 0;
            int n = 0;
            for (StudyResult r : e.getValue()) {
                if (scale.isEmpty()) {
                    scale = r.scale();
                }
                if (Double.isFinite(r.secondsPerStep())) {
                    sum += r.secondsPerStep();
                    cpuSum += r.cpuPerStep();
                    n++;
                }
            }
            StudyConfig c = e.getValue().get(0).config();
            if (scale.isEmpty()) {
                scale = "model " + c.model().engine() + " depth=" + c.model().depth() + " width=" + c.model().width()
                        + " (not built)";
            }
            sb.append("| ").append(e.getKey()).append(" | ").append(cell(scale)).append(" | ")
                    .append(n == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", sum / n)).append(" | ")
                    .append(n == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", cpuSum / n)).append(" |\n");
        }
        double total = 0;
        double cpuTrain = 0;
        for (StudyResult r : results) {
            total += r.seconds();
            if (Double.isFinite(r.cpuPerStep())) {
                cpuTrain += r.cpuPerStep() * r.steps();
            }
        }
        sb.append(String.format(Locale.ROOT, "%nSum of task wall times: %.0f s (%.2f h; the job runs one task per executor "
                + "core). CPU time of the training steps: %.0f s. Wall times depend on the machine's load; CPU s/step "
                + "is the cost on an unloaded core.%n%n", total, total / 3600, cpuTrain));

        sb.append("## Table\n\n| approximation |");
        for (String col : layout.columns) {
            sb.append(' ').append(col).append(" |");
        }
        sb.append("\n| --- |");
        sb.append(" --- |".repeat(layout.columns.size()));
        sb.append('\n');
        for (String row : layout.rows) {
            sb.append("| ").append(row).append(" |");
            for (String col : layout.columns) {
                List<StudyResult> cellResults = layout.cells.getOrDefault(row + "\u0000" + col, List.of());
                sb.append(' ').append(cellResults.isEmpty() ? "" : cellText(cellResults, perplexity)).append(" |");
            }
            sb.append('\n');
        }

        sb.append("\n## Configurations\n\n| id | status | ").append(perplexity ? "dev perplexity" : "dev accuracy %")
                .append(" | paper | steps | s/step | CPU s/step | task s | reason |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (StudyResult r : results) {
            sb.append("| ").append(r.config().id()).append(" | ").append(r.status()).append(" | ")
                    .append(r.ok() ? metric(r, perplexity) : "-").append(" | ").append(cell(r.config().paper())).append(" | ")
                    .append(r.steps()).append(" | ").append(fmt(r.secondsPerStep(), "%.3f")).append(" | ")
                    .append(fmt(r.cpuPerStep(), "%.3f")).append(" | ")
                    .append(fmt(r.seconds(), "%.0f")).append(" | ").append(cell(r.reason())).append(" |\n");
        }
        if (!curveFiles.isEmpty()) {
            sb.append("\n## Learning curves\n\n");
            for (String f : curveFiles) {
                sb.append("- [").append(f).append("](curves/").append(f).append(")\n");
            }
        }
        return sb.toString();
    }

    /** A cell's configurations differ only in the seed: their mean and deviation ({@link SeedSummary}). */
    private static String cellText(List<StudyResult> rs, boolean perplexity) {
        List<String> parts = new ArrayList<>();
        for (SeedSummary s : SeedSummary.of(rs, perplexity)) {
            parts.add(cell(shorten(s.text())) + " / " + cell(s.first().paper()));
        }
        return String.join("<br>", parts);
    }

    private static String metric(StudyResult r, boolean perplexity) {
        return perplexity ? fmt(r.perplexity(), "%.2f") : fmt(100 * r.accuracy(), "%.2f");
    }

    private static String fmt(double v, String f) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, f, v) : "n/a";
    }

    private static String shorten(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }

    /** Text safe inside a Markdown table cell. */
    static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static long count(List<StudyResult> rs, String status) {
        return rs.stream().filter(r -> r.status().equals(status)).count();
    }

    /** Row label of a configuration: approximation, tanh when the grid varies it, seed when asked (curves). */
    static String rowLabel(StudyConfig c, boolean showTanh, boolean showSeed) {
        return c.row() + (showTanh ? ", tanh " + c.tanh() : "") + (showSeed ? ", seed " + c.seed() : "");
    }

    /** Column label: data set and model, and the precision when the grid has several. */
    static String columnLabel(StudyConfig c, boolean showPrecision) {
        return c.dataset() + " " + c.model().key() + (showPrecision ? " " + c.precision() : "");
    }

    /** Rows, columns and the results in each cell, in grid order. */
    static final class Layout {
        final Set<String> rows = new LinkedHashSet<>();
        final Set<String> columns = new LinkedHashSet<>();
        final Map<String, List<StudyResult>> cells = new LinkedHashMap<>();
        boolean showTanh;
        /** Several seeds: table cells aggregate them; learning curves show the first seed's run. */
        boolean showSeed;
        boolean showPrecision;

        static Layout of(List<StudyResult> results) {
            Layout l = new Layout();
            l.showTanh = results.stream().map(r -> r.config().tanh()).distinct().count() > 1
                    || results.stream().anyMatch(r -> !r.config().tanh().equals("exact"));
            l.showSeed = results.stream().map(r -> r.config().seed()).distinct().count() > 1;
            l.showPrecision = results.stream().map(r -> r.config().precision()).distinct().count() > 1;
            for (StudyResult r : results) {
                String row = rowLabel(r.config(), l.showTanh, false);
                String col = columnLabel(r.config(), l.showPrecision);
                l.rows.add(row);
                l.columns.add(col);
                l.cells.computeIfAbsent(row + "\u0000" + col, k -> new ArrayList<>()).add(r);
            }
            return l;
        }
    }
}
