package org.twintrain.sharing.channel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a plain TCP socket through one {@link SSLEngine}: a blocking handshake, then an input stream for the
 * one reading thread and an output stream for the one writing thread, which may run at the same time.
 *
 * <p>Why not {@code SSLSocket}: SunJSSE's SSLSocket (JDK 17, still in 25) runs a TLS 1.3 KeyUpdate on whichever
 * thread meets it without serializing the two directions: the writer when its key reaches
 * {@code jdk.tls.keyLimits}, the reader when its own key does or when the peer requests an update. With one thread
 * reading while another writes, both can derive the "next" write key from the same secret and both announce it;
 * the peer then advances its read key twice and fails with {@code bad_record_mac} (docs/faults.md). SSLEngine
 * runs wrap and unwrap under one lock, and here only the writing thread calls wrap, so records leave in the order
 * the engine made them. A KeyUpdate that unwrap queues (our reply to the peer's request, or our request when our
 * read key is worn out) goes out first on the next wrap; TLS allows the reply to wait until we send again.
 */
final class EngineStreams {
    /** Records wrapped into one socket write: fewer system calls than one write per 16 KiB record. */
    private static final int RECORDS_PER_WRITE = 4;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final Socket plain;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final Input input;
    private final Output output;

    private EngineStreams(SSLEngine engine, Socket plain) throws IOException {
        this.engine = engine;
        this.plain = plain;
        this.rawIn = plain.getInputStream();
        this.rawOut = plain.getOutputStream();
        this.input = new Input(engine.getSession().getPacketBufferSize(),
                engine.getSession().getApplicationBufferSize());
        this.output = new Output(engine.getSession().getPacketBufferSize());
    }

    /**
     * Runs the handshake on the calling thread (reads time out with the socket's SO_TIMEOUT). On failure the
     * engine's alert, if any, is sent to the peer before the exception is rethrown.
     */
    static EngineStreams handshake(SSLEngine engine, Socket plain) throws IOException {
        EngineStreams streams = new EngineStreams(engine, plain);
        try {
            engine.beginHandshake();
            streams.runHandshake();
        } catch (SSLException e) {
            streams.sendPendingAlert();
            throw e;
        }
        return streams;
    }

