package org.twintrain.sharing.channel;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer channel of real runs: one TCP connection with mutual TLS 1.3 (SunJSSE), each side presenting its
 * {@link PeerIdentity} and trusting exactly the peer certificate pinned in its configuration. Open it with
 * {@link #connect} on one side and {@link TlsChannelServer#accept} on the other.
 *
 * <p>After the handshake both sides send a hello carrying the run id (a session label such as
 * {@code "run-42/task-3"}, never a secret); if the labels differ both sides fail with "run id mismatch" before
 * any data flows. This is what pairs task j of server 0 with task j of server 1.
 *
 * <p>Wire format, all integers big-endian (network order):
 * <pre>
 *   hello:  int magic 0x54544331 ("TTC1") | int n | n bytes run id (UTF-8)
 *   frame:  long sequence | int length (words) | length x long payload
 * </pre>
 * Sequence numbers count each direction from 0; a replayed, dropped or reordered frame, or a length other
 * than the receiver expects, fails the channel with {@link ChannelException} (see {@link SequenceCheck}).
 *
 * <p>Threads: one caller thread uses the channel; a private writer thread does all socket writes, so
 * {@link #exchange} sends and receives at the same time and cannot deadlock at any size, and {@link #send}
 * returns at once (its array is copied). TLS runs in an {@link SSLEngine} ({@link EngineStreams}), not an
 * SSLSocket, so that TLS 1.3 key updates stay correct while both directions are busy. After any failure
 * (timeout, closed or broken connection, protocol violation) the connection is dropped and every later call
 * throws {@link ChannelException} naming the peer.
 */
public final class TlsChannel implements Channel {
    static final int MAGIC = 0x54544331;
    static final int HEADER_BYTES = Long.BYTES + Integer.BYTES;
    private static final int MAX_RUN_ID_BYTES = 1024;
    /** Bytes converted and written per socket write: large enough to fill TLS records, small enough to stay in cache. */
    private static final int CHUNK_BYTES = 1 << 16;
    private static final Logger LOG = LoggerFactory.getLogger(TlsChannel.class);

    private final EngineStreams tls;
    private final Socket plain;
    private final String peerName;
    private final String runId;
    private final int readTimeoutMillis;
    private final DataInputStream in;
    private final OutputStream out;
    private final ExecutorService writer;
    private final ChannelStats stats = new ChannelStats();
    private final AtomicLong wireSent = new AtomicLong();
    private final AtomicLong wireReceived = new AtomicLong();
    private final SequenceCheck receiveCheck;
    private long sendSequence;

    // Reader side (caller thread only).
    private final byte[] readChunk = new byte[CHUNK_BYTES];
    private final LongBuffer readWords = ByteBuffer.wrap(readChunk).asLongBuffer();
    // Writer side (writer thread only). The first chunk of a frame starts after the header.
    private final byte[] writeChunk = new byte[CHUNK_BYTES];
    private final ByteBuffer writeHeader = ByteBuffer.wrap(writeChunk);
    private final LongBuffer firstWords = ByteBuffer.wrap(writeChunk, HEADER_BYTES, CHUNK_BYTES - HEADER_BYTES)
            .slice().asLongBuffer();
    private final LongBuffer writeWords = ByteBuffer.wrap(writeChunk).asLongBuffer();

    private volatile ChannelException failure;
    private volatile boolean closed;

    private TlsChannel(EngineStreams tls, Socket plain, String peerName, String runId, ChannelConfig config) {
        this.tls = tls;
        this.plain = plain;
        this.peerName = peerName;
        this.runId = runId;
        this.readTimeoutMillis = ChannelConfig.millis(config.readTimeout());
        this.in = new DataInputStream(tls.input());
        this.out = tls.output();
        this.receiveCheck = new SequenceCheck(peerName);
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tls-channel-writer " + peerName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to the peer's {@link TlsChannelServer}, retrying a refused connection until the connect timeout
     * (the peer may start a little later), then runs the TLS handshake and the run-id hello.
     *
     * @throws ChannelException naming the peer if it cannot be reached, refuses us, is refused, or has another run id
     */
    public static TlsChannel connect(String host, int port, PeerIdentity own, X509Certificate pinnedPeer,
            ChannelConfig config, String runId) {
        checkRunId(runId);
        String peer = host + ":" + port;
        long timeout = config.connectTimeout().toMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        long backoff = 20;
        while (true) {
            Socket plain = new Socket();
            try {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                plain.connect(new InetSocketAddress(host, port), (int) Math.max(1, left));
                return establish(plain, peer, true, own, pinnedPeer, config, runId);
            } catch (ConnectException e) {
                closeQuietly(plain);
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= backoff) {
                    throw new ChannelException("cannot connect to peer " + peer + " within " + timeout + " ms: "
                            + e.getMessage(), e);
                }
                sleep(backoff, peer);
                backoff = Math.min(500, backoff * 2);
            } catch (SocketTimeoutException e) {
                closeQuietly(plain);
                throw new ChannelException("connecting to peer " + peer + " timed out after " + timeout + " ms", e);
            } catch (IOException e) {
                closeQuietly(plain);
                throw new ChannelException("cannot connect to peer " + peer + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs TLS over an open TCP connection (client or server side), then the hello. Package-private: the
     * server side is {@link TlsChannelServer#accept}.
     */
    static TlsChannel establish(Socket plain, String peer, boolean client, PeerIdentity own,
            X509Certificate pinnedPeer, ChannelConfig config, String runId) {
        PinnedTls tls = new PinnedTls(own, pinnedPeer, plain.getRemoteSocketAddress());
        try {
            plain.setTcpNoDelay(true);
            plain.setSoTimeout(ChannelConfig.millis(config.handshakeTimeout()));
            SSLEngine engine = tls.context().createSSLEngine(plain.getInetAddress().getHostAddress(), plain.getPort());
            engine.setUseClientMode(client);
            if (!client) {
                engine.setNeedClientAuth(true);
            }
            engine.setEnabledProtocols(new String[] {PinnedTls.PROTOCOL});
            TlsChannel channel = new TlsChannel(EngineStreams.handshake(engine, plain), plain, peer, runId, config);
            channel.hello(tls, own);
            plain.setSoTimeout(channel.readTimeoutMillis);
            LOG.info("Channel to peer {} open: {} {}, peer certificate SHA-256 {}, run id '{}'", peer,
                    engine.getSession().getProtocol(), engine.getSession().getCipherSuite(),
                    PeerIdentity.fingerprint(pinnedPeer), runId);
            return channel;
        } catch (SocketTimeoutException e) {
            closeQuietly(plain);
            throw new ChannelException("no TLS handshake with peer " + peer + " within "
                    + config.handshakeTimeout().toMillis() + " ms", e);
        } catch (SSLException e) {
            closeQuietly(plain);
            throw new ChannelException("TLS handshake with peer " + peer + " failed: " + describe(tls, own, e), e);
        } catch (IOException e) {
            closeQuietly(plain);
            throw new ChannelException("TLS setup with peer " + peer + " failed: " + e, e);
        }
    }

    /** The run id goes into the hello and into logs: a label, at most 1024 UTF-8 bytes. */
    static void checkRunId(String runId) {
        if (runId == null || runId.getBytes(StandardCharsets.UTF_8).length > MAX_RUN_ID_BYTES) {
            throw new IllegalArgumentException("run id must be non-null and at most " + MAX_RUN_ID_BYTES
                    + " UTF-8 bytes");
        }
    }

    private static String describe(PinnedTls tls, PeerIdentity own, SSLException e) {
        if (tls.refusal() != null) {
            return "we refused it: " + tls.refusal();
        }
        String message = e.getMessage();
        if (message != null && message.contains("certificate")) {
            LOG.warn("TLS peer refused our certificate SHA-256 {}: {}", own.fingerprint(), message);
            return "the peer refused our certificate SHA-256 " + own.fingerprint() + " (" + message
                    + "); check that it pins this certificate";
        }
        return String.valueOf(message);
    }

    /** Both sides write their hello, then read the peer's: tiny, so it never fills a socket buffer. */
    private void hello(PinnedTls tls, PeerIdentity own) throws IOException {
        byte[] label = runId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer hello = ByteBuffer.allocate(8 + label.length).putInt(MAGIC).putInt(label.length).put(label);
        try {
            out.write(hello.array());
            out.flush();
            wireSent.addAndGet(hello.capacity());
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw fail(new ChannelException("peer " + peerName + " does not speak the TwinTrain channel protocol "
                        + "(hello magic 0x" + Integer.toHexString(magic) + ")"));
            }
            int n = in.readInt();
            if (n < 0 || n > MAX_RUN_ID_BYTES) {
                throw fail(new ChannelException("peer " + peerName + " sent a run id of " + n + " bytes"));
            }
            byte[] theirs = new byte[n];
            in.readFully(theirs);
            wireReceived.addAndGet(8L + n);
            String peerRunId = new String(theirs, StandardCharsets.UTF_8);
            if (!peerRunId.equals(runId)) {
                LOG.warn("Run id mismatch with peer {}: ours '{}', the peer's '{}'", peerName, runId, peerRunId);
                throw fail(new ChannelException("run id mismatch with peer " + peerName + ": ours '" + runId
                        + "', the peer's '" + peerRunId + "'"));
            }
        } catch (EOFException e) {
            throw fail(new ChannelException("peer " + peerName + " closed the connection during the hello", e));
        } catch (SSLException e) {
            // TLS 1.3: a client learns only here that the server refused its certificate.
            throw fail(new ChannelException("TLS with peer " + peerName + " failed: " + describe(tls, own, e), e));
        }
    }

    @Override
    public long[] exchange(long[] mine) {
        ensureUsable();
        // No copy: the caller gets control back only after the write has finished.
        Future<?> write = enqueue(sendSequence++, mine);
        stats.sent(8L * mine.length);
        long[] theirs = receive(mine.length);
        awaitWrite(write);
        stats.round();
        return theirs;
    }

    @Override
    public void send(long[] words) {
        ensureUsable();
        enqueue(sendSequence++, words.clone());
        stats.sent(8L * words.length);
    }

    @Override
    public long[] receive(int length) {
        ensureUsable();
        try {
            in.readFully(readChunk, 0, HEADER_BYTES);
            ByteBuffer header = ByteBuffer.wrap(readChunk, 0, HEADER_BYTES);
            long sequence = header.getLong();
            int words = header.getInt();
            // Checked before allocating: a bad header must not make us allocate its claimed length.
            receiveCheck.accept(sequence, words, length);
            long[] result = new long[length];
            int chunkWords = CHUNK_BYTES / Long.BYTES;
            for (int done = 0; done < length; ) {
                int n = Math.min(chunkWords, length - done);
                in.readFully(readChunk, 0, n * Long.BYTES);
                readWords.get(0, result, done, n);
                done += n;
            }
            wireReceived.addAndGet(HEADER_BYTES + 8L * length);
            stats.received(8L * length);
            return result;
        } catch (ChannelException e) {
            throw fail(e);
        } catch (SocketTimeoutException e) {
            throw fail(new ChannelException("no data from peer " + peerName + " within " + readTimeoutMillis
                    + " ms", e));
        } catch (EOFException e) {
            throw fail(new ChannelException("peer " + peerName + " closed the connection", e));
        } catch (IOException e) {
            throw fail(new ChannelException(closed ? "channel to peer " + peerName + " is closed"
                    : "connection to peer " + peerName + " broke while receiving: " + e.getMessage(), e));
        }
    }

    /** Test hook: sends a frame with an arbitrary sequence number, bypassing the counter, and waits for it. */
    void sendRawFrame(long sequence, long[] words) {
        awaitWrite(enqueue(sequence, words));
    }

    private Future<?> enqueue(long sequence, long[] words) {
        // Counted here, on the caller thread, so the counters are exact whenever the caller looks.
        wireSent.addAndGet(HEADER_BYTES + 8L * words.length);
        try {
            return writer.submit(() -> {
                try {
                    writeFrame(sequence, words);
                } catch (IOException e) {
                    throw fail(new ChannelException(closed ? "channel to peer " + peerName + " is closed"
                            : "connection to peer " + peerName + " broke while sending: " + e.getMessage(), e));
                }
            });
        } catch (RejectedExecutionException e) {
            // The writer failed (and was shut down) after this call's ensureUsable().
            ChannelException f = failure;
            throw new ChannelException("channel to peer " + peerName + " failed: "
                    + (f == null ? "writer stopped" : f.getMessage()), f == null ? e : f);
        }
    }

    /** Writer thread: header and payload converted chunk by chunk into one reused buffer. */
    private void writeFrame(long sequence, long[] words) throws IOException {
        writeHeader.putLong(0, sequence).putInt(Long.BYTES, words.length);
        int n = Math.min(words.length, firstWords.capacity());
        firstWords.put(0, words, 0, n);
        out.write(writeChunk, 0, HEADER_BYTES + n * Long.BYTES);
        for (int done = n; done < words.length; done += n) {
            n = Math.min(words.length - done, writeWords.capacity());
            writeWords.put(0, words, done, n);
            out.write(writeChunk, 0, n * Long.BYTES);
        }
        out.flush();
    }

    /** The peer may lag behind in reading our part; it gets the read timeout to catch up. */
    private void awaitWrite(Future<?> write) {
        try {
            write.get(readTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ChannelException c ? c
                    : fail(new ChannelException("sending to peer " + peerName + " failed", e.getCause()));
        } catch (TimeoutException e) {
            throw fail(new ChannelException("peer " + peerName + " read nothing for " + readTimeoutMillis
                    + " ms while we were sending", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(new ChannelException("interrupted while sending to peer " + peerName, e));
        }
    }

    /** Records the first failure and drops the TCP connection, which also unblocks the writer thread. */
    private ChannelException fail(ChannelException e) {
        if (failure == null) {
            failure = e;
        }
        closeQuietly(plain);
        writer.shutdownNow();
        return e;
    }

    private void ensureUsable() {
        if (closed) {
            throw new ChannelException("channel to peer " + peerName + " is closed");
        }
        ChannelException f = failure;
        if (f != null) {
            throw new ChannelException("channel to peer " + peerName + " failed earlier: " + f.getMessage(), f);
        }
    }

    @Override
    public String peerName() {
        return peerName;
    }

    /** The run id both sides agreed on in the hello. */
    public String runId() {
        return runId;
    }

    @Override
    public ChannelStats stats() {
        return stats;
    }

    /**
     * Bytes of hello and frames (headers included) handed to TLS so far. TLS adds about 22 bytes per record
     * of at most 16 KiB (0.14%) plus the handshake, TCP/IP its own headers; neither is counted here.
     */
    public long wireBytesSent() {
        return wireSent.get();
    }

    /** Bytes of hello and frames read from TLS so far, see {@link #wireBytesSent()}. */
    public long wireBytesReceived() {
        return wireReceived.get();
    }

    /**
     * Flushes pending sends (up to the read timeout), then closes the connection with a TLS close_notify; the
     * peer's next receive fails with {@link ChannelException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writer.shutdown();
        try {
            if (failure == null && writer.awaitTermination(readTimeoutMillis, TimeUnit.MILLISECONDS)) {
                // Sends close_notify and a TCP half-close; the peer's close_notify is not awaited.
                tls.closeOutbound();
            }
        } catch (IOException e) {
            LOG.debug("closing TLS to peer {}: {}", peerName, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writer.shutdownNow();
            closeQuietly(plain);
        }
    }

    @Override
    public String toString() {
        return "TlsChannel[peer " + peerName + ", run " + runId + ", " + stats + "]";
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing after a failure: the original error is what matters.
        }
    }

    private static void sleep(long millis, String peer) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while connecting to peer " + peer, e);
        }
    }
}
