package org.twintrain.jobs.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.ChannelConfig;
import org.twintrain.sharing.channel.ChannelException;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.channel.TlsChannel;
import org.twintrain.sharing.channel.TlsChannelServer;

/**
 * Opens the mutual-TLS channel between task j of server 0 (listens on basePort + j) and task j of server 1
 * (connects). Each party reads only its own key pair and the peer's pinned certificate, from the paths of its
 * own configuration; the run id is checked in the hello, so tasks of different runs never pair. Server 0's
 * listener accepts exactly one peer per task and then closes. A failure to pair says which side waited for which,
 * and the timeout (channel.connectTimeoutMs, both the connect retries and the accept wait).
 *
 * <p>In one application both rows of keyFiles are set; in a server's own application only its own row (the other
 * is null: that application never sees the peer's key).
 *
 * @param keyFiles  per party: {private key PEM, own certificate PEM, pinned peer certificate PEM}
 */
public record TlsChannelOpener(String host, int basePort, String runId, String[][] keyFiles,
        long connectTimeoutMs, long readTimeoutMs) implements ChannelOpener {

    @Override
    public Channel open(int party, int task) {
        String[] files = keyFiles[party];
        PeerIdentity own;
        java.security.cert.X509Certificate peer;
        try {
            own = PeerIdentity.read(Path.of(files[0]), Path.of(files[1]));
            peer = PeerIdentity.readCertificate(Path.of(files[2]));
        } catch (IOException e) {
            throw new UncheckedIOException("server " + party + ": cannot read its key pair or the peer certificate "
                    + "(" + files[1] + ", " + files[2] + ")", e);
        }
        ChannelConfig config = ChannelConfig.defaults().withBindAddress(host)
                .withConnectTimeout(Duration.ofMillis(connectTimeoutMs))
                .withAcceptTimeout(Duration.ofMillis(connectTimeoutMs))
                .withReadTimeout(Duration.ofMillis(readTimeoutMs));
        int port = basePort + task;
        try {
            if (party == 0) {
                // Exactly one peer per task: the listener closes once it has paired (or failed to), so a third
                // process that connects later finds nobody listening.
                try (TlsChannelServer server = TlsChannelServer.listen(port, own, peer, config)) {
                    return server.accept(runId);
                }
            }
            return TlsChannel.connect(host, port, own, peer, config, runId);
        } catch (ChannelException e) {
            String role = party == 0 ? "waited on " + host + ":" + port + " for server 1"
                    : "tried to reach server 0 at " + host + ":" + port;
            throw new ChannelException("server " + party + " (run " + runId + ", task " + task + ") " + role
                    + " and could not pair (channel.connectTimeoutMs = " + connectTimeoutMs + "): " + e.getMessage(), e);
        }
    }
}
