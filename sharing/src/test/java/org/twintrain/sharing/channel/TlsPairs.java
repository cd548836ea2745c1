package org.twintrain.sharing.channel;

import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Test helper: two identities made once per JVM, and loopback TLS pairs between them. */
final class TlsPairs {
    static final PeerIdentity SERVER_0 = PeerIdentity.generate("twintrain test server 0");
    static final PeerIdentity SERVER_1 = PeerIdentity.generate("twintrain test server 1");

    private TlsPairs() {
    }

    /**
     * Server 1 listens on an ephemeral loopback port, server 0 connects. Returns {server 0's endpoint, server 1's}.
     * Either side's failure is rethrown (as the ChannelException of the side that failed first in time order of
     * the calls: client first).
     */
    static TlsChannel[] open(ChannelConfig config, String runId) throws Exception {
        return open(config, SERVER_0, SERVER_1.certificate(), runId, SERVER_1, SERVER_0.certificate(), runId);
    }

    static TlsChannel[] open(ChannelConfig config, PeerIdentity clientIdentity, X509Certificate clientPins,
            String clientRunId, PeerIdentity serverIdentity, X509Certificate serverPins, String serverRunId)
            throws Exception {
        ExecutorService acceptor = Executors.newSingleThreadExecutor();
        try (TlsChannelServer server = TlsChannelServer.listen(0, serverIdentity, serverPins, config)) {
            Future<TlsChannel> accepted = acceptor.submit(() -> server.accept(serverRunId));
            TlsChannel client;
            try {
                client = TlsChannel.connect("127.0.0.1", server.port(), clientIdentity, clientPins, config, clientRunId);
            } catch (ChannelException e) {
                // Let the server side finish too, so no thread outlives the test.
                try {
                    accepted.get(30, TimeUnit.SECONDS).close();
                } catch (ExecutionException ignored) {
                    // Expected when both sides refuse.
                }
                throw e;
            }
            try {
                return new TlsChannel[] {client, accepted.get(30, TimeUnit.SECONDS)};
            } catch (ExecutionException e) {
                client.close();
                throw e.getCause() instanceof Exception c ? c : e;
            }
        } finally {
            acceptor.shutdownNow();
        }
    }
}
