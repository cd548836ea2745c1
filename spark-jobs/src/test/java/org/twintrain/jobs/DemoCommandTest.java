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

/** The README's main command, end to end on a small generated data set. */
class DemoCommandTest {

    @Test
    void pipelineRunsEndToEndAndTheSecureModelMatchesItsEmulation(@TempDir Path dir) throws Exception {
        TwinTrainConf conf = TwinTrainConf.defaults().with("demo.trainRows", "512").with("demo.testRows", "200")
                .with("train.batchSize", "64").with("train.epochs", "3");
        Path work = dir.resolve("demo");
        DemoCommand.Outcome o = DemoCommand.run(LocalSpark.get(), conf, work);

        assertEquals(512, o.trainRows());
        assertEquals(200, o.testRows());
        // Weight-level agreement of secure runs and their emulation is tested where it is deterministic
        // (SecureTrainJobTest, the engine's backend agreement); here every run must learn.
        assertTrue(o.secureAccuracy() > 0.5, "the securely trained model must beat chance (10%) clearly: "
                + o.secureAccuracy());
        assertTrue(o.emulationAccuracy() > 0.5, "emulation: " + o.emulationAccuracy());
        assertTrue(o.doubleAccuracy() > 0.5, "double: " + o.doubleAccuracy());
        assertEquals(o.server0().bytesSent(), o.server1().bytesReceived());
        assertEquals(o.server0().rounds(), o.server1().rounds());
        assertTrue(Files.exists(work.resolve("store0/model")) && Files.exists(work.resolve("store1/model")));
        // Store 0 keeps its data half as seeds only: nothing materialized.
        try (Stream<Path> files = Files.walk(work.resolve("store0/data"))) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".parquet")));
        }
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
