package org.twintrain.sharing.channel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;

/**
 * The listening side of the peer channel: binds {@link ChannelConfig#bindAddress()} and a port (0 picks a free
 * one, see {@link #port()}), and {@link #accept}s one peer at a time with mutual TLS 1.3 (client certificate
 * required) and the run-id hello, exactly as {@link TlsChannel#connect} does on the other side.
 */
public final class TlsChannelServer implements AutoCloseable {
    private static final int BACKLOG = 16;

    private final ServerSocket serverSocket;
    private final PeerIdentity own;
    private final X509Certificate pinnedPeer;
    private final ChannelConfig config;

    private TlsChannelServer(ServerSocket serverSocket, PeerIdentity own, X509Certificate pinnedPeer,
            ChannelConfig config) {
        this.serverSocket = serverSocket;
        this.own = own;
        this.pinnedPeer = pinnedPeer;
        this.config = config;
    }

    /** Listens on {@code config.bindAddress():port}. */
    public static TlsChannelServer listen(int port, PeerIdentity own, X509Certificate pinnedPeer,
            ChannelConfig config) {
        try {
            ServerSocket socket = new ServerSocket(port, BACKLOG, InetAddress.getByName(config.bindAddress()));
            socket.setSoTimeout(ChannelConfig.millis(config.acceptTimeout()));
            return new TlsChannelServer(socket, own, pinnedPeer, config);
        } catch (IOException e) {
            throw new ChannelException("cannot listen on " + config.bindAddress() + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The bound port (the chosen one when listening on port 0). */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /**
     * Waits for the peer (up to the accept timeout), then runs the TLS handshake and the hello with
     * {@code runId}. A peer that fails either is disconnected and reported as {@link ChannelException}; the
     * server keeps listening, so the caller may accept again.
     */
    public TlsChannel accept(String runId) {
        TlsChannel.checkRunId(runId);
        Socket plain;
        try {
            plain = serverSocket.accept();
        } catch (SocketTimeoutException e) {
            throw new ChannelException("no peer connected to " + config.bindAddress() + ":" + port() + " within "
                    + config.acceptTimeout().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ChannelException("accepting a peer on " + config.bindAddress() + ":" + port() + " failed: "
                    + e.getMessage(), e);
        }
        String peer = plain.getInetAddress().getHostAddress() + ":" + plain.getPort();
        return TlsChannel.establish(plain, peer, false, own, pinnedPeer, config, runId);
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Nothing is left to release.
        }
    }

    @Override
    public String toString() {
        return "TlsChannelServer[" + config.bindAddress() + ":" + port() + "]";
    }
}
