package org.twintrain.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.reveal.ModelReveal;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.train.ChannelOpener;
import org.twintrain.jobs.train.EngineProgram;
import org.twintrain.jobs.train.SecureTrainJob;
import org.twintrain.sharing.channel.InMemoryChannel;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.DataShares;
import org.twintrain.store.Manifests;
import org.twintrain.store.SeedFile;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TensorFile;

/**
 * Failures on the secure path name no secret: each case below makes the share, train or reveal path fail, and
 * the whole text of the exception (every message and stack frame of the cause chain, which is what Spark puts
 * into a failed task's reason, its log and the event log) is searched by {@link LeakScanner} for both halves'
 * shares (8 bytes both orders, decimal and hex text, decoded fixed point; |v| >= 2^20), the data seeds, the
 * model shares and the cleartext features (fixed point, double bits, decimal text). Labels (0/1 here) have too
 * little entropy to search one by one; the share job's label check is tested with a distinctive bad label, its
 * fixed-point range check with a distinctive huge feature.
 */
class SecretFreeErrorsTest {
    private static final int FEATURES = 6;
    private static final int CLASSES = 2;
    private static final int ROWS = 32;
    private static final Map<String, InMemoryChannel[]> PAIRS = new ConcurrentHashMap<>();

    @TempDir
    Path dir;
    private final List<String> taskFailures = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** In-memory channels that give up after 2 s, so the healthy side of a failed run fails fast too. */
    private static ChannelOpener channels(String name) {
        return (party, task) -> PAIRS.computeIfAbsent(name + "/" + task, k -> InMemoryChannel.pair(2_000))[party];
    }

