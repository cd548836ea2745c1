package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
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
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.Manifests;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.StoreLayout;

class SecureTrainJobTest {
    private static final int FEATURES = 6;
    private static final int CLASSES = 2;
    private static final int ROWS = 64;

    /** Linear least squares by full-batch gradient descent: matmuls, truncations, public scaling. */
    static Map<String, Matrix> leastSquares(Arithmetic a, Matrix x, Matrix y, int steps) {
        Matrix w = a.zeros(x.cols(), y.cols());
        for (int s = 0; s < steps; s++) {
            a.beginScope(0, s, "linear");
            Matrix residual = a.sub(a.matmul(x, w), y);
            Matrix gradient = a.matmulTransposeA(x, residual);
            w = a.sub(w, a.scale(gradient, 0.5 / x.rows()));
        }
        Map<String, Matrix> out = new LinkedHashMap<>();
        out.put("w", w);
        return out;
    }

    @Test
    void twoServerTasksTrainAndTheRevealMatchesTheFixedPointEmulation(@TempDir Path dir) throws Exception {
        trainAndCompareWithEmulation(dir, InMemoryChannels.named("t1"));
    }

    @Test
    void sameOverMutualTlsOnLoopback(@TempDir Path dir) throws Exception {
        String[][] keys = new String[2][];
        PeerIdentity[] ids = {PeerIdentity.generate("server0"), PeerIdentity.generate("server1")};
        for (int p = 0; p < 2; p++) {
            ids[p].write(dir.resolve("key" + p + ".pem"), dir.resolve("cert" + p + ".pem"));
        }
        for (int p = 0; p < 2; p++) {
            keys[p] = new String[] {dir.resolve("key" + p + ".pem").toString(), dir.resolve("cert" + p + ".pem").toString(),
                dir.resolve("cert" + (1 - p) + ".pem").toString()};
        }
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        trainAndCompareWithEmulation(dir, new TlsChannelOpener("127.0.0.1", port, "run1", keys, 30_000, 30_000));
    }

