package org.twintrain.jobs.train;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.twintrain.jobs.Command;
import org.twintrain.jobs.CommandLine;
import org.twintrain.jobs.SparkSessions;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.store.StoreLayout;

/**
 * {@code submit/twintrain train}: {@link SecureTrainJob} on data already shared into two stores, the servers
 * talking over mutual TLS with the key files of the configuration (channel.server0.* and channel.server1.*),
 * optionally evaluating on a shared test set; prints both servers' reports. With {@code --server N}, {@link
 * PerServerTrainJob}: server N's own application, with only its own store and key files.
 */
public final class TrainCommand implements Command {
    private static final String[] KEY_FILES = {"key", "cert", "peerCert"};

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "secure training on two server stores over mutual TLS; prints each server's report";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain train --store0 DIR --store1 DIR --data NAME --run RUN [--test NAME]
                                              [--conf FILE] [--set key=value ...]
                       submit/twintrain train --server 0|1 --store DIR --data NAME --run RUN [--test NAME]
                                              [--conf FILE] [--set key=value ...]

                One application, two pools (--store0/--store1): trains model.name on the data set NAME shared into
                both stores (each server's task reads only its own store, in its own FAIR pool), the two tasks
                talking over mutual TLS on channel.host / channel.port with the key files of
                channel.server0.{key,cert,peerCert} and channel.server1.{key,cert,peerCert} (make them with
                submit/twintrain keys generate, see conf/twintrain-defaults.properties). Each server writes its model share
                to STORE/model/RUN. With --test, both servers then evaluate on that shared test set, revealing only
                the count of correct predictions.

                One server's own application (--server N --store DIR): the same training task for server N alone,
                reading only its own store and its own key files channel.serverN.{key,cert,peerCert} (the other
                server's key must not be set). Server 0 listens on channel.host:channel.port and accepts exactly one
                peer; server 1 connects to it; both give up after channel.connectTimeoutMs. Needs stored triples
                (triples.plan). Right after connecting, both check that they run the same plan (training settings,
                data set session, triples plan, run id) and refuse otherwise, before any share is opened. With
                --test, the stored plan must hold the evaluation's triples (triples --data NAME --test TEST).

                train.tasks = k (both forms) runs k data-parallel task pairs: each server's k tasks in one barrier
                stage (k task slots per server), pair j on channel.port + j (docs/data-parallel.md).

                  --store0 DIR   server 0's store        --store1 DIR   server 1's store
                  --server N     run only server N       --store DIR    that server's store
                  --data NAME    shared training set     --test NAME    shared test set (optional)
                  --run RUN      run id (model folder name, checked in the channel hello)""";
    }

    @Override
    public int run(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(name(), args,
                Set.of("store0", "store1", "data", "run", "test", "server", "store"), Set.of());
        TwinTrainConf conf = line.conf();
        if (line.has("server")) {
            return runServer(line, conf);
        }
        if (line.has("store")) {
            throw new IllegalArgumentException("--store goes with --server N; for both servers in one application give"
                    + " --store0 and --store1");
        }
        checkTriples(conf);
        String[][] keys = keyFiles(conf);
        return SparkSessions.run("twintrain-train", conf, spark -> {
            SecureTrainJob.Result r = run(spark, conf, new StoreLayout(line.require("store0")),
                    new StoreLayout(line.require("store1")), line.require("data"), line.get("test", null),
                    line.require("run"), keys);
            System.out.print(report(r, conf.get("model.name")));
            return 0;
        });
    }

    /** The value of triples.inApplicationDealer that accepts the in-application dealer; it names the risk. */
    static final String INSECURE_DEALER = "either-server-can-unmask-everything";

    /**
     * train needs stored triples: without triples.plan the in-application dealer would put one dealer seed into both
     * servers' tasks, and either executor could then unmask all data and weights. Accepted only when
     * triples.inApplicationDealer names that risk, and then with a warning.
     */
    static void checkTriples(TwinTrainConf conf) {
        if (!conf.get("triples.plan").isEmpty()) {
            return;
        }
        String dealer = conf.get("triples.inApplicationDealer").trim();
        if (dealer.equals(INSECURE_DEALER)) {
            org.slf4j.LoggerFactory.getLogger(TrainCommand.class).warn("training with the in-application dealer"
                    + " (triples.inApplicationDealer = {}): one dealer seed goes into both servers' tasks, so either"
                    + " server's executor can compute every triple and unmask all training data and the model; for"
                    + " demos and tests only", INSECURE_DEALER);
            return;
        }
        if (!dealer.equals("refuse")) {
            throw new IllegalArgumentException("triples.inApplicationDealer must be refuse or " + INSECURE_DEALER
                    + ", got '" + dealer + "'");
        }
        throw new IllegalArgumentException("train needs stored triples: set triples.plan to the plan id that"
                + " submit/twintrain triples --data NAME prints. Without a plan, one dealer seed would go into both"
                + " servers' tasks and either server could unmask all data and weights; to accept that (demos, tests)"
                + " set triples.inApplicationDealer=" + INSECURE_DEALER);
    }

    /** {@code --server N}: this server's own application. */
    private int runServer(CommandLine line, TwinTrainConf conf) throws Exception {
        int party = party(line.require("server"));
        for (String other : new String[] {"store0", "store1"}) {
            if (line.has(other)) {
                throw new IllegalArgumentException("--" + other + " does not go with --server: a server's application"
                        + " reads only its own --store");
            }
        }
        StoreLayout store = new StoreLayout(line.require("store"));
        String data = line.require("data");
        String runId = line.require("run");
        TlsChannelOpener channels = serverChannel(conf, party, runId);
        return SparkSessions.run("twintrain-train-server" + party, conf, spark -> {
            PerServerTrainJob.Result r = PerServerTrainJob.run(spark, conf, party, store, data, line.get("test", null),
                    runId, new EngineProgram(), channels);
            System.out.print(serverReport(r, conf.get("model.name")));
            return 0;
        });
    }

    /**
     * The channel of server party's own application: its own key files only (the peer's key, if this configuration
     * names it, is refused), and a fixed port (the peer must know it).
     */
    static TlsChannelOpener serverChannel(TwinTrainConf conf, int party, String runId) {
        String peerKey = "channel.server" + (1 - party) + ".key";
        if (!conf.get(peerKey).isEmpty()) {
            throw new IllegalArgumentException("server " + party + "'s configuration names the other server's private"
                    + " key (" + peerKey + "); a server's application holds only its own key pair and the peer's"
                    + " certificate (channel.server" + party + ".{key,cert,peerCert})");
        }
        int port = conf.getInt("channel.port");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("--server needs a fixed channel.port (server 0 listens on it, server 1"
                    + " connects to it), got " + port);
        }
        String[][] keys = new String[2][];
        keys[party] = ownKeyFiles(conf, party);
        return new TlsChannelOpener(conf.get("channel.host"), port, runId, keys,
                conf.getLong("channel.connectTimeoutMs"), conf.getLong("channel.readTimeoutMs"));
    }

    static int party(String text) {
        if (!text.equals("0") && !text.equals("1")) {
            throw new IllegalArgumentException("--server takes 0 or 1, got '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    static String serverReport(PerServerTrainJob.Result r, String model) {
        ServerReport s = r.report();
        return String.format(Locale.ROOT, "secure training of %s, server %d's own application%n  server %d: %d rows,"
                + " %.1f s, %,d bytes sent, %,d bytes received, %,d rounds, %,d triples (executor %s)%n  model share: %s%n%s",
                model, s.party(), s.party(), s.rows(), s.seconds(), s.bytesSent(), s.bytesReceived(), s.rounds(),
                s.triplesTaken(), s.executor(), r.model(), s.testRows() == 0 ? "" : String.format(Locale.ROOT,
                        "  test accuracy (computed on shares, only the count revealed): %d of %d = %.2f %%%n",
                        s.correct(), s.testRows(), 100.0 * s.testAccuracy()));
    }

    static SecureTrainJob.Result run(SparkSession spark, TwinTrainConf conf, StoreLayout store0, StoreLayout store1,
            String data, String test, String runId, String[][] keys) throws Exception {
        TlsChannelOpener channels = new TlsChannelOpener(conf.get("channel.host"), port(conf), runId, keys,
                conf.getLong("channel.connectTimeoutMs"), conf.getLong("channel.readTimeoutMs"));
        return SecureTrainJob.run(spark, conf, store0, store1, data, test, runId, new EngineProgram(), channels);
    }

    /** Per server {key, cert, peer cert}, from channel.serverN.*; each must name an existing file. */
    static String[][] keyFiles(TwinTrainConf conf) {
        return new String[][] {ownKeyFiles(conf, 0), ownKeyFiles(conf, 1)};
    }

    /** Server party's {key, cert, peer cert}, from channel.serverN.*; each must name an existing file. */
    static String[] ownKeyFiles(TwinTrainConf conf, int party) {
        String[] files = new String[KEY_FILES.length];
        for (int i = 0; i < KEY_FILES.length; i++) {
            String key = "channel.server" + party + "." + KEY_FILES[i];
            String path = conf.get(key).trim();
            if (path.isEmpty()) {
                throw new IllegalArgumentException(key + " is not set; make key pairs with submit/twintrain keys generate"
                        + " (see conf/twintrain-defaults.properties)");
            }
            if (!Files.isReadable(Path.of(path))) {
                throw new IllegalArgumentException(key + " names " + path + ", which is not a readable file");
            }
            files[i] = path;
        }
        return files;
    }

    static String report(SecureTrainJob.Result r, String model) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "secure training of %s%n", model));
        for (ServerReport s : new ServerReport[] {r.server0(), r.server1()}) {
            sb.append(String.format(Locale.ROOT, "  server %d: %d rows, %.1f s, %,d bytes sent, %,d bytes received, %,d"
                    + " rounds, %,d triples (executor %s)%n", s.party(), s.rows(), s.seconds(), s.bytesSent(),
                    s.bytesReceived(), s.rounds(), s.triplesTaken(), s.executor()));
        }
        if (r.server0().testRows() > 0) {
            sb.append(String.format(Locale.ROOT, "  test accuracy (computed on shares, only the count revealed): %d of %d"
                    + " = %.2f %%%n", r.server0().correct(), r.server0().testRows(), 100 * r.server0().testAccuracy()));
        }
        sb.append(String.format(Locale.ROOT, "  model shares: %s and %s%n", r.model0(), r.model1()));
        return sb.toString();
    }

    /** channel.port, or a free loopback port when it is 0 (also the demo's). */
    public static int port(TwinTrainConf conf) throws IOException {
        int configured = conf.getInt("channel.port");
        if (configured != 0) {
            return configured;
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(conf.get("channel.host")))) {
            return probe.getLocalPort();
        }
    }
}
