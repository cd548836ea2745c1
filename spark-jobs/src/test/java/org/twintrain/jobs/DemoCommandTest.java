package org.twintrain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, end to end on the embedded optical digits. */
class DemoCommandTest {

    @Test
    void pipelineRunsEndToEndOnTheDigitsAndEveryRunLearns(@TempDir Path dir) throws Exception {
        // The demo's own defaults (the MLP), two epochs instead of five to keep the suite short.
        TwinTrainConf conf = TwinTrainConf.defaults().with("model.name", DemoCommand.DEMO_DEFAULTS.get("model.name"))
                .with("train.epochs", "2");
        assertEquals("secureml", conf.get("model.name"));
        Path work = dir.resolve("demo");
        DemoCommand.Outcome o = DemoCommand.run(LocalSpark.get(), conf, work);

        assertEquals(1437, o.trainRows());
        assertEquals(360, o.testRows());
        // Weight-level agreement of secure runs and their emulation is tested where it is deterministic
        // (SecureTrainJobTest, the engine's backend agreement); here every run must learn real digits, and none
        // may be perfect on the held-out writers' images.
        for (double[] run : new double[][] {{o.secureAccuracy()}, {o.emulationAccuracy()}, {o.doubleAccuracy()}}) {
            assertTrue(run[0] > 0.6 && run[0] < 1.0, "held-out accuracy well above chance (10%), below 100%: "
                    + o.secureAccuracy() + " / " + o.emulationAccuracy() + " / " + o.doubleAccuracy());
        }
        assertEquals(o.server0().bytesSent(), o.server1().bytesReceived());
        assertEquals(o.server0().rounds(), o.server1().rounds());
        assertTrue(Files.exists(work.resolve("store0/model")) && Files.exists(work.resolve("store1/model")));
        // Store 0 keeps its data half as seeds only: nothing materialized.
        try (Stream<Path> files = Files.walk(work.resolve("store0/data"))) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".parquet")));
        }
    }

    @Test
    void theDemosModelIsAnMlpUnlessTheUserNamesAnother() {
        assertEquals("secureml", DemoCommand.DEMO_DEFAULTS.get("model.name"));
        assertEquals("logreg", TwinTrainConf.defaults().get("model.name"), "the global default stays");
        TwinTrainConf base = TwinTrainConf.defaults().with("model.name", "secureml");
        assertEquals("logreg", CommandLine.parse("demo", new String[] {"--set", "model.name=logreg"}, java.util.Set.of(),
                java.util.Set.of(), base).conf().get("model.name"));
    }

    @Test
    void refusesToWipeAFolderItDidNotMake(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "keep me");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoCommand.prepareWorkDir(dir));
        assertTrue(e.getMessage().contains("not made by the demo"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("precious.txt")));
    }
}