    @Test
    void failuresOnTheSecurePathNameNoShareSeedOrCleartextValue() throws Exception {
        SparkSession spark = LocalSpark.get();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof ExceptionFailure f) {
                    taskFailures.add(f.toErrorString());
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            checkFailures(spark);
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    private void checkFailures(SparkSession spark) throws Exception {
        float[][] x = features();
        TwinTrainConf conf = TwinTrainConf.defaults().with("train.batchSize", "16").with("train.maxSteps", "2")
                .with("train.epochs", "1").with("train.learningRate", "0.001").with("train.progressEvery", "0");
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        StoreLayout a0 = store("a0"), a1 = store("a1"), b0 = store("b0"), b1 = store("b1");
        ShareJob.share(spark, prepared(spark, x, FEATURES, 0), "d", "d", FEATURES, CLASSES, codec, 2, a0, a1, false);
        ShareJob.share(spark, prepared(spark, x, FEATURES, 0), "d", "d", FEATURES, CLASSES, codec, 1, b0, b1, false);
        // A healthy run first, so that model shares exist to damage and to search for.
        SecureTrainJob.run(spark, conf, a0, a1, "d", "ok", new EngineProgram(), channels("ok"));

        LeakScanner secrets = new LeakScanner();
        for (String s : List.of("a", "b")) {
            addSeedHalf(secrets, codec, store(s + "0"));
            addParquetHalf(secrets, codec, dir.resolve(s + "1/data/d/data"));
        }
        for (String s : List.of("a0", "a1")) {
            try (InputStream in = Files.newInputStream(dir.resolve(s + "/model/ok/share.bin"))) {
                for (LongMatrix m : TensorFile.read(in, s).values()) {
                    ring(secrets, codec, "model share " + s, m.data());
                }
            }
        }
        for (float[] row : x) {
            for (float v : row) {
                secrets.addRing("cleartext feature (fixed point)", codec.encode(v));
                secrets.addRing("cleartext feature (double)", Double.doubleToLongBits(v));
                secrets.addDecimal("cleartext feature", v);
            }
        }

        List<String> failures = new ArrayList<>();
        // 1. Halves of two sharing sessions.
        failures.add(failure("different sharing sessions", () -> SecureTrainJob.run(spark, conf, a0, b1, "d", "r1",
                new EngineProgram(), channels("r1"))));
        // 2. The wrong fixed-point encoding for the data.
        failures.add(failure("fractional bits", () -> SecureTrainJob.run(spark, conf.with("ring.fractionalBits", "13"),
                a0, a1, "d", "r2", new EngineProgram(), channels("r2"))));
        // 3. Store 1's manifest counts one row less than store 0's: refused by the driver before any task starts.
        StoreLayout c1 = copy("a1", "c1");
        DataShareManifest m = Manifests.read(c1.data("d"), DataShareManifest.class, new Configuration());
        rewriteManifest(c1, new DataShareManifest(m.formatVersion(), m.party(), m.datasetId(), m.sessionId(), m.ring(),
                m.fractionalBits(), m.features(), m.classes(), m.layout(), m.partitions(), m.rows() - 1, m.checksums()));
        failures.add(failure("describe different data", () -> SecureTrainJob.run(spark, conf, a0, c1, "d", "r3", new EngineProgram(),
                channels("r3"))));
        // 4. Server 0's seed file cut short.
        StoreLayout c0 = copy("a0", "c0");
        Path seeds = dir.resolve("c0/data/d/seeds.bin");
        Files.write(seeds, Arrays.copyOf(Files.readAllBytes(seeds), 12 + 32 + 10));
        Files.deleteIfExists(dir.resolve("c0/data/d/.seeds.bin.crc"));
        failures.add(failure("truncated at seed 1", () -> SecureTrainJob.run(spark, conf, c0, a1, "d", "r4",
                new EngineProgram(), channels("r4"))));
        // 5. The share job on bad input: a row with too few features, and a label outside the classes.
        failures.add(failure("features, expected", () -> ShareJob.share(spark, prepared(spark, x, FEATURES - 1, 0), "e",
                "e", FEATURES, CLASSES, codec, 1, store("e0"), store("e1"), false)));
        String badLabel = failure("label outside", () -> ShareJob.share(spark, prepared(spark, x, FEATURES, 1234567), "f",
                "f", FEATURES, CLASSES, codec, 1, store("f0"), store("f1"), false));
        assertFalse(badLabel.contains("1234567"), "the bad label's value is the data owner's secret");
        failures.add(badLabel);
        float[][] huge = Arrays.stream(x).map(float[]::clone).toArray(float[][]::new);
        huge[3][2] = 1.2345678e30f;
        String outOfRange = failure("row_id 3, feature 2: value outside the fixed-point range", () -> ShareJob.share(spark,
                prepared(spark, huge, FEATURES, 0), "g", "g", FEATURES, CLASSES, codec, 1, store("g0"), store("g1"), false));
        assertFalse(outOfRange.contains("1.2345678") || outOfRange.contains("1.234567"), "the feature's value is secret");
        failures.add(outOfRange);
        // 6. A damaged model share, revealed; and a truncated one read directly.
        StoreLayout d1 = copy("a1", "d1");
        Path share = dir.resolve("d1/model/ok/share.bin");
        byte[] bytes = Files.readAllBytes(share);
        bytes[bytes.length - 3] ^= 1;
        Files.write(share, bytes);
        Files.deleteIfExists(dir.resolve("d1/model/ok/.share.bin.crc"));
        failures.add(failure("checksum", () -> ModelReveal.reveal(a0, d1, "ok", new Configuration())));
        failures.add(failure("truncated at byte", () -> TensorFile.read(
                new java.io.ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 20)), "share.bin")));

