package org.twintrain.jobs.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.twintrain.dataprep.format.DigitsReader;

/**
 * {@code submit/twintrain} through a real {@code spark-submit}: SPARK_HOME is a Spark distribution laid out from
 * the Maven jars ({@code jars/} without TwinTrain's own modules, which the launcher ships with {@code --jars};
 * {@code bin/spark-submit} and {@code bin/spark-class} asking {@code org.apache.spark.launcher.Main} for the
 * command, as the distribution's scripts do), and the master is a standalone Master with one Worker per server
 * (the worker files and discovery scripts of {@code conf/}, each offering its server's resource twice: one for
 * an executor, one for a driver). Everything binds to 127.0.0.1.
 *
 * <p>Client mode: the whole pipeline, {@code keys}, {@code prep} of the optical digits, {@code share},
 * {@code triples}, {@code train} with the stored triples (one application, two pools: conf/spark-pools.conf and
 * conf/cluster-pools.properties), {@code reveal} and {@code evaluate}. Cluster deploy mode: each server's own
 * application ({@code train --server N}, conf/cluster-serverN.conf), its driver on its own worker, on copies of
 * the stores. A failsafe test: it needs the packaged jars that the launcher submits.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class SparkSubmitPipelineIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CONF = ROOT.resolve("conf");
    private static final Duration STEP = Duration.ofMinutes(4);
    /** prep, share, triples, reveal, evaluate: one single-core executor, C1 only (they compute little). */
    private static final String[] DATA_STEPS = {"--conf", "spark.cores.max=1", "--conf", "spark.executor.cores=1",
        "--conf", "spark.executor.defaultJavaOptions=-XX:TieredStopAtLevel=1"};

    private static Path dir;
    private static StandaloneCluster cluster;
    private static final Path[] WORK = new Path[2];

    @BeforeAll
    static void startCluster() throws Exception {
        long start = System.nanoTime();
        dir = Path.of("target", "spark-submit-it").toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        cluster = new StandaloneCluster(dir, true);
        try (Stream<Path> jars = Files.list(cluster.sparkHome().resolve("jars"))) {
            List<String> own = jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("twintrain-")).toList();
            assertTrue(own.isEmpty(), "the distribution's jars/ holds no TwinTrain module: " + own);
        }
        cluster.startMaster(Duration.ofSeconds(120));
        for (int s = 0; s < 2; s++) {
            // Two cores and 2 GiB: a server's driver (cluster deploy mode) and its executor side by side.
            WORK[s] = cluster.startWorker("worker" + s, workerProperties(s), Map.of(), 2, "2g");
        }
        cluster.awaitWorkers(2, Duration.ofSeconds(120));
        System.out.printf("standalone cluster (master + 2 workers) up in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** conf/worker-serverS.conf with a discovery script offering two addresses of resource serverS. */
    private static Path workerProperties(int s) throws IOException {
        String worker = Files.readString(CONF.resolve("worker-server" + s + ".conf"));
        assertTrue(worker.contains("spark.worker.resource.server" + s + ".amount = 1"), worker);
        Path script = dir.resolve("discover-server" + s + ".sh");
        Files.writeString(script, "#!/usr/bin/env bash\necho '{\"name\":\"server" + s + "\",\"addresses\":[\"0\",\"1\"]}'\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String copy = worker.replace("spark.worker.resource.server" + s + ".amount = 1",
                "spark.worker.resource.server" + s + ".amount = 2")
                .replaceAll("(?m)^(spark\\.worker\\.resource\\.server" + s + "\\.discoveryScript) = .*$", "$1 = " + script);
        Path out = dir.resolve("worker-server" + s + ".conf");
        Files.writeString(out, copy);
        return out;
    }

    /**
     * The spark-submit arguments every command of this test gets (SPARK_SUBMIT_ARGS of the launcher). Drivers
     * start faster with the C1 compiler only ({@code spark.driver.defaultJavaOptions}, which Spark puts before the
     * launcher's own flags); so do the executors of the data steps ({@link #DATA_STEPS}), not the training's.
     */
    private static String submitArgs(String deployMode, String... more) {
        List<String> a = new ArrayList<>(List.of("--master", cluster.masterUrl(), "--deploy-mode", deployMode,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=640m",
                "--conf", "spark.driver.defaultJavaOptions=-XX:TieredStopAtLevel=1"));
        a.addAll(List.of(more));
        return String.join(" ", a);
    }

    /** Runs submit/twintrain to its end; returns its stdout, after checking the exit code. */
    private static String twintrain(String name, String sparkSubmitArgs, String... args) throws Exception {
        Process p = startTwintrain(name, sparkSubmitArgs, args);
        return finish(name, p);
    }

    private static Process startTwintrain(String name, String sparkSubmitArgs, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("submit/twintrain").toString()));
        cmd.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("TWINTRAIN_NO_BUILD", "1");
        env.put("TWINTRAIN_DRIVER_MEMORY", "640m");
        env.put("SPARK_SUBMIT_ARGS", sparkSubmitArgs);
        return cluster.startCommand(name, cmd, env);
    }

    private static String finish(String name, Process p) throws Exception {
        int code = cluster.await(name, p, STEP);
        if (code != 0) {
            Thread.sleep(500); // the launcher's stderr filter may still be writing the last lines
        }
        assertEquals(0, code, name + " exit code; stderr tail:\n" + cluster.tail(name) + "\nstdout:\n" + cluster.output(name));
        return cluster.output(name);
    }

    @Test
    void theWholePipelineThroughSparkSubmitInClientModeAndEachServerInClusterMode() throws Exception {
        long start = System.nanoTime();
        Path raw = DigitsReader.writeEmbedded(dir.resolve("owner/optdigits.csv.gz"));
        Path prepared = dir.resolve("owner/prepared");
        Path[] stores = {dir.resolve("server0/store"), dir.resolve("server1/store")};
        Path run = Files.writeString(dir.resolve("run.properties"),
                "model.name = logreg\ntrain.epochs = 1\ntrain.batchSize = 128\n");

        // Key pairs: the launcher runs `keys` without Spark even though SPARK_HOME is set.
        for (int s = 0; s < 2; s++) {
            Path keys = dir.resolve("server" + s + "/keys");
            String out = twintrain("keys" + s, "", "keys", "generate", "--name", "server" + s,
                    "--key", keys.resolve("key.pem").toString(), "--cert", keys.resolve("cert.pem").toString());
            assertTrue(out.contains("SHA-256 "), out);
        }
        String both = "";
        for (int s = 0; s < 2; s++) {
            Path keys = dir.resolve("server" + s + "/keys");
            Path peer = dir.resolve("server" + (1 - s) + "/keys/cert.pem");
            both += "channel.server" + s + ".key = " + keys.resolve("key.pem") + "\nchannel.server" + s + ".cert = "
                    + keys.resolve("cert.pem") + "\nchannel.server" + s + ".peerCert = " + peer + "\n";
        }
        Path bothKeys = Files.writeString(dir.resolve("both-servers.properties"), both);

        String client = submitArgs("client", DATA_STEPS);
        String prep = twintrain("prep", client, "prep", "--dataset", "digits", "--input", raw.toString(), "--output",
                prepared.toString(), "--partitions", "2");
        assertTrue(prep.contains("\"train\":{\"count\":1437"), prep);
        twintrain("share", client, "share", "--data", prepared.toString(), "--store0", stores[0].toString(),
                "--store1", stores[1].toString(), "--partitions", "2");
        String triples = twintrain("triples", client, "triples", "--data", "train", "--store0", stores[0].toString(),
                "--store1", stores[1].toString(), "--conf", run.toString());
        Matcher m = Pattern.compile("set triples\\.plan=([0-9a-f]{64})").matcher(triples);
        assertTrue(m.find(), triples);
        String plan = m.group(1);
        // The cluster-mode run takes the same keys: copies of the stores (a plan's keys are taken once per store).
        Path[] copies = {dir.resolve("server0/store-cluster"), dir.resolve("server1/store-cluster")};
        for (int s = 0; s < 2; s++) {
            copyRecursively(stores[s], copies[s]);
        }
        System.out.printf("spark-submit: keys, prep, share, triples done at %.1f s%n", (System.nanoTime() - start) / 1e9);

        // One application, two pools (executors requesting resource server0 or server1), client mode.
        String pools = submitArgs("client", "--properties-file", CONF.resolve("spark-pools.conf").toString());
        String train = twintrain("train", pools, "train", "--store0", stores[0].toString(), "--store1",
                stores[1].toString(), "--data", "train", "--run", "client-run", "--conf", run.toString(), "--conf",
                CONF.resolve("cluster-pools.properties").toString(), "--conf", bothKeys.toString(),
                "--set", "triples.plan=" + plan);
        assertTrue(train.contains("server 0: 1437 rows"), train);
        assertTrue(train.contains("server 1: 1437 rows"), train);
        assertFalse(train.contains("(executor driver"), "the servers' tasks ran on the workers' executors:\n" + train);
        Path model = dir.resolve("owner/model-client");
        twintrain("reveal", client, "reveal", "--store0", stores[0].toString(), "--store1", stores[1].toString(),
                "--run", "client-run", "--out", model.toString(), "--conf", run.toString());
        double clientAccuracy = accuracy(twintrain("evaluate", client, "evaluate", "--model", model.toString(),
                "--data", prepared.resolve("data/split=test").toString()));
        assertTrue(clientAccuracy > 0.5 && clientAccuracy < 1.0, "held-out accuracy " + clientAccuracy);
        System.out.printf("spark-submit: client-mode pipeline done at %.1f s, accuracy %.4f%n",
                (System.nanoTime() - start) / 1e9, clientAccuracy);

        // Each server's own application in cluster deploy mode: the driver runs on the server's worker.
        int port = freePort();
        Process[] servers = new Process[2];
        for (int s = 0; s < 2; s++) {
            Path keys = dir.resolve("server" + s + "/keys");
            Path own = Files.writeString(dir.resolve("server" + s + "/server.properties"), String.join("\n",
                    "channel.host = 127.0.0.1", "channel.port = " + port, "channel.connectTimeoutMs = 240000",
                    "channel.server" + s + ".key = " + keys.resolve("key.pem"),
                    "channel.server" + s + ".cert = " + keys.resolve("cert.pem"),
                    "channel.server" + s + ".peerCert = " + dir.resolve("server" + (1 - s) + "/keys/cert.pem"), ""));
            String cluster = submitArgs("cluster", "--properties-file",
                    CONF.resolve("cluster-server" + s + ".conf").toString(),
                    "--conf", "spark.driver.resource.server" + s + ".amount=1",
                    "--conf", "spark.standalone.submit.waitAppCompletion=true");
            servers[s] = startTwintrain("server" + s, cluster, "train", "--server", "" + s, "--store",
                    copies[s].toString(), "--data", "train", "--run", "cluster-run", "--conf", run.toString(),
                    "--conf", own.toString(), "--set", "triples.plan=" + plan);
        }
        for (int s = 0; s < 2; s++) {
            finish("server" + s, servers[s]);
        }
        for (int s = 0; s < 2; s++) {
            // The driver ran on server s's worker, printed server s's report, and its application's executors
            // ran there too (and not on the other server's worker).
            Path driver = onlyDriverDir(WORK[s]);
            String stdout = Files.readString(driver.resolve("stdout"));
            assertTrue(stdout.contains("server " + s + ": 1437 rows"), "driver stdout of server " + s + ":\n" + stdout);
            String stderr = Files.readString(driver.resolve("stderr"));
            Matcher app = Pattern.compile("app ID (app-[0-9-]+)").matcher(stderr);
            assertTrue(app.find(), "the driver's log names its application:\n" + stderr);
            assertTrue(Files.isDirectory(WORK[s].resolve(app.group(1))), "server " + s + "'s executors on its worker");
            assertFalse(Files.exists(WORK[1 - s].resolve(app.group(1))), "server " + s + "'s executors on the other worker");
            assertTrue(Files.exists(copies[s].resolve("model/cluster-run")), "server " + s + "'s model share");
        }
        // The model owner reveals the two shares (checks both manifests and checksums); evaluating it again would
        // only repeat the client-mode run's evaluate.
        Path clusterModel = dir.resolve("owner/model-cluster");
        String revealed = twintrain("reveal-cluster", client, "reveal", "--store0", copies[0].toString(), "--store1",
                copies[1].toString(), "--run", "cluster-run", "--out", clusterModel.toString(), "--conf", run.toString());
        assertTrue(revealed.contains("revealed run cluster-run"), revealed);
        System.out.printf("spark-submit: cluster-mode servers and reveal done at %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static double accuracy(String evaluate) {
        Matcher m = Pattern.compile("accuracy ([0-9.]+) on 360 rows").matcher(evaluate);
        assertTrue(m.find(), evaluate);
        return Double.parseDouble(m.group(1));
    }

    private static Path onlyDriverDir(Path work) throws IOException {
        try (Stream<Path> s = Files.list(work)) {
            List<Path> drivers = s.filter(p -> p.getFileName().toString().startsWith("driver-")).toList();
            assertEquals(1, drivers.size(), "drivers run by worker " + work + ": " + drivers);
            return drivers.get(0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
