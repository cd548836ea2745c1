package org.twintrain.jobs.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.format.CifarReader;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.ImageSet;
import org.twintrain.dataprep.generate.FormatWriters;
import org.twintrain.dataprep.generate.Generators;
import org.twintrain.jobs.LocalSpark;

/**
 * A tiny grid on generated CIFAR-10 files: working configurations in double and fixed point next to an unknown
 * approximation, a missing data file and a diverging learning rate. Every configuration must have its row, the
 * bad ones with their reasons, and the good ones must have trained.
 */
class StudyJobTest {
    static final List<String> WORKING = List.of("tiny/gen/lr/exact/exact/double/s1", "tiny/gen/lr/exact/exact/fixed:16/s1",
            "tiny/gen/lr/pwl:4/exact/double/s1", "tiny/gen/lr/pwl:4/exact/fixed:16/s1", "tiny/gen/cnn/exact/exact/double/s1");

    @TempDir
    static Path dir;
    static StudyGrid grid;
    static List<StudyResult> results;
    static Path out;

    static Map<String, String> gridSettings(Path data) {
        Map<String, String> m = new HashMap<>();
        m.put("study.name", "tiny");
        m.put("study.title", "Tiny study");
        m.put("study.note", "generated data");
        m.put("data.root", data.toString());
        m.put("data.gen.format", "cifar10");
        m.put("data.gen.train", "data_batch_1.bin");
        m.put("data.gen.dev", "test_batch.bin");
        m.put("data.gen.devLimit", "40");
        m.put("data.missing.format", "cifar10");
        m.put("data.missing.train", "no_such_batch.bin");
        m.put("data.missing.dev", "test_batch.bin");
        m.put("model.lr.engine", "logreg");
        m.put("model.cnn.engine", "cnn");
        m.put("model.cnn.depth", "1");
        m.put("model.cnn.width", "0.25");
        m.put("train.steps", "24");
        m.put("train.batch", "16");
        m.put("train.lr", "0.02");
        m.put("train.evalEvery", "10");
        m.put("grid.a.datasets", "gen");
        m.put("grid.a.models", "lr");
        m.put("grid.a.approx", "exact, pwl:4, bogus:9");
        m.put("grid.a.precision", "double, fixed:16");
        m.put("grid.a2.datasets", "gen");
        m.put("grid.a2.models", "cnn");
        m.put("grid.a2.approx", "exact");
        m.put("grid.b.datasets", "missing");
        m.put("grid.b.models", "lr");
        m.put("grid.b.approx", "exact");
        m.put("data.noise.format", "cifar10");
        m.put("data.noise.train", "noise.bin");
        m.put("data.noise.dev", "noise.bin");
        m.put("grid.c.datasets", "noise");
        m.put("grid.c.models", "lr");
        m.put("grid.c.approx", "exact");
        m.put("grid.c.seeds", "7");
        m.put("grid.c.train.lr", "1e6");
        m.put("grid.c.train.divergePatience", "3");
        m.put("paper.gen.lr.exact", "91.5");
        return m;
    }

