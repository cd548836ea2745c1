package org.twintrain.sharing.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The network model: its settings, its arithmetic, and a channel that really waits what the model says. */
class NetworkModelTest {
    @Test
    void parsesThePresetsAndGivenLinks() {
        assertSame(NetworkModel.NONE, NetworkModel.parse("none"));
        assertEquals(40e6, NetworkModel.parse("wan").bytesPerSecond());
        assertEquals(58e-3, NetworkModel.parse("WAN").roundTripSeconds(), 1e-12);
        assertEquals(0.2e-3, NetworkModel.parse("lan").roundTripSeconds(), 1e-12);
        NetworkModel secureml = NetworkModel.parse("9MB/s@72ms");
        assertEquals(9e6, secureml.bytesPerSecond());
        assertEquals(0.072, secureml.roundTripSeconds(), 1e-12);
        assertEquals(1e9, NetworkModel.parse("1 gb/s @ 500us").bytesPerSecond());
        for (String bad : new String[] {"fast", "9MB@72ms", "0MB/s@1ms", "9MB/s"}) {
            assertThrows(IllegalArgumentException.class, () -> NetworkModel.parse(bad), bad);
        }
    }

    @Test
    void aStepCostsRoundsTimesTheRoundTripPlusBytesOverTheBandwidth() {
        // The issue's own estimate of a SecureML-network step with wrap-free truncation on the WAN.
        assertEquals(198 * 0.058 + 13.9e6 / 40e6, NetworkModel.WAN.seconds(198, 13_900_000), 1e-9);
        assertEquals(0, NetworkModel.NONE.seconds(198, 13_900_000));
    }

    @Test
    void theChannelWaitsTheModeledTimeAndCountsIt() throws Exception {
        NetworkModel slow = new NetworkModel("test", 8e6, 0.02); // 8 MB/s: 10,000 words take 10 ms
        InMemoryChannel[] pair = InMemoryChannel.pair();
        NetworkModelChannel a = new NetworkModelChannel(pair[0], slow);
        NetworkModelChannel b = new NetworkModelChannel(pair[1], slow);
        long[] mine = new long[10_000];
        mine[7] = 42;
        long start = System.nanoTime();
        CompletableFuture<long[]> other = CompletableFuture.supplyAsync(() -> b.exchange(new long[10_000]));
        long[] got = a.exchange(mine);
        double elapsed = (System.nanoTime() - start) / 1e9;
        assertArrayEquals(new long[10_000], got);
        assertEquals(42, other.get()[7], "the bytes are the real ones");
        assertEquals(0.03, a.modeledSeconds(), 1e-9, "one round trip and 80 kB at 8 MB/s");
        assertTrue(elapsed >= 0.03, "the exchange waited the modeled time: " + elapsed);
        assertEquals(1, a.stats().rounds(), "rounds and bytes are the inner channel's");
        assertSame(pair[0], NetworkModelChannel.wrap(pair[0], NetworkModel.NONE));
        a.close();
        b.close();
    }
}
