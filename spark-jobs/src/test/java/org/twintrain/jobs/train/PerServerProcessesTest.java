package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.reveal.ModelReveal;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.StoreLayout;

/**
 * Each server its own Spark application: two separate JVMs run {@code TwinTrain train --server 0} and {@code
 * --server 1}, each a local-mode Spark application with its own store folder, its own configuration file and its
 * own key pair (made with IdentityTool), meeting only through mutual TLS on a loopback port. The model they train
 * must be, bit for bit, the model of the one-application run of the same configuration on the same data shares and
 * stored triples (copies of the same stores: a stored plan's keys can be taken only once). Two such applications
 * with another learning rate refuse each other, each with one line and exit code 1.
 */
class PerServerProcessesTest {
    private static final int ROWS = 64, FEATURES = 4, CLASSES = 2;
    private static final long CHILD_TIMEOUT_S = 100;

    /** What the data owner, the dealer and the two operators prepared: stores, plan, each server's files. */
    private record Setup(TwinTrainConf conf, TriplePlan plan, StoreLayout s0, StoreLayout s1) {
    }

    /**
     * The data owners' and the dealer's part, done here: share toy data, make the run's triples; then each operator
     * makes its key pair (IdentityTool, in its own JVM), pins the other's certificate and writes its own
     * configuration file DIR/serverN/run.properties.
     */
    private static Setup setup(Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(17);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            double a = rnd.nextDouble(-1, 1), b = rnd.nextDouble(-1, 1);
            rows.add(RowFactory.create((long) i, List.of(a, b, rnd.nextDouble(), rnd.nextDouble(-1, 1)),
                    a + 0.5 * b > 0 ? 1 : 0));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType);
        TwinTrainConf conf = TwinTrainConf.defaults().with("train.batchSize", "16").with("train.epochs", "1")
                .with("train.learningRate", "0.5");
        StoreLayout s0 = new StoreLayout(dir.resolve("server0/store").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("server1/store").toString());
        ShareJob.Result shared = ShareJob.share(spark, spark.createDataFrame(rows, schema), "toy", "train", FEATURES, CLASSES,
                new FixedPoint(conf.getInt("ring.fractionalBits")), 2, s0, s1, false);
        TriplePlan plan = EngineProgram.plan(conf.asMap(), shared.server0());
        TripleJob.run(spark, plan, s0, s1, 2, false);

