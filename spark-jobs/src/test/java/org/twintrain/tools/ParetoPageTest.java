package org.twintrain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.approx.SoftmaxGradient;
import org.twintrain.jobs.study.SeedSummary;

class ParetoPageTest {

    @Test
    void aPMinusYRowIsCostedWithItsGradientAndListedOnlyWhenAStudyHasIt(@TempDir Path dir) throws Exception {
        Path summary = dir.resolve("summary.tsv");
        Files.writeString(summary, SeedSummary.TSV_HEADER + "\n"
                + "enfr\tseq2seq\tpwlsm:4+py\tpwl:3\tfloat\t13.5\t0.4\t3\t3\t0\t0\tn/a\n"
                + "enfr\tseq2seq\tpwl:7\tpwl:3\tfloat\t19.1\t0.5\t3\t3\t0\t0\t13.77\n", StandardCharsets.UTF_8);
        Map<String, ParetoPage.Metric> perplexity = ParetoPage.read(summary, null, "pwl:3");
        assertEquals(13.5, perplexity.get("pwlsm:4+py").mean());

        var rows = ParetoPage.rowNames(Map.of(), perplexity);
        assertTrue(rows.contains("pwlsm:4+py"), rows.toString());
        assertTrue(rows.indexOf("pwlsm:4+py") == rows.indexOf("pwlsm:4") + 1, rows.toString());
        assertFalse(rows.contains("pwl:7+py"), rows.toString());
        assertFalse(rows.contains("exact"), "exact runs in the clear only");

        assertEquals(SoftmaxGradient.SECUREML, ParetoPage.softmax("pwlsm:4+py").gradient());
        assertEquals(SoftmaxGradient.EXACT, ParetoPage.softmax("pwlsm:4").gradient());

        // p - y is a local subtraction after the forward; the true derivative needs e' and a second division
        ParetoPage.SoftmaxCost forward = ParetoPage.cost("pwlsm:4+py", 10, 200, false);
        ParetoPage.SoftmaxCost pyStep = ParetoPage.cost("pwlsm:4+py", 10, 200, true);
        ParetoPage.SoftmaxCost exactStep = ParetoPage.cost("pwlsm:4", 10, 200, true);
        assertEquals(forward.rounds(), pyStep.rounds());
        assertEquals(forward.bytes(), pyStep.bytes(), 1e-9);
        assertTrue(exactStep.rounds() > pyStep.rounds(), exactStep + " vs " + pyStep);
        assertTrue(exactStep.bytes() > 2 * pyStep.bytes(), exactStep + " vs " + pyStep);
    }
}
