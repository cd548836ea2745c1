package org.twintrain.jobs.study;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.twintrain.jobs.CommandLine;
import org.twintrain.jobs.Command;
import org.twintrain.jobs.SparkSessions;

/** {@code submit/twintrain study --grid conf/study/FILE --out DIR}: the approximation study sweep. */
public final class StudyCommand implements Command {

    @Override
    public String name() {
        return "study";
    }

    @Override
    public String summary() {
        return "approximation study: train a grid of configurations, one Spark task each (paper Tables 2, 3)";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain study --grid FILE --out DIR [--data-root DIR] [--only REGEX] [--adopt DIRS]
                                      [--dry-run]

                Expands the grid file (model x data set x approximation x precision x seed; format in
                conf/study/README.md) and trains each configuration in cleartext (double or fixed-point emulation)
                with the training engine, one Spark task per configuration. Writes DIR/results.parquet (one row per
                configuration), DIR/steps.parquet (per-step metrics), DIR/table.md (the paper-style table, ours
                beside the paper's numbers) and DIR/curves/*.svg. Failed or diverged configurations are reported
                with their reason; they never stop the others. Each configuration's result is stored in
                DIR/completed/ as soon as it finishes: rerunning with the same --out trains only the configurations
                not done yet (after a crash, or to add an --only subset) and the table covers all done ones.

                  --grid FILE      the grid, e.g. conf/study/table2-scaled.properties
                  --out DIR        output folder (created; the tables are rewritten, finished configurations kept)
                  --data-root DIR  resolve the grid's relative data paths here instead of its data.root
                  --only REGEX     run only the configurations whose id contains a match (the table shows
                                   every configuration of the grid done in DIR)
                  --adopt DIRS     first take the results of earlier output folders (comma-separated; their
                                   results.parquet and steps.parquet) of configurations DIR has none of;
                                   they must come from this grid file
                  --dry-run        list the configurations and exit without Spark
                  --conf FILE, --set key=value   TwinTrain settings (spark.master for local runs)
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        CommandLine cl = CommandLine.parse("study", args, Set.of("grid", "out", "data-root", "only", "adopt"),
                Set.of("dry-run"));
        StudyGrid grid = StudyGrid.read(Path.of(cl.require("grid")), cl.get("data-root", null));
        Predicate<StudyConfig> selected = c -> true;
        if (cl.has("only")) {
            Pattern p = Pattern.compile(cl.require("only"));
            selected = c -> p.matcher(c.id()).find();
        }
        List<StudyConfig> kept = grid.configs().stream().filter(selected).toList();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("--only " + cl.require("only") + " matches none of the "
                    + grid.configs().size() + " configurations");
        }
        System.out.println("study " + grid.name() + ": " + kept.size() + " of " + grid.configs().size() + " configurations");
        for (StudyConfig c : kept) {
            System.out.println("  " + c.id() + "  steps=" + c.train().steps() + " batch=" + c.train().batch());
        }
        if (cl.has("dry-run")) {
            return 0;
        }
        Path out = Path.of(cl.require("out"));
        SparkSession spark = SparkSessions.start("twintrain-study " + grid.name(), cl.conf());
        try {
            if (cl.has("adopt")) {
                for (String earlier : cl.require("adopt").split(",")) {
                    int n = StudyJob.adopt(spark, grid, Path.of(earlier.trim()), out);
                    System.out.println("study " + grid.name() + ": adopted " + n + " results of " + earlier.trim());
                }
            }
            List<StudyResult> results;
            try (var progress = org.twintrain.jobs.progress.SparkJobProgress.start(spark.sparkContext(), "study")) {
                results = StudyJob.run(spark, grid, selected, out);
            }
            long ok = results.stream().filter(StudyResult::ok).count();
            System.out.println("study " + grid.name() + ": " + ok + " of " + results.size() + " configurations ok ("
                    + (grid.configs().size() - results.size()) + " of the grid not run yet); "
                    + "table in " + out.resolve("table.md"));
            for (StudyResult r : results) {
                if (!r.ok()) {
                    System.out.println("  " + r.status() + " " + r.config().id() + ": " + r.reason());
                }
            }
            return 0;
        } finally {
            spark.stop();
        }
    }
}
