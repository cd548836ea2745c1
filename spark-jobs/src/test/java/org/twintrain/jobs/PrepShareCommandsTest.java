package org.twintrain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.generate.Generators;

/** The data owners' commands through the dispatcher, as `submit/twintrain` runs them. */
class PrepShareCommandsTest {

    @Test
    void prepThenShareWriteBothStoresAndRefuseARepeatWithoutOverwrite(@TempDir Path dir) throws Exception {
        LocalSpark.get(); // the commands reuse the test JVM's session; stopping it is the JVM's job
        Generators.mnist(dir.resolve("raw"), 120, 40, 3);
        String prepared = dir.resolve("prepared").toString();
        assertEquals(0, TwinTrain.run(new String[] {"prep", "--dataset", "mnist", "--input",
            dir.resolve("raw").toString(), "--output", prepared}));
        String[] share = {"share", "--data", prepared, "--store0", dir.resolve("s0").toString(), "--store1",
            dir.resolve("s1").toString(), "--partitions", "2"};
        assertEquals(0, TwinTrain.run(share));
        assertTrue(Files.exists(dir.resolve("s0/data/train/manifest.json")));
        assertTrue(Files.exists(dir.resolve("s1/data/train/manifest.json")));
        assertEquals(2, TwinTrain.run(share), "an existing data set is refused without --overwrite");

        // The offline phase for the configured run on that data set: both stores get their half of the plan.
        String[] triples = {"triples", "--data", "train", "--store0", dir.resolve("s0").toString(), "--store1",
            dir.resolve("s1").toString(), "--set", "train.batchSize=32", "--set", "train.epochs=1"};
        assertEquals(0, TwinTrain.run(triples));
        try (java.util.stream.Stream<Path> plans = Files.list(dir.resolve("s1/triples"))) {
            Path plan = plans.findFirst().orElseThrow();
            assertTrue(Files.exists(plan.resolve("manifest.json")));
            assertTrue(Files.exists(dir.resolve("s0/triples").resolve(plan.getFileName()).resolve("manifest.json")));
        }
        assertEquals(2, TwinTrain.run(new String[] {"triples", "--store0", "a", "--store1", "b"}),
                "neither --data nor --plan");
    }

    @Test
    void missingOptionsAndUnknownCommandsExitWithTwo() {
        assertEquals(2, TwinTrain.run(new String[] {"share", "--store0", "x"}));
        assertEquals(2, TwinTrain.run(new String[] {"shrae"}));
        assertEquals(0, TwinTrain.run(new String[] {"share", "--help"}));
    }
}
