package org.twintrain.jobs.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.generate.Generators;
import org.twintrain.jobs.LocalSpark;

/** Table 3's shape on generated parallel text: seq2seq with the exact and the approximated softmax and tanh. */
class StudyTextTest {
    @TempDir
    Path dir;

    @Test
    void seq2seqConfigurationsReportPerplexity() throws Exception {
        Path text = dir.resolve("text");
        Generators.parallelText(text, 400, 60, 30, 3);
        Map<String, String> m = new HashMap<>();
        m.put("study.name", "tiny3");
        m.put("study.metric", "perplexity");
        m.put("data.root", text.toString());
        m.put("data.enfr.format", "text");
        m.put("data.enfr.train", "train.en, train.fr");
        m.put("data.enfr.dev", "dev.en, dev.fr");
        m.put("data.enfr.vocab", "40");
        m.put("data.enfr.maxLength", "14");
        m.put("model.s2s.engine", "seq2seq-gru");
        m.put("model.s2s.hidden", "16");
        m.put("model.s2s.embed", "8");
        m.put("train.steps", "30");
        m.put("train.batch", "16");
        m.put("train.lr", "0.5");
        m.put("train.evalEvery", "15");
        m.put("grid.a.datasets", "enfr");
        m.put("grid.a.models", "s2s");
        m.put("grid.a.approx", "exact");
        m.put("grid.b.datasets", "enfr");
        m.put("grid.b.models", "s2s");
        m.put("grid.b.approx", "pwl:4");
        m.put("grid.b.tanh", "pwl:3");
        m.put("paper.enfr.s2s.pwl-4_tanh-pwl-3", "n/a");
        StudyGrid grid = StudyGrid.parse(m, "text grid", null);
        Path out = dir.resolve("out");
        List<StudyResult> results = StudyJob.run(LocalSpark.get(), grid, out);
        assertEquals(2, results.size());
        for (StudyResult r : results) {
            assertEquals(StudyResult.OK, r.status(), r.config().id() + ": " + r.reason());
            assertEquals(30, r.steps());
            List<StudyResult.StepMetric> evals = r.curve().stream().filter(StudyResult.StepMetric::evaluated).toList();
            assertEquals(List.of(0L, 15L, 30L), evals.stream().map(StudyResult.StepMetric::step).toList());
            // 40 target tokens, 4 of them specials: a model that learned nothing would be near 36
            assertTrue(r.perplexity() > 1 && r.perplexity() < 36, r.config().id() + " perplexity " + r.perplexity());
            assertTrue(r.scale().contains("model=seq2seq"), r.scale());
        }
        String md = Files.readString(out.resolve("table.md"));
        assertTrue(md.contains("dev perplexity"), md);
        assertTrue(md.contains("| exact, tanh exact |") && md.contains("| pwl:4, tanh pwl:3 |"), md);
    }
}
