package org.twintrain.jobs.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The study sweep on Spark: one task per configuration (each its own one-task job, as many in flight as the
 * cluster has cores, so local[2] runs two at a time and a cluster spreads them over its executors), each running
 * {@link StudyTask}; the driver stores each result as it comes ({@link CompletedResults}, so a rerun resumes), then
 * writes:
 * <pre>
 *   OUT/results.parquet   one row per configuration (status, reason, final accuracy / loss / perplexity, times)
 *   OUT/steps.parquet     one row per configuration and step (training loss; dev metrics at evaluation points)
 *   OUT/table.md          the paper-style table, ours beside the paper's numbers, and every configuration's row
 *   OUT/summary.tsv       one line per table row: mean and standard deviation over its seeds, failures counted
 *   OUT/curves/*.svg      learning curves, one line per approximation (or precision)
 * </pre>
 * A task never fails on a configuration's error (it reports it), so every configuration has its row.
 */
public final class StudyJob {
    private StudyJob() {
    }

    /** Runs every configuration of the grid and writes the outputs under out; returns the results in grid order. */
    public static List<StudyResult> run(SparkSession spark, StudyGrid grid, Path out) throws IOException {
        return run(spark, grid, c -> true, out);
    }

    /**
     * Runs the selected configurations of the grid that out does not hold a result of yet, storing each result as
     * its task returns ({@link CompletedResults}), then writes the outputs for every configuration of the grid that
     * has a result, in grid order, and returns those results.
     *
     * <p>Each configuration is its own Spark job (one task), submitted by as many driver threads as the cluster has
     * cores, in grid order: a result reaches the disk as soon as its task ends, instead of when the slowest one
     * does. A lost task (its executor died, so {@link StudyTask} could not report) is a failed row of this table,
     * but not stored: the next run with the same out trains it again.
     */
    public static List<StudyResult> run(SparkSession spark, StudyGrid grid, Predicate<StudyConfig> selected, Path out)
            throws IOException {
        CompletedResults completed = new CompletedResults(out);
        Map<String, StudyResult> done = new ConcurrentHashMap<>(completed.load(grid));
        List<StudyConfig> pending = grid.configs().stream().filter(selected).filter(c -> !done.containsKey(c.id())).toList();
        long selectedDone = grid.configs().stream().filter(selected).filter(c -> done.containsKey(c.id())).count();
        if (selectedDone > 0) {
            System.out.println("study " + grid.name() + ": " + selectedDone + " selected configurations already done in "
                    + out.resolve(CompletedResults.FOLDER) + ", " + pending.size() + " to run");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int inFlight = Math.max(1, Math.min(pending.size(), jsc.defaultParallelism()));
        ExecutorService drivers = Executors.newFixedThreadPool(inFlight);
        try {
            List<Future<?>> futures = new ArrayList<>();
            AtomicInteger finished = new AtomicInteger();
            for (StudyConfig c : pending) {
                futures.add(drivers.submit(() -> {
                    StudyResult r = runOne(jsc, grid, c, completed);
                    done.put(c.id(), r);
                    System.out.println("study " + grid.name() + ": " + finished.incrementAndGet() + " of " + pending.size()
                            + " done: " + c.id() + " " + r.status());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the study ran; finished configurations are stored in "
                    + out.resolve(CompletedResults.FOLDER), e);
        } catch (ExecutionException e) {
            throw new IOException("storing a study result in " + out.resolve(CompletedResults.FOLDER) + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } finally {
            drivers.shutdownNow();
        }
        List<StudyResult> results = grid.configs().stream().map(c -> done.get(c.id())).filter(r -> r != null).toList();
        write(spark, grid, results, out);
        return results;
    }

    /**
     * Adopts the results of an earlier study output folder (its results.parquet and steps.parquet, e.g. of a run
     * made before results were stored per configuration) into out's completed results, so the next {@link #run}
     * reports them without training them again. A row is taken only if its id is a configuration of the grid and
     * out holds no result of it yet; the configuration recorded is the grid's, which must therefore be the grid
     * the earlier run used (a finished row's step count is checked against it). Returns the number adopted.
     */
    public static int adopt(SparkSession spark, StudyGrid grid, Path earlier, Path out) throws IOException {
        CompletedResults completed = new CompletedResults(out);
        Map<String, StudyResult> done = completed.load(grid);
        Map<String, StudyConfig> byId = new java.util.HashMap<>();
        grid.configs().forEach(c -> byId.put(c.id(), c));
        Map<String, List<StudyResult.StepMetric>> curves = new java.util.HashMap<>();
        for (Row r : spark.read().parquet(earlier.resolve("steps.parquet").toString()).orderBy("id", "step").collectAsList()) {
            boolean evaluated = !r.isNullAt(r.fieldIndex("dev_loss"));
            curves.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new StudyResult.StepMetric(r.getLong(1),
                    r.getDouble(2), evaluated, evaluated ? r.getDouble(3) : Double.NaN,
                    evaluated ? r.getDouble(4) : Double.NaN));
        }
        int adopted = 0;
        for (Row r : spark.read().parquet(earlier.resolve("results.parquet").toString()).collectAsList()) {
            String id = r.getAs("id");
            StudyConfig c = byId.get(id);
            if (c == null || done.containsKey(id)) {
                continue;
            }
            long steps = r.<Long>getAs("steps");
            String status = r.getAs("status");
            if (status.equals(StudyResult.OK) && steps != c.train().steps()) {
                throw new IllegalArgumentException(earlier + ": configuration " + id + " ran " + steps
                        + " steps, the grid says " + c.train().steps() + "; it was made with another grid");
            }
            completed.store(new StudyResult(c, status, r.getAs("reason"), steps, r.<Double>getAs("dev_accuracy"),
                    r.<Double>getAs("dev_loss"), r.<Double>getAs("seconds"), r.<Double>getAs("seconds_per_step"),
                    r.<Double>getAs("cpu_seconds_per_step"), r.getAs("scale"), curves.getOrDefault(id, List.of())));
            adopted++;
        }
        return adopted;
    }

    private static StudyResult runOne(JavaSparkContext jsc, StudyGrid grid, StudyConfig c, CompletedResults completed)
            throws IOException {
        jsc.setJobGroup("study-" + grid.name(), "study " + grid.name() + ": " + c.id(), false);
        StudyResult r;
        try {
            r = jsc.parallelize(List.of(c), 1).map(StudyTask::run).collect().get(0);
        } catch (RuntimeException e) {
            // The task itself reports every error of the configuration; this is Spark losing the task.
            return new StudyResult(c, StudyResult.FAILED, "task lost, not stored (rerun to retry): "
                    + StudyTask.describe(e), 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, "", List.of());
        }
        completed.store(r);
        return r;
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
        StringBuilder summary = new StringBuilder("# ").append(grid.name()).append(' ').append(grid.metric())
                .append(": mean and sample standard deviation over the seeds that finished\n")
                .append(SeedSummary.TSV_HEADER).append('\n');
        for (SeedSummary s : SeedSummary.of(results, grid.metric().equals("perplexity"))) {
            summary.append(s.tsv()).append('\n');
        }
        Files.writeString(out.resolve(SUMMARY), summary.toString(), StandardCharsets.UTF_8);
    }

    /** One line per table row: its mean and standard deviation over seeds ({@link SeedSummary}); Pareto reads it. */
    public static final String SUMMARY = "summary.tsv";

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