        for (String text : failures) {
            assertEquals(List.of(), secrets.scan("exception text", text), text);
        }
        // The positive control: the same scanner finds a share placed in a message.
        long planted = server1Shares(dir.resolve("a1/data/d/data"))[5];
        assertFalse(secrets.scan("message", "bad value " + planted + " in row 3").isEmpty(),
                "the scanner misses a share in a message");
    }

    /**
     * Runs a failing step; the text of what it threw plus the reasons of the Spark tasks that failed meanwhile (a
     * failed server task's reason goes to the driver log and the event log even when the driver reports the other
     * server's failure), which must contain the expected fragment.
     */
    private String failure(String expected, Executable run) throws InterruptedException {
        taskFailures.clear();
        Throwable t = assertThrows(Throwable.class, run);
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        long deadline = System.nanoTime() + 10_000_000_000L;
        String text;
        do {
            text = w + String.join("\n", taskFailures); // the listener bus delivers task ends asynchronously
        } while (!text.contains(expected) && System.nanoTime() < deadline && sleep());
        assertTrue(text.contains(expected), "expected '" + expected + "' in:\n" + text);
        return text;
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }

    private StoreLayout store(String name) {
        return new StoreLayout(dir.resolve(name).toString());
    }

    private StoreLayout copy(String from, String to) throws IOException {
        Path src = dir.resolve(from);
        Path dst = dir.resolve(to);
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : walk.toList()) {
                Path target = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return store(to);
    }

    private static void rewriteManifest(StoreLayout store, DataShareManifest m) throws IOException {
        org.apache.hadoop.fs.Path folder = store.data("d");
        Files.delete(Path.of(folder.toUri().getPath(), Manifests.MANIFEST));
        Files.deleteIfExists(Path.of(folder.toUri().getPath(), "." + Manifests.MANIFEST + ".crc"));
        Manifests.write(folder, m, new Configuration());
    }

    /** Features of magnitude 16..64 (every encoding >= 2^20, every printed value 7+ significant digits). */
    private static float[][] features() {
        SplittableRandom rnd = new SplittableRandom(41);
        float[][] x = new float[ROWS][FEATURES];
        for (float[] row : x) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = (float) ((rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(16, 64));
            }
        }
        return x;
    }

    /** The prepared rows with the first `features` features; row 3 gets badLabel when it is not 0. */
    private static Dataset<Row> prepared(SparkSession spark, float[][] x, int features, int badLabel) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            List<Float> f = new ArrayList<>();
            for (int j = 0; j < features; j++) {
                f.add(x[i][j]);
            }
            rows.add(RowFactory.create((long) i, f, i == 3 && badLabel != 0 ? badLabel : x[i][0] > 0 ? 1 : 0));
        }
        return spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.IntegerType));
    }

    private static void addSeedHalf(LeakScanner s, FixedPoint codec, StoreLayout store) throws IOException {
        Configuration hadoop = new Configuration();
        DataShareManifest m = Manifests.read(store.data("d"), DataShareManifest.class, hadoop);
        byte[][] seeds = SeedFile.read(new org.apache.hadoop.fs.Path(store.data("d"), "seeds.bin"), hadoop);
        for (int p = 0; p < seeds.length; p++) {
            DataShares.Half h = DataShares.expand(seeds[p], m.partitions().get(p), m.features(), m.classes());
            ring(s, codec, "server 0's share", h.features().data());
            ring(s, codec, "server 0's share", h.labels().data());
            s.addSecretBytes("data seed", seeds[p]);
        }
    }

    private static void addParquetHalf(LeakScanner s, FixedPoint codec, Path data) throws IOException {
        ring(s, codec, "server 1's share", server1Shares(data));
    }

    private static long[] server1Shares(Path data) throws IOException {
        List<Long> values = new ArrayList<>();
        for (Group r : ParquetValues.rowsUnder(data)) {
            values.addAll(ParquetValues.longs(r, "features"));
            values.addAll(ParquetValues.longs(r, "labels"));
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static void ring(LeakScanner s, FixedPoint codec, String name, long[] values) {
        s.addRing(name, values);
        for (long v : values) {
            if (Math.abs(v) >= LeakScanner.MIN_MAGNITUDE) {
                s.addDecimal(name + " decoded", codec.decode(v));
            }
        }
    }
}
