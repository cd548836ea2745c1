package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void lineSaysStepEpochElapsedEtaBytesAndRounds() {
        assertEquals("server 1: step 150/400 (epoch 1.50), elapsed 12.5 s, ETA 20.8 s, 1,234,567 bytes sent, 890 rounds",
                EngineProgram.Progress.line(1, 150, 400, 100, 12.5, 12.5 / 150 * 250, 1_234_567, 890));
        assertEquals("server 0: step 3/3, elapsed 0.1 s, ETA 0.0 s, 0 bytes sent, 0 rounds",
                EngineProgram.Progress.line(0, 3, 3, 0, 0.1, 0, 0, 0));
    }

    @Test
    void etaCountsOnlyTheStepsRunSinceAResume() {
        // resumed at step 80 of 100: 10 steps in 5 s leave 10 steps, 5 s (not 10 / 90 * 5)
        assertEquals(5.0, EngineProgram.Progress.eta(5.0, 80, 90, 100), 1e-12);
        assertEquals(10.0, EngineProgram.Progress.eta(10.0, 0, 50, 100), 1e-12);
    }
}