    private void runHandshake() throws IOException {
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> output.wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (input.closed) {
                        throw new EOFException("the peer closed TLS during the handshake");
                    }
                    input.unwrapIntoBuffer();
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
                default -> throw new SSLException("unexpected TLS handshake status " + status);
            }
        }
    }

    /** Best effort: tells the peer why we gave up (for example that we refused its certificate). */
    private void sendPendingAlert() {
        try {
            engine.closeOutbound();
            output.wrap(EMPTY);
        } catch (IOException ignored) {
            // The handshake failure is what the caller reports.
        }
    }

    /** Certificate checks and key derivation run here, on the thread that met them. */
    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    /** Plaintext from the peer; for one reading thread. */
    InputStream input() {
        return input;
    }

    /** Plaintext to the peer; for one writing thread (the handshake and hello thread before it starts). */
    OutputStream output() {
        return output;
    }

    /** Sends close_notify and half-closes TCP; call from the writing thread, or once it has stopped. */
    void closeOutbound() throws IOException {
        engine.closeOutbound();
        output.wrap(EMPTY);
        plain.shutdownOutput();
    }

    private final class Input extends InputStream {
        /** Ciphertext read from the socket and not yet unwrapped, between position and limit. */
        private ByteBuffer net;
        /** Plaintext unwrapped and not yet handed out, between position and limit. */
        private ByteBuffer app;
        private boolean closed;

        Input(int packetBytes, int appBytes) {
            net = ByteBuffer.allocate(packetBytes).flip();
            app = ByteBuffer.allocate(appBytes).flip();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (!app.hasRemaining()) {
                if (closed) {
                    return -1;
                }
                if (len >= app.capacity()) {
                    // Large reads decrypt straight into the caller's array, saving a copy.
                    int n = unwrap(ByteBuffer.wrap(b, off, len));
                    if (n > 0) {
                        return n;
                    }
                } else {
                    unwrapIntoBuffer();
                }
            }
            int n = Math.min(len, app.remaining());
            app.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return app.remaining();
        }

        void unwrapIntoBuffer() throws IOException {
            app.compact();
            try {
                unwrap(app);
            } finally {
                app.flip();
            }
        }

        /**
         * Unwraps one record into {@code dst}, reading from the socket as needed; returns the plaintext bytes (0
         * for a handshake or alert record, or when {@code app} had to grow).
         */
        private int unwrap(ByteBuffer dst) throws IOException {
            while (true) {
                SSLEngineResult r = engine.unwrap(net, dst);
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                switch (r.getStatus()) {
                    case OK:
                        return r.bytesProduced();
                    case CLOSED:
                        // The peer's close_notify.
                        closed = true;
                        return r.bytesProduced();
                    case BUFFER_UNDERFLOW:
                        fill();
                        break;
                    case BUFFER_OVERFLOW:
                        growApp(dst == app);
                        return 0;
                    default:
                        throw new SSLException("unexpected TLS unwrap status " + r.getStatus());
                }
            }
        }

        /** Reads more ciphertext; a TCP end without close_notify is an {@link EOFException}. */
        private void fill() throws IOException {
            int packet = engine.getSession().getPacketBufferSize();
            if (net.capacity() < packet) {
                net = ByteBuffer.allocate(packet).put(net).flip();
            }
            net.compact();
            try {
                int n = rawIn.read(net.array(), net.arrayOffset() + net.position(), net.remaining());
                if (n < 0) {
                    throw new EOFException("TCP connection closed without TLS close_notify");
                }
                net.position(net.position() + n);
            } finally {
                net.flip();
            }
        }

        /**
         * Only after the session enlarged its records; keeps unread plaintext and the buffer's mode ({@code filling}:
         * between compact and flip).
         */
        private void growApp(boolean filling) {
            ByteBuffer bigger = ByteBuffer.allocate(
                    Math.max(engine.getSession().getApplicationBufferSize(), app.capacity() + 1));
            if (filling) {
                app = bigger.put(app.flip());
            } else {
                app = bigger.put(app).flip();
            }
        }
    }

    private final class Output extends OutputStream {
        private ByteBuffer net;

        Output(int packetBytes) {
            net = ByteBuffer.allocate(RECORDS_PER_WRITE * packetBytes);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            wrap(ByteBuffer.wrap(b, off, len));
        }

        /**
         * Wraps all of {@code src} and any handshake records the engine has queued (which come first), and writes
         * them to the socket before returning.
         */
        void wrap(ByteBuffer src) throws IOException {
            int packet = engine.getSession().getPacketBufferSize();
            boolean more = true;
            while (more) {
                if (net.remaining() < packet) {
                    drain();
                    if (net.capacity() < packet) {
                        net = ByteBuffer.allocate(RECORDS_PER_WRITE * packet);
                    }
                }
                SSLEngineResult r = engine.wrap(src, net);
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                switch (r.getStatus()) {
                    case OK -> {
                    }
                    case BUFFER_OVERFLOW -> {
                        // Full: send what is there; empty yet too small (records grew): enlarge.
                        if (net.position() > 0) {
                            drain();
                        } else {
                            net = ByteBuffer.allocate(2 * net.capacity());
                        }
                    }
                    case CLOSED -> {
                        if (src.hasRemaining()) {
                            drain();
                            throw new SocketException("TLS output is closed");
                        }
                    }
                    default -> throw new SSLException("unexpected TLS wrap status " + r.getStatus());
                }
                // Continue while data is left, or while the engine still has records queued (a KeyUpdate).
                more = src.hasRemaining() || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW
                        || (r.getStatus() == SSLEngineResult.Status.OK
                                && r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && r.bytesProduced() > 0);
            }
            drain();
        }

        private void drain() throws IOException {
            if (net.position() > 0) {
                rawOut.write(net.array(), net.arrayOffset(), net.position());
                net.clear();
            }
        }
    }
}
