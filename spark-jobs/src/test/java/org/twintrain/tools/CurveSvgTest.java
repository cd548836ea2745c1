package org.twintrain.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secure run's CheckpointCurve table and TrainLocal outputs as one SVG of dev accuracy against epochs. */
class CurveSvgTest {
    @TempDir
    Path dir;

    @Test
    void readsBothFormatsAndWritesOneWellFormedChart() throws Exception {
        Path secure = Files.writeString(dir.resolve("curve.tsv"), "step\taccuracy\trows\n156\t0.401000\t5000\n"
                + "312\t0.495000\t5000\n");
        Path fixed = Files.writeString(dir.resolve("fixed.out"), "args: ...\nmodel=cnn ...\n"
                + "epoch 1.00 step 156 dev_accuracy 0.3948 dev_loss 1.7 train_images/s 71.7 elapsed_s 300 | m\n"
                + "epoch 2.00 step 312 dev_accuracy 0.5020 dev_loss 1.4 train_images/s 99.0 elapsed_s 500 | m\n");
        List<double[]> s = CurveSvg.checkpointCurve(secure, 156);
        assertArrayEquals(new double[] {1.0, 40.1}, s.get(0), 1e-9);
        assertArrayEquals(new double[] {2.0, 49.5}, s.get(1), 1e-9);
        List<double[]> f = CurveSvg.trainLocal(fixed);
        assertEquals(2, f.size());
        assertArrayEquals(new double[] {2.0, 50.2}, f.get(1), 1e-9);

        Path out = dir.resolve("curve.svg");
        CurveSvg.main(new String[] {"--out", out.toString(), "--stepsPerEpoch", "156", "--title", "t",
            "--curves", "secure=" + secure + ";fixed-point emulation=" + fixed});
        String svg = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(svg.contains(">secure<") && svg.contains(">fixed-point emulation<"), svg);
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.toFile()); // well-formed XML
    }

    @Test
    void refusesFilesWithoutPointsAndTablesWithoutEpochLength() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.out"), "args: nothing trained\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CurveSvg.svg("t", java.util.Map.of("x", empty), 156));
        assertTrue(e.getMessage().contains("holds no accuracy points"), e.getMessage());
        Path table = Files.writeString(dir.resolve("c.tsv"), "step\taccuracy\trows\n156\t0.4\t10\n");
        e = assertThrows(IllegalArgumentException.class, () -> CurveSvg.checkpointCurve(table, 0));
        assertTrue(e.getMessage().contains("--stepsPerEpoch is required"), e.getMessage());
        Path notATable = Files.writeString(dir.resolve("d.tsv"), "1\t2\n");
        e = assertThrows(IllegalArgumentException.class, () -> CurveSvg.checkpointCurve(notATable, 156));
        assertTrue(e.getMessage().contains("not a CheckpointCurve table"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CurveSvg.main(new String[] {"--out",
            dir.resolve("x.svg").toString(), "--curves", "nolabel"}));
        assertTrue(e.getMessage().contains("label=file"), e.getMessage());
    }
}
