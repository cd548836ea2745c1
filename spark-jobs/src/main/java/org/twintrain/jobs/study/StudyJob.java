package org.twintrain.jobs.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The study sweep on Spark: one task per configuration (an RDD with one partition per configuration, so local[2]
 * runs two at a time and a cluster spreads them over its executors), each running {@link StudyTask}; then the
 * driver writes the results:
 * <pre>
 *   OUT/results.parquet   one row per configuration (status, reason, final accuracy / loss / perplexity, times)
 *   OUT/steps.parquet     one row per configuration and step (training loss; dev metrics at evaluation points)
 *   OUT/table.md          the paper-style table, ours beside the paper's numbers, and every configuration's row
 *   OUT/curves/*.svg      learning curves, one line per approximation (or precision)
 * </pre>
 * A task never fails on a configuration's error (it reports it), so every configuration has its row.
 */
public final class StudyJob {
    private StudyJob() {
    }

    /** Runs every configuration of the grid and writes the outputs under out; returns the results in grid order. */
    public static List<StudyResult> run(SparkSession spark, StudyGrid grid, Path out) throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<StudyConfig> configs = grid.configs();
        jsc.setJobGroup("study-" + grid.name(), "study " + grid.name() + ": " + configs.size() + " configurations", false);
        JavaRDD<StudyConfig> rdd = jsc.parallelize(configs, configs.size());
        List<StudyResult> results = new ArrayList<>(rdd.map(StudyTask::run).collect());
        write(spark, grid, results, out);
        return results;
    }

    static void write(SparkSession spark, StudyGrid grid, List<StudyResult> results, Path out) throws IOException {
        Files.createDirectories(out);
        spark.createDataFrame(resultRows(results), RESULTS).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(out.resolve("results.parquet").toString());
        spark.createDataFrame(stepRows(results), STEPS).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(out.resolve("steps.parquet").toString());
        Map<String, String> svgs = LearningCurves.render(grid, results);
        Path curves = out.resolve("curves");
        Files.createDirectories(curves);
        for (Map.Entry<String, String> e : svgs.entrySet()) {
            Files.writeString(curves.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        Files.writeString(out.resolve("table.md"), StudyReport.markdown(grid, results, svgs.keySet()), StandardCharsets.UTF_8);
    }

    static final StructType RESULTS = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("grid", DataTypes.StringType, false)
            .add("block", DataTypes.StringType, false)
            .add("dataset", DataTypes.StringType, false)
            .add("model", DataTypes.StringType, false)
            .add("approx", DataTypes.StringType, false)
            .add("tanh", DataTypes.StringType, false)
            .add("precision", DataTypes.StringType, false)
            .add("seed", DataTypes.LongType, false)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("steps", DataTypes.LongType, false)
            .add("dev_accuracy", DataTypes.DoubleType, false)
            .add("dev_loss", DataTypes.DoubleType, false)
            .add("dev_perplexity", DataTypes.DoubleType, false)
            .add("paper", DataTypes.StringType, false)
            .add("seconds", DataTypes.DoubleType, false)
            .add("seconds_per_step", DataTypes.DoubleType, false)
            .add("cpu_seconds_per_step", DataTypes.DoubleType, false)
            .add("scale", DataTypes.StringType, false);

    static final StructType STEPS = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("step", DataTypes.LongType, false)
            .add("train_loss", DataTypes.DoubleType, false)
            .add("dev_accuracy", DataTypes.DoubleType, true)
            .add("dev_loss", DataTypes.DoubleType, true)
            .add("dev_perplexity", DataTypes.DoubleType, true);

    private static List<Row> resultRows(List<StudyResult> results) {
        List<Row> rows = new ArrayList<>();
        for (StudyResult r : results) {
            StudyConfig c = r.config();
            rows.add(RowFactory.create(c.id(), c.table(), c.block(), c.dataset(), c.model().key(), c.approx(), c.tanh(),
                    c.precision(), c.seed(), r.status(), r.reason(), r.steps(), r.accuracy(), r.loss(), r.perplexity(),
                    c.paper(), r.seconds(), r.secondsPerStep(), r.cpuPerStep(), r.scale()));
        }
        return rows;
    }

    private static List<Row> stepRows(List<StudyResult> results) {
        List<Row> rows = new ArrayList<>();
        for (StudyResult r : results) {
            for (StudyResult.StepMetric m : r.curve()) {
                boolean eval = m.evaluated();
                rows.add(RowFactory.create(r.config().id(), m.step(), m.trainLoss(), eval ? m.devAccuracy() : null,
                        eval ? m.devLoss() : null, eval ? Math.exp(m.devLoss()) : null));
            }
        }
        return rows;
    }
}
