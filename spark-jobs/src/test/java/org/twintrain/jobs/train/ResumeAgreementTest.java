package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.channel.InMemoryChannel;

class ResumeAgreementTest {

    private static long[] agree(long every0, List<Long> steps0, long every1, List<Long> steps1) throws Exception {
        InMemoryChannel[] pair = InMemoryChannel.pair(5_000);
        CompletableFuture<Long> one = CompletableFuture.supplyAsync(() -> ResumeAgreement.agree(pair[1], every1, steps1));
        long zero = ResumeAgreement.agree(pair[0], every0, steps0);
        return new long[] {zero, one.get()};
    }

    @Test
    void bothTakeTheLargestStepBothHold() throws Exception {
        long[] r = agree(2, List.of(4L, 6L, 8L), 2, List.of(2L, 4L, 6L));
        assertEquals(6, r[0]);
        assertEquals(6, r[1]);
        r = agree(2, List.of(8L), 2, List.of(6L));
        assertEquals(0, r[0], "nothing in common: restart from step 0");
        assertEquals(0, r[1]);
        r = agree(2, List.of(), 2, List.of(2L));
        assertEquals(0, r[0]);
    }

    @Test
    void serversWithDifferentIntervalsFailClearly() {
        Exception e = assertThrows(Exception.class, () -> agree(2, List.of(2L), 3, List.of(3L)));
        assertTrue(String.valueOf(e.getMessage()).contains("train.checkpointEvery")
                || String.valueOf(e.getCause()).contains("train.checkpointEvery"), String.valueOf(e));
    }
}
