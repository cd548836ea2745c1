package org.twintrain.sharing.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What only the TLS channel has: certificate pinning, the run-id hello, TCP timeouts, the wire format. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsChannelTest {
    private static final Logger LOG = LoggerFactory.getLogger(TlsChannelTest.class);
    private static final ChannelConfig CONFIG = ChannelConfig.defaults().withAllTimeouts(Duration.ofSeconds(10));
    private static final PeerIdentity STRANGER = PeerIdentity.generate("twintrain test stranger");

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ExecutorService background;

    @BeforeEach
    void start() {
        background = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        background.shutdownNow();
    }

    private TlsChannel[] pair(ChannelConfig config, String runId) throws Exception {
        TlsChannel[] pair = TlsPairs.open(config, runId);
        toClose.add(pair[0]);
        toClose.add(pair[1]);
        return pair;
    }

    private static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    /** Runs a client and a server that should both fail; returns {client's exception, server's exception}. */
    private ChannelException[] bothRefuse(PeerIdentity clientIdentity, X509Certificate clientPins, String clientRun,
            PeerIdentity serverIdentity, X509Certificate serverPins, String serverRun) throws Exception {
        try (TlsChannelServer server = TlsChannelServer.listen(0, serverIdentity, serverPins, CONFIG)) {
            Future<ChannelException> atServer = background.submit(
                    () -> assertThrows(ChannelException.class, () -> server.accept(serverRun)));
            ChannelException atClient = assertThrows(ChannelException.class, () -> TlsChannel.connect("127.0.0.1",
                    server.port(), clientIdentity, clientPins, CONFIG, clientRun));
            return new ChannelException[] {atClient, get(atServer)};
        }
    }

    @Test
    void tenMillionWordsEachWayAtOnceRoundTripAndThroughputIsLogged() throws Exception {
        TlsChannel[] p = pair(CONFIG, "bulk");
        int n = 10_000_000;
        long[] a = new SplittableRandom(1).longs(n).toArray();
        long[] b = new SplittableRandom(2).longs(n).toArray();
        long start = System.nanoTime();
        Future<long[]> atOne = background.submit(() -> p[1].exchange(b));
        long[] atZero = p[0].exchange(a);
        long[] gotOne = get(atOne);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertArrayEquals(b, atZero);
        assertArrayEquals(a, gotOne);
        double megabytes = 8.0 * n / 1e6;
        LOG.info("TLS loopback exchange of {} words each way: {} s, {} MB/s per direction, {} MB/s both together",
                n, String.format("%.2f", seconds), String.format("%.0f", megabytes / seconds),
                String.format("%.0f", 2 * megabytes / seconds));
    }

    @Test
    void wireBytesCountHelloAndFrameHeaders() throws Exception {
        TlsChannel[] p = pair(CONFIG, "wire");
        long hello = 8 + "wire".getBytes(StandardCharsets.UTF_8).length;
        assertEquals(hello, p[0].wireBytesSent());
        assertEquals(hello, p[1].wireBytesReceived());
        Future<long[]> atOne = background.submit(() -> p[1].exchange(new long[1000]));
        p[0].exchange(new long[1000]);
        get(atOne);
        p[0].send(new long[3]);
        get(background.submit(() -> p[1].receive(3)));
        long frames = 2 * TlsChannel.HEADER_BYTES + 8L * 1003;
        assertEquals(hello + frames, p[0].wireBytesSent());
        assertEquals(hello + frames, p[1].wireBytesReceived());
        assertEquals(8L * 1003, p[0].stats().bytesSent());
        assertEquals(1, p[0].stats().rounds());
        assertEquals("wire", p[0].runId());
    }

    @Test
    void clientWithAnUnpinnedCertificateIsRefusedOnBothSides() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ChannelException[] e;
        // slf4j-simple writes to the current System.err, so the WARN line can be checked.
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            e = bothRefuse(STRANGER, TlsPairs.SERVER_1.certificate(), "run",
                    TlsPairs.SERVER_1, TlsPairs.SERVER_0.certificate(), "run");
        } finally {
            System.setErr(originalErr);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("WARN") && log.contains("Refused TLS peer /127.0.0.1:")
                && log.contains(STRANGER.fingerprint()) && log.contains(TlsPairs.SERVER_0.fingerprint()), log);
        ChannelException atServer = e[1];
        assertTrue(atServer.getMessage().contains("127.0.0.1:"), atServer.getMessage());
        assertTrue(atServer.getMessage().contains("presented certificate SHA-256 " + STRANGER.fingerprint()),
                atServer.getMessage());
        assertTrue(atServer.getMessage().contains("expected the pinned SHA-256 " + TlsPairs.SERVER_0.fingerprint()),
                atServer.getMessage());
        ChannelException atClient = e[0];
        assertTrue(atClient.getMessage().contains("peer 127.0.0.1:"), atClient.getMessage());
    }

    @Test
    void serverWithAnUnpinnedCertificateIsRefusedOnBothSides() throws Exception {
        ChannelException[] e = bothRefuse(TlsPairs.SERVER_0, TlsPairs.SERVER_1.certificate(), "run",
                STRANGER, TlsPairs.SERVER_0.certificate(), "run");
        ChannelException atClient = e[0];
        assertTrue(atClient.getMessage().contains("peer 127.0.0.1:"), atClient.getMessage());
        assertTrue(atClient.getMessage().contains("presented certificate SHA-256 " + STRANGER.fingerprint()),
                atClient.getMessage());
        assertTrue(atClient.getMessage().contains(TlsPairs.SERVER_1.fingerprint()), atClient.getMessage());
        assertTrue(e[1].getMessage().contains("127.0.0.1:"), e[1].getMessage());
    }

    @Test
    void aCertificateWithThePinnedSubjectButAnotherKeyIsRefused() throws Exception {
        PeerIdentity impostor = PeerIdentity.generate("twintrain test server 0");
        assertEquals(TlsPairs.SERVER_0.certificate().getSubjectX500Principal(),
                impostor.certificate().getSubjectX500Principal());
        ChannelException[] e = bothRefuse(impostor, TlsPairs.SERVER_1.certificate(), "run",
                TlsPairs.SERVER_1, TlsPairs.SERVER_0.certificate(), "run");
        assertTrue(e[1].getMessage().contains(impostor.fingerprint()), e[1].getMessage());
    }

    @Test
    void runIdMismatchIsRefusedOnBothSidesBeforeAnyData() throws Exception {
        ChannelException[] e = bothRefuse(TlsPairs.SERVER_0, TlsPairs.SERVER_1.certificate(), "run-7/task-2",
                TlsPairs.SERVER_1, TlsPairs.SERVER_0.certificate(), "run-7/task-3");
        for (ChannelException x : e) {
            assertTrue(x.getMessage().contains("run id mismatch with peer 127.0.0.1:"), x.getMessage());
            assertTrue(x.getMessage().contains("run-7/task-2") && x.getMessage().contains("run-7/task-3"),
                    x.getMessage());
        }
    }

    @Test
    void peerThatAcceptsTcpButNeverSpeaksTlsTimesOut() throws Exception {
        ChannelConfig config = CONFIG.withHandshakeTimeout(Duration.ofMillis(500));
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Future<Socket> held = background.submit(silent::accept);
            long start = System.nanoTime();
            ChannelException e = assertThrows(ChannelException.class, () -> TlsChannel.connect("127.0.0.1",
                    silent.getLocalPort(), TlsPairs.SERVER_0, TlsPairs.SERVER_1.certificate(), config, "run"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            get(held).close();
            assertTrue(e.getMessage().contains("127.0.0.1:" + silent.getLocalPort()), e.getMessage());
            assertTrue(millis >= 450 && millis < 3_000, "gave up after " + millis + " ms");
        }
    }

    @Test
    void silentPeerAfterTheHandshakeTimesOutWithinTheReadTimeout() throws Exception {
        TlsChannel[] p = pair(CONFIG.withReadTimeout(Duration.ofMillis(500)), "silent");
        long start = System.nanoTime();
        ChannelException e = assertThrows(ChannelException.class, () -> p[0].exchange(new long[10]));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().contains("no data from peer " + p[0].peerName() + " within 500 ms"), e.getMessage());
        assertTrue(millis >= 450 && millis < 3_000, "gave up after " + millis + " ms");
    }

    @Test
    void nobodyListeningFailsWithinTheConnectTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        ChannelConfig config = CONFIG.withConnectTimeout(Duration.ofMillis(500));
        long start = System.nanoTime();
        ChannelException e = assertThrows(ChannelException.class, () -> TlsChannel.connect("127.0.0.1", port,
                TlsPairs.SERVER_0, TlsPairs.SERVER_1.certificate(), config, "run"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().contains("cannot connect to peer 127.0.0.1:" + port), e.getMessage());
        assertTrue(millis < 3_000, "gave up after " + millis + " ms");
    }

    @Test
    void connectRetriesUntilThePeerStartsListening() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Future<TlsChannel> late = background.submit(() -> {
            Thread.sleep(300);
            try (TlsChannelServer server = TlsChannelServer.listen(port, TlsPairs.SERVER_1,
                    TlsPairs.SERVER_0.certificate(), CONFIG)) {
                return server.accept("late");
            }
        });
        TlsChannel client = TlsChannel.connect("127.0.0.1", port, TlsPairs.SERVER_0, TlsPairs.SERVER_1.certificate(),
                CONFIG, "late");
        toClose.add(client);
        TlsChannel server = get(late);
        toClose.add(server);
        client.send(new long[] {42});
        assertArrayEquals(new long[] {42}, server.receive(1));
    }

    @Test
    void noPeerWithinTheAcceptTimeoutFails() {
        try (TlsChannelServer server = TlsChannelServer.listen(0, TlsPairs.SERVER_1, TlsPairs.SERVER_0.certificate(),
                CONFIG.withAcceptTimeout(Duration.ofMillis(300)))) {
            ChannelException e = assertThrows(ChannelException.class, () -> server.accept("run"));
            assertTrue(e.getMessage().contains("no peer connected to 127.0.0.1:" + server.port()), e.getMessage());
        }
    }

    @Test
    void replayedFrameIsDetected() throws Exception {
        TlsChannel[] p = pair(CONFIG, "replay");
        p[0].sendRawFrame(0, new long[] {1, 2});
        p[0].sendRawFrame(0, new long[] {1, 2});
        assertArrayEquals(new long[] {1, 2}, p[1].receive(2));
        ChannelException e = assertThrows(ChannelException.class, () -> p[1].receive(2));
        assertTrue(e.getMessage().contains("message 0 from " + p[1].peerName() + " out of sequence (expected 1; "
                + "replayed)"), e.getMessage());
    }

    @Test
    void reorderedFrameIsDetected() throws Exception {
        TlsChannel[] p = pair(CONFIG, "reorder");
        p[0].sendRawFrame(1, new long[] {2});
        p[0].sendRawFrame(0, new long[] {1});
        ChannelException e = assertThrows(ChannelException.class, () -> p[1].receive(1));
        assertTrue(e.getMessage().contains("message 1 from " + p[1].peerName() + " out of sequence (expected 0"),
                e.getMessage());
    }

    @Test
    void droppedFrameIsDetected() throws Exception {
        TlsChannel[] p = pair(CONFIG, "drop");
        p[0].sendRawFrame(0, new long[] {1});
        p[0].sendRawFrame(2, new long[] {3});
        assertArrayEquals(new long[] {1}, p[1].receive(1));
        ChannelException e = assertThrows(ChannelException.class, () -> p[1].receive(1));
        assertTrue(e.getMessage().contains("message 2 from " + p[1].peerName() + " out of sequence (expected 1"),
                e.getMessage());
        // The channel is dropped after the violation: the sender sees it too.
        ChannelException later = assertThrows(ChannelException.class, () -> p[1].exchange(new long[1]));
        assertTrue(later.getMessage().contains("failed earlier"), later.getMessage());
    }

    @Test
    void peerDroppingTheConnectionMidFrameIsReported() throws Exception {
        TlsChannel[] p = pair(CONFIG, "midframe");
        // Party 1 expects more words than arrive before the connection goes away.
        Future<?> sender = background.submit(() -> {
            p[0].send(new SplittableRandom(3).longs(200_000).toArray());
            Thread.sleep(100);
            p[0].close();
            return null;
        });
        ChannelException e = assertThrows(ChannelException.class, () -> p[1].receive(200_000 + 1));
        get(sender);
        assertTrue(e.getMessage().contains(p[1].peerName()), e.getMessage());
    }
}
