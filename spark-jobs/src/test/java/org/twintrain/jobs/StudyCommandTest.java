package org.twintrain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StudyCommandTest {

    @Test
    void studyIsRegisteredWithHelp() {
        Command c = TwinTrain.commands().get("study");
        assertEquals("study", c.name());
        assertTrue(c.usage().contains("--grid FILE") && c.usage().contains("--out DIR"));
        assertEquals(0, TwinTrain.run(new String[] {"study", "--help"}));
    }

    @Test
    void missingGridIsAUsageError() {
        assertEquals(2, TwinTrain.run(new String[] {"study", "--out", "x"}));
    }
}
