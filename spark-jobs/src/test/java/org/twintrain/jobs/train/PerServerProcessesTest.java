package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.StoreLayout;

/**
 * Each server its own Spark application: two separate JVMs run {@code TwinTrain train --server 0} and {@code
 * --server 1}, each a local-mode Spark application with its own store folder, its own configuration file and its
 * own key pair (made with IdentityTool), meeting only through mutual TLS on a loopback port. The model they train
 * must be, bit for bit, the model of the one-application run of the same configuration on the same data shares and
 * stored triples (copies of the same stores: a stored plan's keys can be taken only once).
 */
class PerServerProcessesTest {
    private static final int ROWS = 64, FEATURES = 4, CLASSES = 2;
    private static final long CHILD_TIMEOUT_S = 100;

    @Test
    void twoServerApplicationsInTwoJvmsTrainTheSameModelAsOneApplication(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        SparkSession spark = LocalSpark.get();
        // The data owners' and the dealer's part, done here: share toy data, make the run's triples.
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
        ShareJob.share(spark, spark.createDataFrame(rows, schema), "toy", "train", FEATURES, CLASSES,
                new FixedPoint(conf.getInt("ring.fractionalBits")), 2, s0, s1, false);
        TriplePlan plan = EngineProgram.plan(conf.asMap(), ROWS, FEATURES, CLASSES);
        TripleJob.run(spark, plan, s0, s1, 2, false);
        conf = conf.with("triples.plan", plan.id());
        // The one-application run trains on copies of the same stores.
        copy(dir.resolve("server0/store"), dir.resolve("oneapp/store0"));
        copy(dir.resolve("server1/store"), dir.resolve("oneapp/store1"));

        // Each operator makes its key pair and hands the certificate to the other.
        for (int p = 0; p < 2; p++) {
            Path keys = Files.createDirectories(dir.resolve("server" + p + "/keys"));
            Process id = start(dir, "identity" + p, List.of("org.twintrain.sharing.channel.IdentityTool", "generate",
                    "server" + p, keys.resolve("key.pem").toString(), keys.resolve("cert.pem").toString()));
            assertEquals(0, await(id, dir, "identity" + p), "IdentityTool for server " + p);
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

        long t1 = System.nanoTime();
        List<Process> servers = new ArrayList<>();
        try {
            for (int p = 0; p < 2; p++) {
                servers.add(start(dir, "server" + p, List.of("org.twintrain.jobs.TwinTrain", "train",
                        "--server", String.valueOf(p), "--store", dir.resolve("server" + p + "/store").toString(),
                        "--data", "train", "--run", "run1", "--conf", dir.resolve("server" + p + "/run.properties")
                                .toString())));
            }
            for (int p = 0; p < 2; p++) {
                assertEquals(0, await(servers.get(p), dir, "server" + p), "server " + p + "'s application");
                String out = Files.readString(dir.resolve("server" + p + ".log"));
                assertTrue(out.contains("server " + p + ": " + ROWS + " rows") && out.contains(plan.size() + " triples"),
                        out);
            }
        } finally {
            servers.forEach(Process::destroyForcibly);
        }

        long t2 = System.nanoTime();
        SecureTrainJob.run(spark, conf, new StoreLayout(dir.resolve("oneapp/store0").toString()),
                new StoreLayout(dir.resolve("oneapp/store1").toString()), "train", "run1", new EngineProgram(),
                InMemoryChannels.named("per-server-reference"));

        System.out.printf("PerServerProcessesTest: setup and key pairs %.1f s, two server JVMs %.1f s, one-application"
                + " run %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
        Configuration hadoop = new Configuration();
        Map<String, DoubleMatrix> apart = ModelReveal.reveal(s0, s1, "run1", hadoop).parameters();
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
        var initial = EngineProgram.model(new org.twintrain.sharing.arith.DoubleArithmetic(), conf.asMap(), FEATURES,
                CLASSES).params();
        boolean moved = initial.stream().anyMatch(p -> !Arrays.equals(
                new org.twintrain.sharing.arith.DoubleArithmetic().reveal(p.value()), apart.get(p.name()).data()));
        assertTrue(moved, "training changed the weights");
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

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
