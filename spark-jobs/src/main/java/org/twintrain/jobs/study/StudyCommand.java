package org.twintrain.jobs.study;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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
                usage: submit/twintrain study --grid FILE --out DIR [--data-root DIR] [--only REGEX] [--dry-run]

                Expands the grid file (model x data set x approximation x precision x seed; format in
                conf/study/README.md) and trains each configuration in cleartext (double or fixed-point emulation)
                with the training engine, one Spark task per configuration. Writes DIR/results.parquet (one row per
                configuration), DIR/steps.parquet (per-step metrics), DIR/table.md (the paper-style table, ours
                beside the paper's numbers) and DIR/curves/*.svg. Failed or diverged configurations are reported
                with their reason; they never stop the others.

                  --grid FILE      the grid, e.g. conf/study/table2-scaled.properties
                  --out DIR        output folder (created; existing outputs are replaced)
                  --data-root DIR  resolve the grid's relative data paths here instead of its data.root
                  --only REGEX     run only the configurations whose id contains a match
                  --dry-run        list the configurations and exit without Spark
                  --conf FILE, --set key=value   TwinTrain settings (spark.master for local runs)
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        CommandLine cl = CommandLine.parse("study", args, Set.of("grid", "out", "data-root", "only"), Set.of("dry-run"));
        StudyGrid grid = StudyGrid.read(Path.of(cl.require("grid")), cl.get("data-root", null));
        if (cl.has("only")) {
            Pattern p = Pattern.compile(cl.require("only"));
            List<StudyConfig> kept = grid.configs().stream().filter(c -> p.matcher(c.id()).find()).toList();
            if (kept.isEmpty()) {
                throw new IllegalArgumentException("--only " + p + " matches none of the " + grid.configs().size()
                        + " configurations");
            }
            grid = new StudyGrid(grid.name(), grid.title(), grid.metric(), grid.note(), kept);
        }
        System.out.println("study " + grid.name() + ": " + grid.configs().size() + " configurations");
        for (StudyConfig c : grid.configs()) {
            System.out.println("  " + c.id() + "  steps=" + c.train().steps() + " batch=" + c.train().batch());
        }
        if (cl.has("dry-run")) {
            return 0;
        }
        Path out = Path.of(cl.require("out"));
        SparkSession spark = SparkSessions.start("twintrain-study " + grid.name(), cl.conf());
        try {
            List<StudyResult> results = StudyJob.run(spark, grid, out);
            long ok = results.stream().filter(StudyResult::ok).count();
            System.out.println("study " + grid.name() + ": " + ok + " of " + results.size() + " configurations ok; "
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
