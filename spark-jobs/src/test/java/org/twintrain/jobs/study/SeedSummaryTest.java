package org.twintrain.jobs.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Seeds on a tiny grid: count:N and lists expand to configurations, and the table aggregates them per row (mean and
 * sample standard deviation), counting a seed that failed, diverged or ended without a finite metric instead of
 * dropping it or failing the table.
 */
class SeedSummaryTest {

    private static List<StudyConfig> grid(String seeds) {
        Map<String, String> m = new HashMap<>(StudyJobTest.gridSettings(Path.of("/data")));
        m.put("study.seeds", seeds);
        m.put("study.precision", "float");
        m.remove("grid.a.precision");
        m.remove("grid.c.seeds");
        return StudyGrid.parse(m, "g", null).configs();
    }

    @Test
    void countAndListsExpandEveryBlockAndPrecisionDefaultsToTheGrids() {
        List<StudyConfig> three = grid("count:3");
        // blocks a (3 approximations), a2, b, c: 6 rows, 3 seeds each
        assertEquals(18, three.size());
        assertEquals(List.of(1L, 2L, 3L), three.stream().map(StudyConfig::seed).distinct().toList());
        assertTrue(three.stream().allMatch(c -> c.precision().equals("float")), "study.precision is the default");
        assertEquals(List.of(5L, 9L), grid("5, 9").stream().map(StudyConfig::seed).distinct().toList());
        for (String bad : new String[] {"count:0", "count:x", "1, 1", "one"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> grid(bad), bad);
            assertTrue(e.getMessage().contains("study.seeds"), e.getMessage());
        }
    }

    private static StudyResult result(StudyConfig c, String status, double accuracy) {
        String reason = status.equals(StudyResult.OK) ? "" : status.equals(StudyResult.FAILED)
                ? "IllegalStateException: boom" : "training loss is NaN at step 3";
        return new StudyResult(c, status, reason, 24, accuracy, status.equals(StudyResult.OK) ? 1.0 : Double.NaN, 1, 0.1,
                0.1, "scale", List.of());
    }

    @Test
    void meanAndDeviationOverFinishedSeedsWithFailuresCounted() {
        List<StudyConfig> configs = grid("count:3");
        List<StudyResult> results = new ArrayList<>();
        for (StudyConfig c : configs) {
            String row = SeedSummary.key(c);
            if (row.equals("gen/lr/exact/exact/float")) {
                // 50, 60, 70 %: mean 60, sample sd 10
                results.add(result(c, StudyResult.OK, 0.4 + 0.1 * c.seed()));
            } else if (row.equals("gen/lr/pwl:4/exact/float")) {
                // seed 2 throws, seed 3 ends "ok" with a NaN metric: one finished seed of three
                results.add(c.seed() == 1 ? result(c, StudyResult.OK, 0.3)
                        : c.seed() == 2 ? result(c, StudyResult.FAILED, Double.NaN) : result(c, StudyResult.OK, Double.NaN));
            } else if (row.equals("gen/lr/bogus:9/exact/float")) {
                results.add(c.seed() == 3 ? result(c, StudyResult.DIVERGED, Double.NaN) : result(c, StudyResult.OK, 0.2));
            } else {
                results.add(result(c, StudyResult.FAILED, Double.NaN));
            }
        }
        Map<String, SeedSummary> rows = new HashMap<>();
        for (SeedSummary s : SeedSummary.of(results, false)) {
            rows.put(s.key(), s);
        }
        assertEquals(6, rows.size(), "one row per configuration without the seed");

        SeedSummary exact = rows.get("gen/lr/exact/exact/float");
        assertEquals(60.0, exact.mean(), 1e-9);
        assertEquals(10.0, exact.sd(), 1e-9);
        assertEquals("60.00 ± 10.00 (3 seeds)", exact.text());

        SeedSummary pwl = rows.get("gen/lr/pwl:4/exact/float");
        assertEquals(1, pwl.finished());
        assertEquals(2, pwl.failed());
        assertEquals(30.0, pwl.mean(), 1e-9);
        assertTrue(Double.isNaN(pwl.sd()));
        assertTrue(pwl.text().startsWith("30.00 (1 of 3 seeds; s2 failed: IllegalStateException: boom"), pwl.text());

        SeedSummary diverged = rows.get("gen/lr/bogus:9/exact/float");
        assertEquals(1, diverged.diverged());
        assertEquals(0, diverged.failed());
        assertEquals(20.0, diverged.mean(), 1e-9);
        assertEquals(0.0, diverged.sd(), 1e-9);
        assertTrue(diverged.text().contains("2 of 3 seeds; s3 diverged: training loss is NaN"), diverged.text());

        SeedSummary none = rows.get("missing/lr/exact/exact/float");
        assertEquals(0, none.finished());
        assertTrue(none.text().startsWith("**failed** (3 seeds): s1 failed"), none.text());

        // the table: one row per approximation, cells aggregated, the grid's paper figure beside ours
        StudyGrid g = new StudyGrid("tiny", "Tiny", "accuracy", "", configs);
        String md = StudyReport.markdown(g, results, List.of());
        assertTrue(md.contains("| exact | 60.00 ± 10.00 (3 seeds) / 91.5 |"), md);
        assertTrue(md.contains("30.00 (1 of 3 seeds; s2 failed"), md);
        assertTrue(!md.contains("seed 2 |"), "no row per seed");
        assertTrue(md.contains("| tiny/gen/lr/pwl:4/exact/float/s2 | failed |"), "every configuration keeps its own row");
        assertTrue(none.tsv().startsWith("missing\tlr\texact\texact\tfloat\tNaN\tNaN\t3\t0\t0\t3\t"), none.tsv());
    }
}
