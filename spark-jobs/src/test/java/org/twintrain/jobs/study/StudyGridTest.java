package org.twintrain.jobs.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StudyGridTest {

    private static Map<String, String> base() {
        return StudyJobTest.gridSettings(Path.of("/data"));
    }

    @Test
    void expandsBlocksAsCrossProductsWithOverridesAndPaperNumbers() {
        StudyGrid g = StudyGrid.parse(base(), "g", null);
        assertEquals(9, g.configs().size());
        StudyConfig first = g.configs().get(0);
        assertEquals("tiny/gen/lr/exact/exact/double/s1", first.id());
        assertEquals(List.of("/data/data_batch_1.bin"), first.data().train());
        assertEquals("0.02", first.train().lr());
        StudyConfig diverging = g.configs().stream().filter(c -> c.block().equals("c")).findFirst().orElseThrow();
        assertEquals("1e6", diverging.train().lr());
        assertEquals(3, diverging.train().divergePatience());
        assertEquals(20, first.train().divergePatience());
        assertEquals(List.of("exact", "pwl:4", "bogus:9"), g.configs().stream().filter(c -> c.block().equals("a"))
                .map(StudyConfig::approx).distinct().toList());
        assertEquals("91.5", first.paper());
        assertEquals("n/a", g.configs().stream().filter(c -> c.model().key().equals("cnn")).findFirst().orElseThrow().paper());
    }

    @Test
    void dataRootArgumentWins() {
        StudyGrid g = StudyGrid.parse(base(), "g", "/other");
        assertEquals(List.of("/other/data_batch_1.bin"), g.configs().get(0).data().train());
    }

    @Test
    void typosAndDanglingReferencesAreErrorsNamingTheKey() {
        Map<String, String> m = new HashMap<>(base());
        m.put("train.stpes", "3");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StudyGrid.parse(m, "g", null)).getMessage()
                .contains("train.stpes"));

        Map<String, String> m2 = new HashMap<>(base());
        m2.put("grid.a.models", "lr, resnet99");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StudyGrid.parse(m2, "g", null)).getMessage()
                .contains("resnet99"));

        Map<String, String> m3 = new HashMap<>(base());
        m3.put("grid.a.precision", "double, fixed16");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StudyGrid.parse(m3, "g", null)).getMessage()
                .contains("fixed16"));

        Map<String, String> m4 = new HashMap<>(base());
        m4.put("study.colour", "red");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StudyGrid.parse(m4, "g", null)).getMessage()
                .contains("study.colour"));
    }

    /** The backend is a precision of the grid: float runs are their own configurations, named in their ids. */
    @Test
    void floatIsAPrecisionWithItsOwnBackend() {
        Map<String, String> m = new HashMap<>(base());
        m.put("grid.a.precision", "double, float");
        List<StudyConfig> configs = StudyGrid.parse(m, "g", null).configs();
        assertEquals(List.of("double", "float"), configs.stream().map(StudyConfig::precision).distinct().toList());
        assertTrue(configs.stream().anyMatch(c -> c.id().contains("/float/")), configs.toString());
        assertEquals("float", StudyTask.backend("float", 1).name());
        assertEquals("double", StudyTask.backend("double", 1).name());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StudyTask.backend("half", 1)).getMessage()
                .contains("double, float or fixed:F"));
    }

    @Test
    void approxSettingsPassThroughButNotTheAxes() {
        Map<String, String> m = new HashMap<>(base());
        m.put("approx.reciprocal.iterations", "4");
        assertEquals(Map.of("reciprocal.iterations", "4"), StudyGrid.parse(m, "g", null).configs().get(0).approxSettings());
        m.put("approx.exp", "pwl:4");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StudyGrid.parse(m, "g", null)).getMessage()
                .contains("approx.exp"));
    }

    @Test
    void paperKeysNameTheTanhWhenNotExact() {
        assertEquals("pwl-4", StudyGrid.cellName("pwl:4", "exact"));
        assertEquals("pwl-4_tanh-pwl-3", StudyGrid.cellName("pwl:4", "pwl:3"));
    }

    @Test
    void aBlockTrainedWithThePMinusYGradientIsItsOwnRow() {
        Map<String, String> m = new HashMap<>(base());
        m.put("grid.d.datasets", "gen");
        m.put("grid.d.models", "lr");
        m.put("grid.d.approx", "exact, pwl:4");
        m.put("grid.d.train.gradient", "secureml");
        m.put("paper.gen.lr.pwl-4+py", "12.5");
        List<StudyConfig> d = StudyGrid.parse(m, "g", null).configs().stream().filter(c -> c.block().equals("d")).toList();
        assertEquals(List.of("tiny/gen/lr/exact+py/exact/double/s1", "tiny/gen/lr/pwl:4+py/exact/double/s1"),
                d.stream().map(StudyConfig::id).toList());
        // the e^x itself stays the approximation; the row (table, summary) names the gradient
        assertEquals(List.of("exact", "pwl:4"), d.stream().map(StudyConfig::approx).toList());
        assertEquals("pwl:4+py", d.get(1).row());
        assertEquals("12.5", d.get(1).paper());
        StudyConfig exactGradient = StudyGrid.parse(m, "g", null).configs().stream()
                .filter(c -> c.block().equals("a") && c.approx().equals("pwl:4")).findFirst().orElseThrow();
        assertEquals("pwl:4", exactGradient.row());
        assertEquals("tiny/gen/lr/pwl:4/exact/double/s1", exactGradient.id());
        m.put("grid.d.train.gradient", "straight");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StudyGrid.parse(m, "g", null)).getMessage()
                .contains("train.gradient must be exact or secureml, got 'straight'"));
    }
}
