package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.reveal.ModelReveal;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TripleLedger;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;

/**
 * The secure train job with two data-parallel task pairs (train.tasks = 2) in one application: each server's two
 * tasks run as one barrier stage, meet over TLS with the server's own key, and sum their gradient shares; pair j
 * talks on channel.port + j. The revealed model equals the fixed-point emulation of the same data-parallel run
 * (each task's rows being the stored partitions p with p mod 2 = j), the run takes exactly its stored plan, and
 * each task's ledger lists exactly its own pair's keys.
 */
class DataParallelJobTest {
    private static final int ROWS = 96;
    private static final int FEATURES = 6;
    private static final int CLASSES = 3;
    private static final int PARTITIONS = 4;

    @TempDir
    static Path dir;
    static double[][] x = new double[ROWS][FEATURES];
    static int[] label = new int[ROWS];
    static StoreLayout s0;
    static StoreLayout s1;
    static String[][] keyFiles = new String[2][];

    @BeforeAll
    static void share() throws Exception {
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(21);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            List<Double> f = new ArrayList<>();
            for (int j = 0; j < FEATURES; j++) {
                x[i][j] = rnd.nextDouble(-1, 1);
                f.add(x[i][j]);
            }
            label[i] = x[i][0] > x[i][1] ? (x[i][2] > 0 ? 2 : 1) : 0;
            rows.add(RowFactory.create((long) i, f, label[i]));
        }
        Dataset<Row> prepared = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType));
        s0 = new StoreLayout(dir.resolve("store0").toString());
        s1 = new StoreLayout(dir.resolve("store1").toString());
        ShareJob.share(spark, prepared, "toy", "toy", FEATURES, CLASSES,
                new FixedPoint(conf().getInt("ring.fractionalBits")), PARTITIONS, s0, s1, false);
        Path keys = Files.createDirectories(dir.resolve("keys"));
        for (int p = 0; p < 2; p++) {
            PeerIdentity.generate("server" + p).write(keys.resolve("key" + p + ".pem"), keys.resolve("cert" + p + ".pem"));
        }
        for (int p = 0; p < 2; p++) {
            keyFiles[p] = new String[] {keys.resolve("key" + p + ".pem").toString(),
                keys.resolve("cert" + p + ".pem").toString(), keys.resolve("cert" + (1 - p) + ".pem").toString()};
        }
    }

    static TwinTrainConf conf() {
        return TwinTrainConf.defaults().with("ring.fractionalBits", "16").with("model.name", "secureml").with("model.width", "0.0625")
                .with("train.tasks", "2").with("train.batchSize", "16").with("train.epochs", "2")
                .with("train.learningRate", "0.1").with("train.checkpointEvery", "2");
    }

    private static ChannelOpener tls(String runId) throws Exception {
        int port;
        // Two consecutive free ports: pair j listens on port + j.
        while (true) {
            try (java.net.ServerSocket a = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = a.getLocalPort();
                try (java.net.ServerSocket b = new java.net.ServerSocket(port + 1, 1,
                        java.net.InetAddress.getLoopbackAddress())) {
                    break;
                } catch (java.io.IOException taken) {
                    // try another pair
                }
            }
        }
        return new TlsChannelOpener("127.0.0.1", port, runId, keyFiles, 30_000, 30_000);
    }

    @Test
    void twoTaskPairsPerServerTrainTheEmulatedModelFromTheirStoredPlan() throws Exception {
        SparkSession spark = LocalSpark.get();
        TwinTrainConf conf = conf();
        DataShareManifest manifest = Manifests.read(s1.data("toy"), DataShareManifest.class, new Configuration());
        TriplePlan plan = EngineProgram.plan(conf.asMap(), manifest);
        TripleJob.run(spark, plan, s0, s1, 2, false);

        SecureTrainJob.Result r = SecureTrainJob.run(spark, conf.with("triples.plan", plan.id()), s0, s1, "toy", "dp1",
                new EngineProgram(), tls("dp1"));
        assertEquals(ROWS, r.server0().rows(), "the two tasks of server 0 together hold every row");
        assertEquals(ROWS, r.server1().rows());
        assertEquals(plan.size(), r.server0().triplesTaken(), "the two pairs take every key of the plan");
        assertEquals(plan.size(), r.server1().triplesTaken());
        assertEquals(r.server0().bytesSent(), r.server1().bytesReceived());

        for (int party = 0; party < 2; party++) {
            Set<TripleKey> all = new HashSet<>();
            for (int task = 0; task < 2; task++) {
                TripleLedger.Contents ledger = TripleLedger.read(dir.resolve("store" + party + "/triples/" + plan.id()
                        + "/ledger-party" + party + "-task" + task));
                String ns = "t" + task + ".";
                assertTrue(ledger.consumed().stream().allMatch(k -> k.layer().startsWith(ns)),
                        "task " + task + "'s ledger lists only its pair's keys");
                assertEquals(List.of("dp1"), ledger.runs());
                all.addAll(ledger.consumed());
            }
            assertEquals(new HashSet<>(plan.keys()), all, "server " + party + "'s ledgers list every key of the plan once");
        }

        ModelReveal.RevealedParameters revealed = ModelReveal.reveal(s0, s1, "dp1", new Configuration());
        Map<String, double[]> want = emulate(conf.asMap(), manifest);
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        Map<String, double[]> got = new LinkedHashMap<>();
        revealed.parameters().forEach((name, m) -> got.put(name, m.data()));
        // Local share truncation may differ from the emulation's floor by one unit per truncation.
        double diff = SecureEngineTest.maxDifference(want, got);
        assertTrue(diff <= 256 * codec.ulp(), "secure vs emulation: max |difference| " + diff);
        Map<String, double[]> initial = DataParallelTest.reveal(new FixedPointArithmetic(codec), EngineProgram.model(
                new FixedPointArithmetic(codec), conf.asMap(), FEATURES, CLASSES));
        double moved = SecureEngineTest.maxDifference(initial, want);
        assertTrue(moved > 16 * 256 * codec.ulp(), "training moved the weights far more than the tolerance: " + moved);

        // The same run on the in-application dealer, with pair 0's or pair 1's channel of server 1 (whichever opens
        // first) closed in step 8: the retry resumes both pairs from the checkpoint of step 6 (every 2 steps), the
        // siblings from the step their lead agreed on, and the model is again the emulation's.
        long steps = plan.keys().stream().mapToLong(TripleKey::step).max().orElseThrow() + 1;
        assertTrue(steps >= 10, "enough steps for checkpoints before and after the fault: " + steps);
        long breakAt = r.server1().rounds() * 15 / (2 * steps);
        SecureTrainJob.Result retried = SecureTrainJob.run(spark, conf, s0, s1, "toy", "dp-fault", new EngineProgram(),
                FaultChannels.breaking("dp-fault", tls("dp-fault"), 1, breakAt));
        assertEquals(1, FaultChannels.faults("dp-fault"));
        assertEquals(4, FaultChannels.opens("dp-fault", 1), "two attempts of two tasks");
        Map<Long, Long> keysFrom = new java.util.TreeMap<>();
        for (long from = 0; from < steps; from += 2) {
            long s = from;
            keysFrom.put(from, plan.keys().stream().filter(k -> k.step() >= s).count());
        }
        assertEquals(keysFrom.get(6L), retried.server1().triplesTaken(),
                "the retry resumed at step 6 of " + steps + " (keys from each checkpoint: " + keysFrom + ")");
        Map<String, double[]> afterFault = new LinkedHashMap<>();
        ModelReveal.reveal(s0, s1, "dp-fault", new Configuration()).parameters()
                .forEach((name, m) -> afterFault.put(name, m.data()));
        double faultDiff = SecureEngineTest.maxDifference(want, afterFault);
        assertTrue(faultDiff <= 256 * codec.ulp(), "resumed run vs emulation: max |difference| " + faultDiff);
    }

    /** The same data-parallel run on the fixed-point emulation: task j holds partitions j, j + 2 of the stored order. */
    private static Map<String, double[]> emulate(Map<String, String> settings, DataShareManifest manifest)
            throws Exception {
        int[] rowsPerTask = DataParallel.rowsPerTask(manifest.partitions(), 2);
        List<Row> stored = LocalSpark.get().read().parquet(s1.data("toy") + "/data").orderBy("partition", "position")
                .select("partition", "row_id").collectAsList();
        double[][] xs = new double[2][];
        double[][] ys = new double[2][];
        for (int t = 0; t < 2; t++) {
            xs[t] = new double[rowsPerTask[t] * FEATURES];
            ys[t] = new double[rowsPerTask[t] * CLASSES];
            int at = 0;
            for (Row row : stored) {
                if (row.getInt(0) % 2 == t) {
                    int id = (int) row.getLong(1);
                    System.arraycopy(x[id], 0, xs[t], at * FEATURES, FEATURES);
                    ys[t][at * CLASSES + label[id]] = 1.0;
                    at++;
                }
            }
        }
        return DataParallelTest.emulate(settings, new FixedPoint(Integer.parseInt(settings.get("ring.fractionalBits"))),
                xs, ys, FEATURES, CLASSES);
    }

    @Test
    void moreTasksThanPartitionsOrSlotsAndOpenersWithoutSiblingsAreRefusedBeforeTraining() throws Exception {
        SparkSession spark = LocalSpark.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                conf().with("train.tasks", "5").with("train.batchSize", "15"), s0, s1, "toy", "dp-five",
                new EngineProgram(), tls("dp-five")));
        assertTrue(e.getMessage().contains("exceeds the data set's 4 partitions"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                conf().with("train.tasks", "4"), s0, s1, "toy", "dp-four", new EngineProgram(), tls("dp-four")));
        assertTrue(e.getMessage().contains("8 long-lived tasks") && e.getMessage().contains("4 task slots"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("store0/model/dp-four")));

        Exception refused = assertThrows(Exception.class, () -> SecureTrainJob.run(spark, conf(), s0, s1, "toy",
                "dp-mem", new EngineProgram(), InMemoryChannels.named("dp-mem")));
        assertTrue(FaultRecoveryTest.rootMessages(refused).contains("set train.tasks=1"),
                FaultRecoveryTest.rootMessages(refused));
    }
}
