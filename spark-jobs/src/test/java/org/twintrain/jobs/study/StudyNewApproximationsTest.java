package org.twintrain.jobs.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.generate.Generators;
import org.twintrain.jobs.LocalSpark;

/**
 * Issue 19's new e^x approximations on a tiny grid, as the study grids run them: CrypTen's limit:n and the
 * softmax-fitted pwlsm:k with the true derivative, pwlsm:k with SecureML's p - y gradient (a block's
 * train.gradient, the "+py" rows) in double and in the fixed-point twin, two seeds each. Every configuration
 * must train to the end, the +py rows must really train with the other gradient, and the seed summary must
 * hold one row per approximation over both seeds.
 */
class StudyNewApproximationsTest {
    @TempDir
    static Path dir;
    static List<StudyResult> results;
    static Path out;

    @BeforeAll
    static void runGrid() throws Exception {
        Path data = dir.resolve("cifar10");
        Generators.cifar10(data, 1, 160, 40, 13, false);
        Map<String, String> m = new HashMap<>();
        m.put("study.name", "tiny-new");
        m.put("study.title", "Tiny study of the new approximations");
        m.put("study.note", "generated data");
        m.put("study.seeds", "count:2");
        m.put("data.root", data.toString());
        m.put("data.gen.format", "cifar10");
        m.put("data.gen.train", "data_batch_1.bin");
        m.put("data.gen.dev", "test_batch.bin");
        m.put("model.lr.engine", "logreg");
        m.put("train.steps", "20");
        m.put("train.batch", "16");
        m.put("train.lr", "0.02");
        m.put("train.evalEvery", "10");
        m.put("grid.a.datasets", "gen");
        m.put("grid.a.models", "lr");
        m.put("grid.a.approx", "limit:4, pwlsm:4");
        m.put("grid.b.datasets", "gen");
        m.put("grid.b.models", "lr");
        m.put("grid.b.approx", "pwlsm:4");
        m.put("grid.b.precision", "double, fixed:16");
        m.put("grid.b.train.gradient", "secureml");
        StudyGrid grid = StudyGrid.parse(m, "tiny grid", null);
        out = dir.resolve("out");
        results = StudyJob.run(LocalSpark.get(), grid, out);
    }

    private static StudyResult result(String id) {
        return results.stream().filter(r -> r.config().id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no result " + id + " among "
                        + results.stream().map(r -> r.config().id()).toList()));
    }

    @Test
    void everyNewApproximationTrainsToTheEndOnEverySeed() {
        assertEquals(8, results.size(), "2 + 2 approximation/precision pairs x 2 seeds");
        for (StudyResult r : results) {
            assertEquals(StudyResult.OK, r.status(), r.config().id() + ": " + r.reason());
            assertEquals(20, r.steps(), r.config().id());
            // the generated classes separate quickly, so a shifted e^x can reach exact zeros and a loss of 0
            assertTrue(Double.isFinite(r.loss()) && r.loss() >= 0, r.config().id() + " loss " + r.loss());
            assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1, r.config().id());
        }
        for (String approx : List.of("limit:4/exact/double", "pwlsm:4/exact/double", "pwlsm:4+py/exact/double",
                "pwlsm:4+py/exact/fixed:16")) {
            for (String seed : List.of("s1", "s2")) {
                result("tiny-new/gen/lr/" + approx + "/" + seed);
            }
        }
    }

    @Test
    void thePyRowsTrainWithTheOtherGradient() {
        // Same data, model, seed and e^x: only the loss gradient differs, so after the first update the training
        // losses must differ somewhere (the first step's loss comes before any update, so it is the same).
        List<Double> trueDerivative = trainLosses(result("tiny-new/gen/lr/pwlsm:4/exact/double/s1"));
        List<Double> py = trainLosses(result("tiny-new/gen/lr/pwlsm:4+py/exact/double/s1"));
        assertEquals(20, trueDerivative.size());
        assertEquals(trueDerivative.get(0), py.get(0), 1e-12);
        assertNotEquals(trueDerivative, py);
    }

    private static List<Double> trainLosses(StudyResult r) {
        return r.curve().stream().filter(m -> m.step() > 0).map(StudyResult.StepMetric::trainLoss).toList();
    }

    @Test
    void theSeedSummaryHasOneRowPerApproximationOverBothSeeds() throws Exception {
        List<String[]> rows = Files.readAllLines(out.resolve("summary.tsv")).stream()
                .filter(l -> !l.startsWith("#") && !l.startsWith("dataset")).map(l -> l.split("\t")).toList();
        Map<String, String[]> byRow = rows.stream().collect(Collectors.toMap(r -> r[2] + "/" + r[4], r -> r));
        assertEquals(java.util.Set.of("limit:4/double", "pwlsm:4/double", "pwlsm:4+py/double", "pwlsm:4+py/fixed:16"),
                byRow.keySet());
        for (String[] r : rows) {
            assertEquals("2", r[7], String.join(" ", r) + ": seeds");
            assertEquals("2", r[8], String.join(" ", r) + ": finished");
            double mean = Double.parseDouble(r[5]);
            double sd = Double.parseDouble(r[6]);
            assertTrue(mean >= 0 && mean <= 100 && Double.isFinite(sd) && sd >= 0, String.join(" ", r));
        }
    }
}