        for (int p = 0; p < 2; p++) {
            Path keys = Files.createDirectories(dir.resolve("server" + p + "/keys"));
            Process id = start(dir, "identity" + p, List.of("org.twintrain.jobs.TwinTrain", "keys", "generate",
                    "--name", "server" + p, "--key", keys.resolve("key.pem").toString(), "--cert",
                    keys.resolve("cert.pem").toString()));
            try {
                assertEquals(0, await(id, dir, "identity" + p), "keys generate for server " + p);
            } finally {
                id.destroyForcibly();
            }
        }
        int port = freePort();
        for (int p = 0; p < 2; p++) {
            Path keys = dir.resolve("server" + p + "/keys");
            Path peerCert = Files.copy(dir.resolve("server" + (1 - p) + "/keys/cert.pem"), keys.resolve("peer.pem"));
            Files.writeString(dir.resolve("server" + p + "/run.properties"), String.join("\n",
                    "train.batchSize = 16", "train.epochs = 1", "train.learningRate = 0.5",
                    "triples.plan = " + plan.id(),
                    "channel.host = 127.0.0.1", "channel.port = " + port, "channel.connectTimeoutMs = 60000",
                    "channel.server" + p + ".key = " + keys.resolve("key.pem"),
                    "channel.server" + p + ".cert = " + keys.resolve("cert.pem"),
                    "channel.server" + p + ".peerCert = " + peerCert, ""), StandardCharsets.UTF_8);
        }
        return new Setup(conf.with("triples.plan", plan.id()), plan, s0, s1);
    }

    /** Runs {@code TwinTrain train --server 0} and {@code --server 1} in two JVMs to their end; their exit codes. */
    private static int[] runServers(Path dir, String run, List<String> server1Extra) throws Exception {
        List<Process> servers = new ArrayList<>();
        try {
            for (int p = 0; p < 2; p++) {
                List<String> cmd = new ArrayList<>(List.of("org.twintrain.jobs.TwinTrain", "train",
                        "--server", String.valueOf(p), "--store", dir.resolve("server" + p + "/store").toString(),
                        "--data", "train", "--run", run, "--conf", dir.resolve("server" + p + "/run.properties")
                                .toString()));
                if (p == 1) {
                    cmd.addAll(server1Extra);
                }
                servers.add(start(dir, "server" + p, cmd));
            }
            return new int[] {await(servers.get(0), dir, "server0"), await(servers.get(1), dir, "server1")};
        } finally {
            servers.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void twoServerApplicationsInTwoJvmsTrainTheSameModelAsOneApplication(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        Setup s = setup(dir);
        // The one-application run trains on copies of the same stores.
        StorePairs.copyTree(dir.resolve("server0/store"), dir.resolve("oneapp/store0"));
        StorePairs.copyTree(dir.resolve("server1/store"), dir.resolve("oneapp/store1"));

        long t1 = System.nanoTime();
        int[] exit = runServers(dir, "run1", List.of());
        for (int p = 0; p < 2; p++) {
            assertEquals(0, exit[p], "server " + p + "'s application");
            String out = Files.readString(dir.resolve("server" + p + ".log"));
            assertTrue(out.contains("server " + p + ": " + ROWS + " rows") && out.contains(s.plan().size() + " triples"),
                    out);
        }

        long t2 = System.nanoTime();
        SecureTrainJob.run(LocalSpark.get(), s.conf(), new StoreLayout(dir.resolve("oneapp/store0").toString()),
                new StoreLayout(dir.resolve("oneapp/store1").toString()), "train", "run1", new EngineProgram(),
                InMemoryChannels.named("per-server-reference"));
        System.out.printf("PerServerProcessesTest: setup and key pairs %.1f s, two server JVMs %.1f s, one-application"
                + " run %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);

        Configuration hadoop = new Configuration();
        Map<String, DoubleMatrix> apart = ModelReveal.reveal(s.s0(), s.s1(), "run1", hadoop).parameters();
        Map<String, DoubleMatrix> together = ModelReveal.reveal(new StoreLayout(dir.resolve("oneapp/store0").toString()),
                new StoreLayout(dir.resolve("oneapp/store1").toString()), "run1", hadoop).parameters();
        assertEquals(together.keySet(), apart.keySet());
        for (String name : together.keySet()) {
            double[] want = together.get(name).data(), got = apart.get(name).data();
            long[] wantBits = Arrays.stream(want).mapToLong(Double::doubleToRawLongBits).toArray();
            long[] gotBits = Arrays.stream(got).mapToLong(Double::doubleToRawLongBits).toArray();
            assertArrayEquals(wantBits, gotBits, name + ": the two applications trained another model");
        }
        // Not a vacuous equality: the weights moved away from their initial values by training.
        DoubleArithmetic d = new DoubleArithmetic();
        boolean moved = EngineProgram.model(d, s.conf().asMap(), FEATURES, CLASSES).params().stream()
                .anyMatch(p -> !Arrays.equals(d.reveal(p.value()), apart.get(p.name()).data()));
        assertTrue(moved, "training changed the weights");
    }

    @Test
    void twoServerApplicationsWithAnotherLearningRateRefuseEachOtherWithOneLine(@TempDir Path dir) throws Exception {
        Setup s = setup(dir);
        int[] exit = runServers(dir, "run1", List.of("--set", "train.learningRate=0.25"));
        String out0 = Files.readString(dir.resolve("server0.log")), out1 = Files.readString(dir.resolve("server1.log"));
        assertEquals(1, exit[0], out0);
        assertEquals(1, exit[1], out1);
        assertTrue(out0.contains("twintrain train: refused: server 0 refuses to train with server 1")
                && out0.contains("train.learningRate: ours '0.5', server 1's '0.25'"), out0);
        assertTrue(out1.contains("twintrain train: refused: server 1 refuses to train with server 0")
                && out1.contains("train.learningRate: ours '0.25', server 0's '0.5'"), out1);
        for (int p = 0; p < 2; p++) {
            assertFalse(Files.exists(dir.resolve("server" + p + "/store/model/run1")), "server " + p + " wrote a model");
            assertFalse(Files.exists(dir.resolve("server" + p + "/store/triples/" + s.plan().id() + "/ledger-party" + p)), "server " + p + " touched its triples");
        }
    }

    /** A child JVM with the test classpath and the build's JVM flags, output to NAME.log in dir. */
    private static Process start(Path dir, String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(jvmFlags());
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).directory(dir.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    /** Waits for a child (time-limited), killing it when it overruns; its exit code. */
    private static int await(Process p, Path dir, String name) throws Exception {
        if (!p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not finish within " + CHILD_TIMEOUT_S + " s; log:\n" + tail(dir, name));
        }
        if (p.exitValue() != 0) {
            System.err.println(name + " exited with " + p.exitValue() + "; log:\n" + tail(dir, name));
        }
        return p.exitValue();
    }

    private static String tail(Path dir, String name) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static List<String> jvmFlags() throws IOException {
        try (InputStream in = PerServerProcessesTest.class.getResourceAsStream("/twintrain/jvm.flags")) {
            if (in == null) {
                throw new IllegalStateException("missing twintrain/jvm.flags on the classpath (broken build)");
            }
            return Stream.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+"))
                    .filter(f -> !f.isEmpty()).toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
