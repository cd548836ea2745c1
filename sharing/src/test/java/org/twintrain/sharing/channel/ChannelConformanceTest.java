package org.twintrain.sharing.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Channel} must have, written once and run on each implementation (the subclasses
 * only say how to open a connected pair). Party 0 runs on the test thread, party 1 on a helper thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ChannelConformanceTest {
    /** Short silence limit so the timeout test is fast; every other test finishes well within it. */
    protected static final Duration TIMEOUT = Duration.ofMillis(1_000);

    private ExecutorService partyOne;
    private Channel zero;
    private Channel one;

    /** Returns {party 0's endpoint, party 1's endpoint}, connected, with {@code timeout} as the silence limit. */
    protected abstract Channel[] openPair(Duration timeout) throws Exception;

    @BeforeEach
    void open() throws Exception {
        partyOne = Executors.newSingleThreadExecutor();
        Channel[] pair = openPair(TIMEOUT);
        zero = pair[0];
        one = pair[1];
    }

    @AfterEach
    void closeAll() {
        zero.close();
        one.close();
        partyOne.shutdownNow();
    }

    private static long[] random(int n, long seed) {
        return new SplittableRandom(seed).longs(n).toArray();
    }

    private <T> T get(Future<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    @Test
    void exchangeReturnsThePeersWordsForManySizes() throws Exception {
        int[] sizes = {0, 1, 7, 8190, 8191, 8192, 8193, 100_003};
        for (int i = 0; i < sizes.length; i++) {
            long[] a = random(sizes[i], 2L * i);
            long[] b = random(sizes[i], 2L * i + 1);
            Future<long[]> atOne = partyOne.submit(() -> one.exchange(b));
            assertArrayEquals(b, zero.exchange(a), "party 0 at size " + sizes[i]);
            assertArrayEquals(a, get(atOne), "party 1 at size " + sizes[i]);
        }
    }

    @Test
    void largeExchangeInBothDirectionsAtOnceDoesNotDeadlock() throws Exception {
        long[] a = random(2_000_000, 11);
        long[] b = random(2_000_000, 12);
        Future<long[]> atOne = partyOne.submit(() -> one.exchange(b));
        assertArrayEquals(b, zero.exchange(a));
        assertArrayEquals(a, get(atOne));
    }

    @Test
    void sendsArriveInOrderAndManyMayBePendingBeforeTheFirstReceive() throws Exception {
        List<long[]> messages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            messages.add(random(1 + 37 * i, 100 + i));
        }
        for (long[] m : messages) {
            zero.send(m);
        }
        Future<List<long[]>> received = partyOne.submit(() -> {
            List<long[]> got = new ArrayList<>();
            for (long[] m : messages) {
                got.add(one.receive(m.length));
            }
            return got;
        });
        List<long[]> got = get(received);
        for (int i = 0; i < messages.size(); i++) {
            assertArrayEquals(messages.get(i), got.get(i), "message " + i);
        }
    }

    @Test
    void sendCopiesItsArgument() throws Exception {
        long[] words = random(1000, 5);
        long[] expected = words.clone();
        zero.send(words);
        words[0] ^= 1;
        words[999] ^= 1;
        assertArrayEquals(expected, get(partyOne.submit(() -> one.receive(1000))));
    }

    @Test
    void statsCountPayloadBytesAndOneRoundPerExchange() throws Exception {
        int[] sizes = {3, 0, 5000};
        for (int n : sizes) {
            Future<long[]> atOne = partyOne.submit(() -> one.exchange(random(n, n)));
            zero.exchange(random(n, n + 1));
            get(atOne);
        }
        zero.send(random(10, 1));
        get(partyOne.submit(() -> one.receive(10)));
        get(partyOne.submit(() -> {
            one.send(random(4, 2));
            return null;
        }));
        zero.receive(4);

        long exchanged = 8L * (3 + 0 + 5000);
        assertEquals(exchanged + 80, zero.stats().bytesSent());
        assertEquals(exchanged + 32, zero.stats().bytesReceived());
        assertEquals(exchanged + 32, one.stats().bytesSent());
        assertEquals(exchanged + 80, one.stats().bytesReceived());
        assertEquals(3, zero.stats().rounds());
        assertEquals(3, one.stats().rounds());
    }

    @Test
    void lengthMismatchFailsOnBothSidesNamingThePeer() throws Exception {
        Future<ChannelException> atOne = partyOne.submit(
                () -> assertThrows(ChannelException.class, () -> one.exchange(new long[11])));
        ChannelException atZero = assertThrows(ChannelException.class, () -> zero.exchange(new long[10]));
        assertTrue(atZero.getMessage().contains(zero.peerName()), atZero.getMessage());
        ChannelException e = get(atOne);
        assertTrue(e.getMessage().contains(one.peerName()), e.getMessage());
    }

    @Test
    void silentPeerTimesOutNamingThePeer() {
        long start = System.nanoTime();
        ChannelException e = assertThrows(ChannelException.class, () -> zero.receive(5));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().contains(zero.peerName()), e.getMessage());
        assertTrue(millis >= TIMEOUT.toMillis() - 100 && millis < TIMEOUT.toMillis() + 3_000,
                "timed out after " + millis + " ms, configured " + TIMEOUT.toMillis());
    }

    @Test
    void peerClosingMidExchangeFailsPromptlyNamingThePeer() throws Exception {
        Future<?> closer = partyOne.submit(() -> {
            Thread.sleep(200);
            one.close();
            return null;
        });
        long start = System.nanoTime();
        ChannelException e = assertThrows(ChannelException.class, () -> zero.exchange(random(300_000, 3)));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        get(closer);
        assertTrue(e.getMessage().contains(zero.peerName()), e.getMessage());
        assertTrue(millis < TIMEOUT.toMillis(), "close noticed only after " + millis + " ms");
    }

    @Test
    void aClosedEndpointRefusesFurtherUse() {
        zero.close();
        assertThrows(ChannelException.class, () -> zero.exchange(new long[1]));
        assertThrows(ChannelException.class, () -> zero.send(new long[1]));
        assertThrows(ChannelException.class, () -> zero.receive(1));
    }

    @Test
    void afterAFailureEveryCallFails() throws Exception {
        assertThrows(ChannelException.class, () -> zero.receive(1));
        // A message arriving after the timeout must not be taken for the answer of a later call.
        get(partyOne.submit(() -> {
            one.send(new long[] {1});
            one.send(new long[] {2});
            return null;
        }));
        ChannelException e = assertThrows(ChannelException.class, () -> zero.receive(1));
        assertTrue(e.getMessage().contains(zero.peerName()), e.getMessage());
    }
}
