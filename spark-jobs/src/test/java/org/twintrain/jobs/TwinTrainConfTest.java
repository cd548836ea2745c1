package org.twintrain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinTrainConfTest {

    @Test
    void defaultsComeFromTheConfFolder() {
        TwinTrainConf conf = TwinTrainConf.defaults();
        assertEquals(16, conf.getInt("ring.fractionalBits"));
        assertEquals("pwl:4", conf.get("approx.exp"));
    }

    @Test
    void unknownKeyIsAnErrorThatListsTheSection() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TwinTrainConf.defaults().with("ring.fractionBits", "13"));
        assertTrue(e.getMessage().contains("unknown configuration key 'ring.fractionBits'"), e.getMessage());
        assertTrue(e.getMessage().contains("ring.fractionalBits"), e.getMessage());
    }

    @Test
    void fileThenSetOverride(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("local.properties");
        Files.writeString(f, "ring.fractionalBits = 13\ntrain.batchSize=64\n");
        CommandLine line = CommandLine.parse("test", new String[] {"--conf", f.toString(), "--set", "train.batchSize=32"},
                Set.of(), Set.of());
        assertEquals(13, line.conf().getInt("ring.fractionalBits"));
        assertEquals(32, line.conf().getInt("train.batchSize"));
    }

    @Test
    void unknownKeyInFileNamesTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.properties");
        Files.writeString(f, "train.batchsize=64\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TwinTrainConf.defaults().withFile(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void badNumberIsNamed() {
        TwinTrainConf conf = TwinTrainConf.defaults().with("train.batchSize", "many");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conf.getInt("train.batchSize"));
        assertTrue(e.getMessage().contains("train.batchSize"), e.getMessage());
    }

    @Test
    void unknownOptionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse("demo", new String[] {"--rowz", "3"}, Set.of("rows"), Set.of()));
        assertTrue(e.getMessage().contains("--rowz"), e.getMessage());
    }

    /** The shipped local profile holds only known keys. */
    @Test
    void localProfileLoads() {
        TwinTrainConf conf = TwinTrainConf.defaults().withFile(Path.of("../conf/local.properties"));
        assertEquals("local[2]", conf.get("spark.master"));
    }
}
