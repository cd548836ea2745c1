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
}