    @BeforeAll
    static void runGrid() throws Exception {
        Path data = dir.resolve("cifar10");
        Generators.cifar10(data, 1, 160, 40, 11, false);
        // Random pixels and labels: nothing to learn, so a huge learning rate makes the loss explode.
        SplittableRandom rnd = new SplittableRandom(5);
        byte[] pixels = new byte[160 * CifarVariant.PIXELS];
        int[] labels = new int[160];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) rnd.nextInt(256);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rnd.nextInt(10);
        }
        ImageSet noise = new ImageSet(160, 3, 32, 32, pixels, labels, CifarReader.numberedNames(10));
        Files.write(data.resolve("noise.bin"), FormatWriters.cifarBytes(noise, CifarVariant.CIFAR10, null));
        grid = StudyGrid.parse(gridSettings(data), "test grid", null);
        out = dir.resolve("out");
        SparkSession spark = LocalSpark.get();
        results = StudyJob.run(spark, grid, out);
    }

    private static StudyResult result(String idPart) {
        List<StudyResult> rs = results.stream().filter(r -> r.config().id().contains(idPart)).toList();
        assertEquals(1, rs.size(), "results matching " + idPart);
        return rs.get(0);
    }

    @Test
    void everyConfigurationHasExactlyOneResultAndOneParquetRow() {
        // a: 3 approximations x 2 precisions; a2, b, c: 1 each.
        assertEquals(9, grid.configs().size());
        assertEquals(grid.configs().stream().map(StudyConfig::id).toList(),
                results.stream().map(r -> r.config().id()).toList());
        List<Row> rows = LocalSpark.get().read().parquet(out.resolve("results.parquet").toString()).collectAsList();
        Set<String> ids = rows.stream().map(r -> r.<String>getAs("id")).collect(Collectors.toSet());
        assertEquals(grid.configs().stream().map(StudyConfig::id).collect(Collectors.toSet()), ids);
        assertEquals(9, rows.size());
    }

    @Test
    void workingConfigurationsTrainInDoubleAndFixedPoint() {
        for (String id : WORKING) {
            {
                StudyResult r = result(id);
                assertEquals(StudyResult.OK, r.status(), r.config().id() + ": " + r.reason());
                assertEquals(24, r.steps());
                assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1);
                assertTrue(Double.isFinite(r.loss()));
                assertEquals(25, r.curve().size(), "step 0 and 24 steps");
                // evaluations before training, at steps 10, 20 and at the end (24)
                assertEquals(List.of(0L, 10L, 20L, 24L), r.curve().stream().filter(StudyResult.StepMetric::evaluated)
                        .map(StudyResult.StepMetric::step).toList());
            }
        }
        // the generated classes are separable: logistic regression learns them within 24 steps
        for (String id : List.of("tiny/gen/lr/exact/exact/double/s1", "tiny/gen/lr/pwl:4/exact/fixed:16/s1")) {
            StudyResult lr = result(id);
            assertTrue(lr.accuracy() > 0.3, id + " accuracy " + lr.accuracy());
            double first = lr.curve().get(1).trainLoss();
            double last = lr.curve().get(lr.curve().size() - 1).trainLoss();
            assertTrue(last < first, id + " training loss " + first + " -> " + last);
        }
    }

    @Test
    void badConfigurationsAreReportedWithTheirReasons() {
        StudyResult bogus = result("tiny/gen/lr/bogus:9/exact/fixed:16/s1");
        assertEquals(StudyResult.FAILED, bogus.status());
        assertTrue(bogus.reason().contains("exp: unknown approximation 'bogus:9'"), bogus.reason());
        assertTrue(Double.isNaN(bogus.accuracy()));

        StudyResult missing = result("tiny/missing/");
        assertEquals(StudyResult.FAILED, missing.status());
        assertTrue(missing.reason().contains("no_such_batch.bin"), missing.reason());

        StudyResult diverged = result("tiny/noise/lr/exact/exact/double/s7");
        assertEquals(StudyResult.DIVERGED, diverged.status(), diverged.reason());
        assertTrue(diverged.reason().contains("training loss"), diverged.reason());
        assertTrue(diverged.steps() < 24);
    }

    @Test
    void tableHasEveryConfigurationAndThePapersNumbers() throws Exception {
        String md = Files.readString(out.resolve("table.md"));
        for (StudyConfig c : grid.configs()) {
            assertTrue(md.contains("| " + c.id() + " |"), "row of " + c.id());
        }
        assertTrue(md.contains("**failed**: IllegalArgumentException: exp: unknown approximation 'bogus:9'"), md);
        assertTrue(md.contains("**diverged**: training loss"), md);
        assertTrue(md.contains(" / 91.5"), "the paper's number from the grid");
        assertTrue(md.contains(" / n/a"), "n/a where the grid gives no paper number");
        assertTrue(md.contains(" gen lr double | gen lr fixed:16 |"), "precision columns");
        assertTrue(md.contains("model=logreg"), "scale printed");
    }

    @Test
    void perStepMetricsAndCurvesAreWritten() throws Exception {
        List<Row> steps = LocalSpark.get().read().parquet(out.resolve("steps.parquet").toString()).collectAsList();
        long expected = results.stream().mapToLong(r -> r.curve().size()).sum();
        assertEquals(expected, steps.size());
        long evals = steps.stream().filter(r -> !r.isNullAt(r.fieldIndex("dev_accuracy"))).count();
        assertEquals(WORKING.size() * 4 + 1, evals, "4 evaluations of each working configuration, the step-0 one of the diverged");
        List<Path> svgs;
        try (Stream<Path> s = Files.list(out.resolve("curves"))) {
            svgs = s.toList();
        }
        assertFalse(svgs.isEmpty());
        for (Path p : svgs) {
            String svg = Files.readString(p);
            assertTrue(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"), p.toString());
        }
        assertTrue(svgs.stream().anyMatch(p -> Files.isRegularFile(p) && readUnchecked(p).contains("<polyline")));
    }

    private static String readUnchecked(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
