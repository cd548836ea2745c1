package org.twintrain.jobs.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
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
        PeerIdentity own = ownIdentity(party);
        java.security.cert.X509Certificate peer;
        try {
            peer = PeerIdentity.readCertificate(Path.of(files[2]));
        } catch (IOException e) {
            throw new UncheckedIOException("server " + party + ": cannot read the peer certificate " + files[2], e);
        }
        ChannelConfig config = config(host);
        int port = basePort + task;
        // The hello carries the run id and the task index: a task of server 1 that meets server 0's task of
        // another index (cross-paired ports) is refused like a peer of another run.
        String label = runId + "/task" + task;
        try {
            if (party == 0) {
                // Exactly one peer per task: the listener closes once it has paired (or failed to), so a third
                // process that connects later finds nobody listening.
                try (TlsChannelServer server = TlsChannelServer.listen(port, own, peer, config)) {
                    return server.accept(label);
                }
            }
            return TlsChannel.connect(host, port, own, peer, config, label);
        } catch (ChannelException e) {
            String role = party == 0 ? "waited on " + host + ":" + port + " for server 1"
                    : "tried to reach server 0 at " + host + ":" + port;
            throw new ChannelException("server " + party + " (run " + runId + ", task " + task + ") " + role
                    + " and could not pair" + (timedOut(e) ? " within channel.connectTimeoutMs = " + connectTimeoutMs : "")
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Among one server's own tasks: task 0 listens on a free port of its executor's address and publishes it
     * through allGather; the others connect and say their index. Mutual TLS with the server's own key pair, each
     * side pinning that same certificate: only tasks holding this server's key join, never the other server's.
     */
    @Override
    public List<Channel> siblings(int party, int task, int tasks, Function<String, String[]> allGather) {
        PeerIdentity own = ownIdentity(party);
        String siblingRun = runId + "-server" + party;
        if (task == 0) {
            String address = executorHost();
            try (TlsChannelServer server = TlsChannelServer.listen(0, own, own.certificate(), config(address))) {
                allGather.apply(address + ":" + server.port());
                Channel[] byTask = new Channel[tasks];
                try {
                    for (int i = 1; i < tasks; i++) {
                        Channel c = server.accept(siblingRun);
                        long j = c.receive(1)[0];
                        if (j < 1 || j >= tasks || byTask[(int) j] != null) {
                            c.close();
                            throw new ChannelException("server " + party + " task 0: a sibling task said it is task "
                                    + j + " of " + tasks + " (run " + runId + ")");
                        }
                        byTask[(int) j] = c;
                    }
                } catch (RuntimeException e) {
                    for (Channel c : byTask) {
                        if (c != null) {
                            c.close();
                        }
                    }
                    throw e;
                }
                return java.util.Arrays.asList(byTask).subList(1, tasks);
            }
        }
        String lead = allGather.apply("")[0];
        int colon = lead.lastIndexOf(':');
        Channel c = TlsChannel.connect(lead.substring(0, colon), Integer.parseInt(lead.substring(colon + 1)), own,
                own.certificate(), config(host), siblingRun);
        c.send(new long[] {task});
        return List.of(c);
    }

    private PeerIdentity ownIdentity(int party) {
        String[] files = keyFiles[party];
        try {
            return PeerIdentity.read(Path.of(files[0]), Path.of(files[1]));
        } catch (IOException e) {
            throw new UncheckedIOException("server " + party + ": cannot read its key pair (" + files[1] + ")", e);
        }
    }

    private ChannelConfig config(String bindAddress) {
        return ChannelConfig.defaults().withBindAddress(bindAddress)
                .withConnectTimeout(Duration.ofMillis(connectTimeoutMs))
                .withAcceptTimeout(Duration.ofMillis(connectTimeoutMs))
                .withReadTimeout(Duration.ofMillis(readTimeoutMs));
    }

    /** The address this executor's Spark block manager uses (loopback in local mode), else channel.host. */
    private String executorHost() {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        return env == null ? host : env.blockManager().blockManagerId().host();
    }

    /** Whether the pairing failed by waiting too long (not by a refusal, which the message names). */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (t instanceof java.net.SocketTimeoutException || m.contains("timed out") || m.contains(" within ")
                    || m.contains("no peer connected")) {
                return true;
            }
        }
        return false;
    }
}
