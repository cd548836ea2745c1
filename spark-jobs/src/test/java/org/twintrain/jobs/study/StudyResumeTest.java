package org.twintrain.jobs.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.generate.Generators;
import org.twintrain.jobs.LocalSpark;

/**
 * A study that stops part-way resumes: results are stored per configuration as they finish, a rerun into the same
 * folder trains only the missing configurations and reports all, and stale, corrupt or foreign result files are
 * refused with the file named.
 */
class StudyResumeTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void generate() throws Exception {
        data = dir.resolve("cifar10");
        Generators.cifar10(data, 1, 64, 24, 3, false);
    }

    static StudyGrid grid(long steps) {
        Map<String, String> m = new HashMap<>();
        m.put("study.name", "resume");
        m.put("data.root", data.toString());
        m.put("data.gen.format", "cifar10");
        m.put("data.gen.train", "data_batch_1.bin");
        m.put("data.gen.dev", "test_batch.bin");
        m.put("model.lr.engine", "logreg");
        m.put("train.steps", Long.toString(steps));
        m.put("train.batch", "8");
        m.put("train.lr", "0.02");
        m.put("train.evalEvery", "3");
        m.put("grid.a.datasets", "gen");
        m.put("grid.a.models", "lr");
        m.put("grid.a.approx", "exact, pwl:4, taylor:2");
        return StudyGrid.parse(m, "test grid", null);
    }

    @Test
    void aSecondRunTrainsOnlyWhatIsMissingAndReportsAll() throws Exception {
        Path out = dir.resolve("resume-out");
        StudyGrid grid = grid(6);
        SparkSession spark = LocalSpark.get();
        List<StudyResult> first = StudyJob.run(spark, grid, c -> c.approx().equals("pwl:4"), out);
        assertEquals(1, first.size());
        String table = Files.readString(out.resolve("table.md"));
        assertTrue(table.contains("Not run yet (absent from the table): 2 of the grid's 3"), table);
        Path stored = new CompletedResults(out).fileOf(first.get(0).config().id());
        byte[] storedBytes = Files.readAllBytes(stored);

        List<StudyResult> all = StudyJob.run(spark, grid, out);
        assertEquals(grid.configs().stream().map(StudyConfig::id).toList(), all.stream().map(r -> r.config().id()).toList());
        // The pwl:4 configuration was not trained again: same record (its wall times included), same file.
        StudyResult pwl = all.stream().filter(r -> r.config().approx().equals("pwl:4")).findFirst().orElseThrow();
        assertEquals(first.get(0), pwl);
        assertArrayEquals(storedBytes, Files.readAllBytes(stored));
        assertTrue(all.stream().allMatch(StudyResult::ok), all.toString());
        assertTrue(!Files.readString(out.resolve("table.md")).contains("Not run yet"));
        long rows = spark.read().parquet(out.resolve("results.parquet").toString()).count();
        assertEquals(3, rows);

        // A third run has nothing to do and returns the same results.
        assertEquals(all, StudyJob.run(spark, grid, out));
    }

    @Test
    void resultsOfAnEarlierFolderAreAdoptedNotRetrained() throws Exception {
        SparkSession spark = LocalSpark.get();
        StudyGrid grid = grid(5);
        Path earlier = dir.resolve("adopt-earlier");
        StudyResult first = StudyJob.run(spark, grid, c -> c.approx().equals("exact"), earlier).get(0);
        Path out = dir.resolve("adopt-out");
        assertEquals(1, StudyJob.adopt(spark, grid, earlier, out));
        assertEquals(0, StudyJob.adopt(spark, grid, earlier, out), "a result out holds is not adopted again");
        List<StudyResult> reported = StudyJob.run(spark, grid, c -> false, out);
        assertEquals(1, reported.size());
        StudyResult adopted = reported.get(0);
        assertEquals(first.config(), adopted.config());
        assertEquals(first.status(), adopted.status());
        assertEquals(first.steps(), adopted.steps());
        assertEquals(first.accuracy(), adopted.accuracy());
        assertEquals(first.loss(), adopted.loss());
        assertEquals(first.cpuPerStep(), adopted.cpuPerStep());
        assertEquals(first.curve().size(), adopted.curve().size());
        assertEquals(first.curve().stream().filter(StudyResult.StepMetric::evaluated).count(),
                adopted.curve().stream().filter(StudyResult.StepMetric::evaluated).count());

        // Results of another grid (other steps) are refused.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StudyJob.adopt(spark, grid(7), earlier, dir.resolve("adopt-other")));
        assertTrue(e.getMessage().contains("ran 5 steps, the grid says 7"), e.getMessage());
    }

    @Test
    void aResultOfOtherSettingsIsRefusedWithItsFile() throws Exception {
        Path out = dir.resolve("stale-out");
        SparkSession spark = LocalSpark.get();
        StudyJob.run(spark, grid(4), c -> c.approx().equals("exact"), out);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StudyJob.run(spark, grid(5), out));
        assertTrue(e.getMessage().contains(CompletedResults.FOLDER) && e.getMessage().contains("other settings"),
                e.getMessage());
    }

    @Test
    void corruptAndForeignFilesAreRefused() throws Exception {
        Path out = dir.resolve("bad-out");
        StudyGrid grid = grid(4);
        CompletedResults completed = new CompletedResults(out);
        Path file = completed.fileOf(grid.configs().get(0).id());
        Files.createDirectories(file.getParent());

        Files.write(file, new byte[] {1, 2, 3});
        IOException corrupt = assertThrows(IOException.class, () -> completed.load(grid));
        assertTrue(corrupt.getMessage().contains(file.toString()), corrupt.getMessage());

        // A serialized object of a class outside the study's records is rejected by the filter, not built.
        try (OutputStream os = Files.newOutputStream(file); ObjectOutputStream oos = new ObjectOutputStream(os)) {
            oos.writeObject(new java.net.URI("http://127.0.0.1/"));
        }
        IOException foreign = assertThrows(IOException.class, () -> completed.load(grid));
        assertTrue(foreign.getMessage().contains(file.toString()), foreign.getMessage());
    }
}
