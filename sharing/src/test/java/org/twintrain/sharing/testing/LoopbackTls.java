package org.twintrain.sharing.testing;

import java.util.concurrent.CompletableFuture;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.ChannelConfig;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.channel.TlsChannel;
import org.twintrain.sharing.channel.TlsChannelServer;

/** Connected mutual-TLS channel pairs on 127.0.0.1 (ephemeral port), with one key pair per party for the JVM. */
public final class LoopbackTls {
    private static final PeerIdentity PARTY_0 = PeerIdentity.generate("twintrain test party 0");
    private static final PeerIdentity PARTY_1 = PeerIdentity.generate("twintrain test party 1");

    private LoopbackTls() {
    }

    /** {party 0's end (the listener), party 1's end}. */
    public static Channel[] pair() {
        ChannelConfig config = ChannelConfig.defaults();
        try (TlsChannelServer server = TlsChannelServer.listen(0, PARTY_0, PARTY_1.certificate(), config)) {
            CompletableFuture<TlsChannel> accepted = CompletableFuture.supplyAsync(() -> server.accept("test-run"));
            TlsChannel client = TlsChannel.connect("127.0.0.1", server.port(), PARTY_1, PARTY_0.certificate(), config,
                    "test-run");
            return new Channel[] {accepted.join(), client};
        }
    }
}
