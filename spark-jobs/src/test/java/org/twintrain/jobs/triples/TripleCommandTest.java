package org.twintrain.jobs.triples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TriplePlan;

class TripleCommandTest {
    @Test
    void refusesAPlanForOtherFixedPointParametersThanTheConfiguration() {
        TriplePlan plan = TriplePlan.record(1, 1, new FixedPoint(16), TruncationMode.LOCAL, TripleJobTest.TOY);
        TwinTrainConf conf = TwinTrainConf.defaults().with("ring.fractionalBits", "16").with("ring.truncation", "local");
        TripleCommand.checkConf(plan, conf);
        IllegalArgumentException bits = assertThrows(IllegalArgumentException.class,
                () -> TripleCommand.checkConf(plan, conf.with("ring.fractionalBits", "13")));
        assertTrue(bits.getMessage().contains("ring.fractionalBits=13"), bits.getMessage());
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> TripleCommand.checkConf(plan, conf.with("ring.truncation", "exact")));
        assertTrue(mode.getMessage().contains("truncation LOCAL"), mode.getMessage());
    }

    @Test
    void refusesWindowOptionsThatDoNotGoTogetherBeforeSparkStarts() {
        String[][] bad = {
            {"--data", "train", "--store0", "a", "--store1", "b", "--ahead", "2"},
            {"--data", "train", "--store0", "a", "--store1", "b", "--idle-minutes", "5"},
            {"--data", "train", "--store0", "a", "--store1", "b", "--window-steps", "50", "--overwrite"},
        };
        String[] expected = {"go with --window-steps", "go with --window-steps", "--overwrite does not go with"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = bad[i];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TripleCommand().run(args));
            assertTrue(e.getMessage().contains(expected[i]), e.getMessage());
        }
    }
}
