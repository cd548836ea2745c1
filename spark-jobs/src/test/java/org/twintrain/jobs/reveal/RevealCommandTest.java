package org.twintrain.jobs.reveal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.engine.Context;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.ml.TwinTrainModel;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.AtomicFolder;
import org.twintrain.store.Manifests;
import org.twintrain.store.ModelShareManifest;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TensorFile;

/** reveal and evaluate end to end on model shares written the way the secure training job writes them. */
class RevealCommandTest {

    /** The commands leave a session they did not start running; the test's reads use the same one. */
    @org.junit.jupiter.api.BeforeAll
    static void startSpark() {
        LocalSpark.get();
    }
    private static final int FEATURES = 10;
    private static final int CLASSES = 3;
    private static final int ROWS = 120;
    private static final FixedPoint CODEC = new FixedPoint(16);

    /** A secureml network (width 0.125: 16 units, depth 2) with random parameters on the fixed-point grid. */
    private static Classifier network(long seed) {
        DoubleArithmetic a = new DoubleArithmetic(1);
        Classifier net = Models.build("secureml", a, seed, Shape.flat(FEATURES), CLASSES, 0.125, 2, false);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Param p : net.params()) {
            double[] v = new double[p.value().rows() * p.value().cols()];
            for (int i = 0; i < v.length; i++) {
                v[i] = CODEC.decode(CODEC.encode(rnd.nextDouble(-1, 1)));
            }
            p.set(a.fromPublic(p.value().rows(), p.value().cols(), v));
        }
        return net;
    }

    /** Splits the network into two additive shares and writes each server's folder as SecureTrainJob does. */
    private static void writeShares(Classifier net, StoreLayout s0, StoreLayout s1, String run, String model)
            throws Exception {
        SplittableRandom rnd = new SplittableRandom(99);
        List<Map<String, LongMatrix>> shares = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        for (Param p : net.params()) {
            long[] x = CODEC.encode(((DoubleMatrix) p.value()).data());
            long[] a = new long[x.length];
            long[] b = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                a[i] = rnd.nextLong();
                b[i] = x[i] - a[i];
            }
            shares.get(0).put(p.name(), new LongMatrix(p.value().rows(), p.value().cols(), a));
            shares.get(1).put(p.name(), new LongMatrix(p.value().rows(), p.value().cols(), b));
        }
        Configuration hadoop = new Configuration();
        StoreLayout[] stores = {s0, s1};
        for (int party = 0; party < 2; party++) {
            AtomicFolder out = AtomicFolder.begin(stores[party].model(run), false, hadoop);
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(out.path(), "share.bin");
            try (OutputStream o = FileSystem.getLocal(hadoop).create(file, false)) {
                TensorFile.write(o, shares.get(party));
            }
            Manifests.write(out.path(), new ModelShareManifest(ModelShareManifest.FORMAT_VERSION, party, run, "toy",
                    "session-1", CODEC.fractionalBits(), model, new ArrayList<>(shares.get(party).keySet()),
                    Map.of("share.bin", Manifests.sha256(file, hadoop))), hadoop);
            out.commit();
        }
    }

    private static int[] enginePredictions(Classifier net, double[][] x) {
        DoubleArithmetic a = new DoubleArithmetic(1);
        Context ctx = new Context(a, Nonlinearities.from(ApproxConfig.defaults()));
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            ctx.at(false, -1, 0, 0);
            double[] z = a.reveal(net.net().forward(ctx, a.fromPublic(1, FEATURES, x[i].clone())));
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (z[c] > z[best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static String captureOut(ThrowingRunnable body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void theModelOwnerRevealsFromTheTwoShareFoldersTheServersHandedOver(@TempDir Path dir) throws Exception {
        Classifier net = network(3);
        StoreLayout s0 = new StoreLayout(dir.resolve("server0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("server1").toString());
        writeShares(net, s0, s1, "run1", "secureml");
        // Each server hands over its folder STORE/model/RUN; the owner keeps them wherever it likes.
        Path got0 = java.nio.file.Files.createDirectories(dir.resolve("owner/from-server0"));
        Path got1 = java.nio.file.Files.createDirectories(dir.resolve("owner/from-server1"));
        for (String f : new String[] {"share.bin", "manifest.json"}) {
            java.nio.file.Files.copy(dir.resolve("server0/model/run1/" + f), got0.resolve(f));
            java.nio.file.Files.copy(dir.resolve("server1/model/run1/" + f), got1.resolve(f));
        }
        String out = dir.resolve("model").toString();
        captureOut(() -> assertEquals(0, new RevealCommand().run(new String[] {"--share0", got0.toString(),
            "--share1", got1.toString(), "--run", "run1", "--out", out, "--set", "model.width=0.125"})));
        Map<String, DoubleMatrix> expected = new LinkedHashMap<>();
        net.params().forEach(p -> expected.put(p.name(), (DoubleMatrix) p.value()));
        assertEquals(expected, TwinTrainModel.load(out).parameters());

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> new RevealCommand().run(
                new String[] {"--share0", got0.toString(), "--share1", got1.toString(), "--run", "run2", "--out",
                    dir.resolve("m2").toString()}));
        assertTrue(other.getMessage().contains("is of run run1, not run2"), other.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> new RevealCommand().run(
                new String[] {"--share0", got0.toString(), "--store1", s1.root().toString(), "--run", "run1",
                    "--out", dir.resolve("m3").toString()}));
        assertTrue(both.getMessage().contains("give either --store0 and --store1"), both.getMessage());
    }

    @Test
    void revealSavesTheSummedModelAndEvaluatePrintsItsAccuracy(@TempDir Path dir) throws Exception {
        Classifier net = network(3);
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        writeShares(net, s0, s1, "run1", "secureml");
        String out = dir.resolve("model").toString();
        String[] args = {"--store0", s0.root().toString(), "--store1", s1.root().toString(), "--run", "run1",
            "--out", out, "--set", "model.width=0.125"};

        String printed = captureOut(() -> assertEquals(0, new RevealCommand().run(args)));
        long values = 0;
        for (Param p : net.params()) {
            values += p.value().rows() * p.value().cols();
        }
        assertTrue(printed.contains("revealed run run1 (data set toy): 6 tensors, " + values + " values"), printed);
        assertTrue(printed.contains("architecture=secureml width=0.125 depth=2 input=10x1x1 classes=3"), printed);
        assertTrue(printed.contains("exp=pwl:4"), printed);
        assertTrue(printed.contains(" params=" + values + " macs/example="), printed);

        TwinTrainModel model = TwinTrainModel.load(out);
        Map<String, DoubleMatrix> expected = new LinkedHashMap<>();
        net.params().forEach(p -> expected.put(p.name(), (DoubleMatrix) p.value()));
        assertEquals(expected, model.parameters(), "shares sum to the encoded parameters, decoded exactly");
        assertEquals("run1", model.description().runId());
        assertEquals(16, model.description().fractionalBits());

        // An existing output is refused before any share is read; --overwrite replaces it.
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
                () -> new RevealCommand().run(args));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        String[] again = java.util.Arrays.copyOf(args, args.length + 1);
        again[args.length] = "--overwrite";
        captureOut(() -> assertEquals(0, new RevealCommand().run(again)));

        // A prepared data set whose labels agree with the engine on all rows but every fifth.
        SplittableRandom rnd = new SplittableRandom(5);
        double[][] x = new double[ROWS][FEATURES];
        List<Row> rows = new ArrayList<>();
        for (double[] r : x) {
            for (int j = 0; j < FEATURES; j++) {
                r[j] = (float) rnd.nextDouble(-2, 2);
            }
        }
        int[] predicted = enginePredictions(net, x);
        int correct = 0;
        for (int i = 0; i < ROWS; i++) {
            List<Float> f = new ArrayList<>();
            for (double v : x[i]) {
                f.add((float) v);
            }
            int label = i % 5 == 0 ? (predicted[i] + 1) % CLASSES : predicted[i];
            correct += label == predicted[i] ? 1 : 0;
            rows.add(RowFactory.create(label, f));
        }
        String data = dir.resolve("test.parquet").toString();
        LocalSpark.get().createDataFrame(rows, new StructType().add("label", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType))).repartition(2).write().parquet(data);

        EvaluateCommand.Result r = EvaluateCommand.evaluate(LocalSpark.get(), model, data, "label", "features",
                "accuracy");
        assertEquals((double) correct / ROWS, r.value(), 1e-12);
        assertEquals(ROWS, r.rows());
        String evaluated = captureOut(() -> assertEquals(0, new EvaluateCommand().run(
                new String[] {"--model", out, "--data", data})));
        assertTrue(evaluated.startsWith(String.format("accuracy %.6f on %d rows", (double) correct / ROWS, ROWS)),
                evaluated);

        IllegalArgumentException metric = assertThrows(IllegalArgumentException.class,
                () -> EvaluateCommand.evaluate(LocalSpark.get(), model, data, "label", "features", "auc"));
        assertTrue(metric.getMessage().contains("unknown metric 'auc'"), metric.getMessage());
    }

    @Test
    void aWidthThatDoesNotFitTheSharesIsAClearError(@TempDir Path dir) throws Exception {
        Classifier net = network(4);
        StoreLayout s0 = new StoreLayout(dir.resolve("a0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("a1").toString());
        writeShares(net, s0, s1, "r", "secureml");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RevealCommand().run(
                new String[] {"--store0", s0.root().toString(), "--store1", s1.root().toString(), "--run", "r",
                    "--out", dir.resolve("m").toString()}));
        assertTrue(e.getMessage().contains("parameter dense1.w is 10x16 but"), e.getMessage());
        assertTrue(e.getMessage().contains("--set model.width"), e.getMessage());
        assertFalse(new java.io.File(dir.resolve("m").toString()).exists(), "nothing is saved");
    }

    @Test
    void namesOfTheConfigurationMapToTheEngine() {
        assertEquals("logreg", RevealedModels.engineName("logistic"));
        assertEquals("resnet", RevealedModels.engineName("resnet32"));
        assertEquals(32, RevealedModels.inferDepth("resnet32", List.of()));
        assertThrows(IllegalArgumentException.class, () -> RevealedModels.engineName("seq2seq"));
        // Depths read back from the layer names of models the engine builds.
        for (int depth : new int[] {1, 3}) {
            Classifier cnn = Models.build("cnn", new DoubleArithmetic(1), 1, new Shape(1, 8, 8), 2, 0.25, depth, false);
            assertEquals(depth, RevealedModels.inferDepth("cnn", names(cnn)));
            Classifier r18 = Models.build("resnet18", new DoubleArithmetic(1), 1, new Shape(3, 8, 8), 2, 0.0625, depth,
                    false);
            assertEquals(depth, RevealedModels.inferDepth("resnet18", names(r18)));
        }
        Classifier r20 = Models.build("resnet", new DoubleArithmetic(1), 1, new Shape(3, 8, 8), 2, 0.25, 20, false);
        assertEquals(20, RevealedModels.inferDepth("resnet", names(r20)));
        assertEquals(new Shape(3, 32, 32), RevealCommand.parseShape("3x32x32"));
        assertEquals(Shape.flat(784), RevealCommand.parseShape("784"));
        assertThrows(IllegalArgumentException.class, () -> RevealCommand.parseShape("3x32"));
    }

    private static List<String> names(Classifier c) {
        List<String> n = new ArrayList<>();
        c.params().forEach(p -> n.add(p.name()));
        return n;
    }
}