    private void trainAndCompareWithEmulation(Path dir, ChannelOpener channels) throws Exception {
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(11);
        double[][] x = new double[ROWS][FEATURES];
        int[] label = new int[ROWS];
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            List<Double> f = new ArrayList<>();
            for (int j = 0; j < FEATURES; j++) {
                x[i][j] = rnd.nextDouble(-1, 1);
                f.add(x[i][j]);
            }
            label[i] = x[i][0] + x[i][1] > 0 ? 1 : 0;
            rows.add(RowFactory.create((long) i, f, label[i]));
        }
        Dataset<Row> prepared = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType));
        TwinTrainConf conf = TwinTrainConf.defaults();
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        ShareJob.share(spark, prepared, "toy", "toy", FEATURES, CLASSES, codec, 2, s0, s1, false);

        int steps = 5;
        SecureTrainJob.Result result = SecureTrainJob.run(spark, conf, s0, s1, "toy", "run1",
                (arith, xs, ys, settings) -> asLong(leastSquares(arith, xs, ys, steps)), channels);
        assertEquals(ROWS, result.server0().rows());
        assertEquals(ROWS, result.server1().rows());
        assertEquals(result.server0().bytesSent(), result.server1().bytesReceived());
        assertTrue(result.server0().rounds() >= steps, "each step opens masked values");
        assertTrue(result.server0().executor().startsWith("driver"), result.server0().executor());

        ModelReveal.RevealedParameters revealed = ModelReveal.reveal(s0, s1, "run1", new Configuration());

        // The same run in the cleartext twin, on the rows in the order the servers saw them.
        FixedPointArithmetic twin = new FixedPointArithmetic(codec);
        double[] xAll = new double[ROWS * FEATURES];
        double[] yAll = new double[ROWS * CLASSES];
        List<Row> order = spark.read().parquet(s1.data("toy") + "/data").orderBy("partition", "position")
                .select("row_id").collectAsList();
        for (int i = 0; i < ROWS; i++) {
            int id = (int) order.get(i).getLong(0);
            System.arraycopy(x[id], 0, xAll, i * FEATURES, FEATURES);
            yAll[i * CLASSES + label[id]] = 1.0;
        }
        Map<String, Matrix> expected = leastSquares(twin, twin.fromPublic(ROWS, FEATURES, xAll),
                twin.fromPublic(ROWS, CLASSES, yAll), steps);
        double[] want = twin.reveal(expected.get("w"));
        double[] got = revealed.parameters().get("w").data();
        for (int i = 0; i < want.length; i++) {
            // Local share truncation may differ from the twin's floor by one unit per truncation.
            assertEquals(want[i], got[i], 64 * codec.ulp(), "w[" + i + "]");
        }
    }

    @Test
    void halvesOfDifferentSessionsAreRefused(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        List<Row> rows = List.of(RowFactory.create(0L, List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), 1));
        Dataset<Row> prepared = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType));
        FixedPoint codec = FixedPoint.defaults();
        StoreLayout a0 = new StoreLayout(dir.resolve("a0").toString());
        StoreLayout a1 = new StoreLayout(dir.resolve("a1").toString());
        StoreLayout b0 = new StoreLayout(dir.resolve("b0").toString());
        StoreLayout b1 = new StoreLayout(dir.resolve("b1").toString());
        ShareJob.share(spark, prepared, "d", "d", FEATURES, CLASSES, codec, 1, a0, a1, false);
        ShareJob.share(spark, prepared, "d", "d", FEATURES, CLASSES, codec, 1, b0, b1, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                TwinTrainConf.defaults(), a0, b1, "d", "r", (ar, xs, ys, st) -> Map.of(), InMemoryChannels.named("t2")));
        assertTrue(e.getMessage().contains("different sharing sessions"), e.getMessage());

        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                TwinTrainConf.defaults().with("ring.fractionalBits", "13"), a0, a1, "d", "r",
                (ar, xs, ys, st) -> Map.of(), InMemoryChannels.named("t3")));
        assertTrue(f.getMessage().contains("fractional bits"), f.getMessage());
    }

    @Test
    void halvesOfOneSessionDescribingDifferentDataAreRefused() {
        DataShareManifest m0 = new DataShareManifest(1, 0, "d", "s", DataShareManifest.RING, 16, FEATURES, CLASSES,
                "l", List.of(10, 6), 16, Map.of());
        DataShareManifest m1 = new DataShareManifest(1, 1, "d", "s", DataShareManifest.RING, 16, FEATURES, CLASSES,
                "l", List.of(10, 5), 15, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecureTrainJob.checkHalves(m0, m1, TwinTrainConf.defaults(), "d"));
        assertTrue(e.getMessage().contains("rows 16 vs 15"), e.getMessage());
        SecureTrainJob.checkHalves(m0, new DataShareManifest(1, 1, "d", "s", DataShareManifest.RING, 16, FEATURES,
                CLASSES, "l", List.of(10, 6), 16, Map.of()), TwinTrainConf.defaults(), "d");
    }

    @Test
    void engineProgramTrainsThenEvaluatesOnTheSharedTestSplitRevealingTheCount(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(21);
        int trainRows = 64, testRows = 40;
        float[] testX = new float[testRows * FEATURES];
        int[] testY = new int[testRows];
        List<Row> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < trainRows + testRows; i++) {
            List<Double> f = new ArrayList<>();
            double s = 0;
            for (int j = 0; j < FEATURES; j++) {
                double v = rnd.nextDouble(-1, 1);
                f.add(v);
                s += j < 2 ? v : 0;
                if (i >= trainRows) {
                    testX[(i - trainRows) * FEATURES + j] = (float) v;
                }
            }
            int label = s > 0 ? 1 : 0;
            if (i >= trainRows) {
                testY[i - trainRows] = label;
            }
            (i < trainRows ? train : test).add(RowFactory.create((long) i, f, label));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType);
        TwinTrainConf conf = TwinTrainConf.defaults().with("train.batchSize", "16").with("train.epochs", "3")
                .with("train.progressEvery", "4");
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        ShareJob.share(spark, spark.createDataFrame(train, schema), "toy", "train", FEATURES, CLASSES, codec, 2, s0, s1, false);
        ShareJob.share(spark, spark.createDataFrame(test, schema), "toy", "test", FEATURES, CLASSES, codec, 1, s0, s1, false);

        SecureTrainJob.Result result = SecureTrainJob.run(spark, conf, s0, s1, "train", "test", "run-eval",
                new EngineProgram(), InMemoryChannels.named("t-eval"));
        assertEquals(testRows, result.server0().testRows());
        assertEquals(result.server0().correct(), result.server1().correct(), "both learn the same count");

        ModelReveal.RevealedParameters revealed = ModelReveal.reveal(s0, s1, "run-eval", new Configuration());
        var model = EngineProgram.withParameters(conf.asMap(), FEATURES, CLASSES, revealed.parameters());
        long clear = Math.round(EngineProgram.accuracy(model, conf.asMap(), testX, testY) * testRows);
        assertEquals(clear, result.server0().correct());
        assertTrue(clear > testRows / 2, "the model learned the rule: " + clear + " of " + testRows);

        // From stored triples: the plan made with the test set holds the evaluation's keys, and the run takes
        // exactly that plan, evaluation included; a plan made without the test set is refused before any task.
        DataShareManifest trainManifest = Manifests.read(s1.data("train"), DataShareManifest.class, new Configuration());
        DataShareManifest testManifest = Manifests.read(s1.data("test"), DataShareManifest.class, new Configuration());
        TriplePlan withoutTest = EngineProgram.plan(conf.asMap(), trainManifest);
        TriplePlan plan = EngineProgram.plan(conf.asMap(), trainManifest, testManifest);
        long evalKeys = plan.keys().stream().filter(k -> k.epoch() == -2).count();
        assertEquals(plan.size() - withoutTest.size(), evalKeys, "the plan adds the evaluation's keys (epoch -2)");
        assertTrue(evalKeys > 0);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                conf.with("triples.plan", withoutTest.id()), s0, s1, "train", "test", "run-eval-other",
                new EngineProgram(), InMemoryChannels.named("t-eval-other")));
        assertTrue(refused.getMessage().contains("is not the plan of this run"), refused.getMessage());
        TripleJob.run(spark, plan, s0, s1, 2, false);
        SecureTrainJob.Result stored = SecureTrainJob.run(spark, conf.with("triples.plan", plan.id()), s0, s1, "train",
                "test", "run-eval-stored", new EngineProgram(), InMemoryChannels.named("t-eval-stored"));
        assertEquals(plan.size(), stored.server0().triplesTaken(), "training and evaluation take exactly the plan");
        assertEquals(plan.size(), org.twintrain.sharing.triples.TripleLedger.read(dir.resolve("store1/triples/"
                + plan.id() + "/ledger-party1")).consumed().size(), "the ledger lists the evaluation's keys too");
        var storedModel = EngineProgram.withParameters(conf.asMap(), FEATURES, CLASSES,
                ModelReveal.reveal(s0, s1, "run-eval-stored", new Configuration()).parameters());
        assertEquals(Math.round(EngineProgram.accuracy(storedModel, conf.asMap(), testX, testY) * testRows),
                stored.server0().correct(), "the revealed count is the revealed model's");
    }

    static Map<String, LongMatrix> asLong(Map<String, Matrix> m) {
        Map<String, LongMatrix> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, (LongMatrix) v));
        return out;
    }
}
