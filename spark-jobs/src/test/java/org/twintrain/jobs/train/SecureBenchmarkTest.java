package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.twintrain.jobs.TwinTrainConf;

class SecureBenchmarkTest {

    private static SecureBenchmark.Result run(String width) throws Exception {
        return run(width, false);
    }

    private static SecureBenchmark.Result run(String width, boolean trick) throws Exception {
        Map<String, String> settings = TwinTrainConf.defaults().with("model.name", "secureml")
                .with("model.width", width).with("train.batchSize", "16").with("ring.truncation", "local")
                .with("train.reuseDataMask", Boolean.toString(trick)).asMap();
        return SecureBenchmark.run(new SecureBenchmark.Options(settings, 2, 1, 2, false, null, 1600));
    }

    @Test
    void measuredBytesAreTheAnalyticalMatmulAndReluBytesPlusAWidthIndependentSoftmax() throws Exception {
        SecureBenchmark.Result narrow = run("0.05");
        SecureBenchmark.Result wide = run("0.1");
        assertTrue(wide.matmulBytes() > narrow.matmulBytes());
        assertTrue(wide.reluBytes() > narrow.reluBytes());
        // Everything but softmax and the loss gradient scales with the hidden width; they depend on batch x classes.
        double restNarrow = narrow.bytesPerStep() - narrow.matmulBytes() - narrow.reluBytes();
        double restWide = wide.bytesPerStep() - wide.matmulBytes() - wide.reluBytes();
        assertTrue(restNarrow > 0, "softmax sends bytes");
        assertEquals(restNarrow, restWide, 0.0);
        assertEquals(narrow.roundsPerStep(), wide.roundsPerStep(), 0.0);
        assertEquals(100, narrow.stepsPerEpoch());
        assertTrue(narrow.secureStep() > 0 && narrow.doubleStep() > 0 && narrow.dealerSecondsPerStep() > 0);
        assertTrue(narrow.format().contains("ratio secure / double"));

        SecureBenchmark.Result reused = run("0.05", true);
        assertEquals(restNarrow, reused.bytesPerStep() - reused.matmulBytes() - reused.reluBytes(), 0.0,
                "the analytical count follows the reused data mask");
    }

    @Test
    void readsMnistIdxFilesWhenGivenAFolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        org.twintrain.dataprep.generate.Generators.mnist(dir, 64, 8, 3);
        Map<String, String> settings = TwinTrainConf.defaults().with("model.name", "logreg")
                .with("train.batchSize", "16").asMap();
        SecureBenchmark.Result r = SecureBenchmark.run(new SecureBenchmark.Options(settings, 2, 1, 2, false, dir, 64));
        assertEquals(4, r.stepsPerEpoch());
        // Forward (input and weight) and weight gradient (output gradient only); logreg's one layer is the first.
        assertEquals(8L * (16 * 784 + 784 * 10) + 8L * 16 * 10, r.matmulBytes());
        assertEquals(0, r.reluBytes());
        assertTrue(r.bytesPerStep() > r.matmulBytes());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SecureBenchmark.run(new SecureBenchmark.Options(settings, 4, 1, 2, false, dir, 64)));
        assertTrue(e.getMessage().contains("64 images"), e.getMessage());
    }
}
