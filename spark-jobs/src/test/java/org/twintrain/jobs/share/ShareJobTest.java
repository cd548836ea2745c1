package org.twintrain.jobs.share;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
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
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.DataShares;
import org.twintrain.store.Manifests;
import org.twintrain.store.SeedFile;
import org.twintrain.store.StoreLayout;

class ShareJobTest {
    private static final int FEATURES = 5;
    private static final int CLASSES = 3;

    private static Dataset<Row> prepared(SparkSession spark, double[][] x, int[] y) {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            List<Double> f = new ArrayList<>();
            for (double v : x[i]) {
                f.add(v);
            }
            rows.add(RowFactory.create((long) i, f, y[i]));
        }
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void halvesReconstructTheEncodedDataAndStoresHoldOnlyTheirOwnHalf(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 200;
        double[][] x = new double[n][FEATURES];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i][j] = rnd.nextDouble(-100, 100);
            }
            y[i] = rnd.nextInt(CLASSES);
        }
        FixedPoint codec = new FixedPoint(13);
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        ShareJob.Result result = ShareJob.share(spark, prepared(spark, x, y), "unit", "unit", FEATURES, CLASSES, codec,
                3, s0, s1, false);

        assertEquals(result.server0().sessionId(), result.server1().sessionId());
        assertEquals(n, result.server0().rows());
        assertEquals(result.server0().partitions(), result.server1().partitions());

        Configuration hadoop = new Configuration();
        DataShareManifest m0 = Manifests.read(s0.data("unit"), DataShareManifest.class, hadoop);
        assertEquals(0, m0.party());
        byte[][] seeds = SeedFile.read(new org.apache.hadoop.fs.Path(s0.data("unit"), "seeds.bin"), hadoop);
        try (Stream<Path> files = Files.walk(dir.resolve("store0"))) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".parquet")), "store 0 must hold seeds only");
        }

        // Reconstruct every row: server 1's materialized half plus server 0's expanded half.
        List<Row> half1 = spark.read().parquet(s1.data("unit").toString() + "/data")
                .orderBy("partition", "position").collectAsList();
        int seen = 0;
        for (int p = 0; p < m0.partitions().size(); p++) {
            int rows = m0.partitions().get(p);
            DataShares.Half half0 = DataShares.expand(seeds[p], rows, FEATURES, CLASSES);
            for (int r = 0; r < rows; r++) {
                Row row = half1.get(seen++);
                assertEquals(p, row.getInt(0));
                int id = (int) row.getLong(2);
                List<Long> f1 = row.getList(3);
                List<Long> l1 = row.getList(4);
                long[] got = new long[FEATURES];
                for (int j = 0; j < FEATURES; j++) {
                    got[j] = half0.features().get(r, j) + f1.get(j);
                }
                assertArrayEquals(codec.encode(x[id]), got);
                for (int c = 0; c < CLASSES; c++) {
                    long label = half0.labels().get(r, c) + l1.get(c);
                    assertEquals(c == y[id] ? codec.one() : 0L, label);
                }
            }
        }
        assertEquals(n, seen);
    }

    @Test
    void theLayoutDependsOnTheRowIdsOnlyNotOnHowTheInputIsSplit(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        int n = 300;
        double[][] x = new double[n][FEATURES];
        int[] y = new int[n];
        FixedPoint codec = new FixedPoint(13);
        List<String> layouts = new java.util.ArrayList<>();
        for (int inputPartitions : new int[] {1, 7}) {
            // The input shuffled into another split and order each time, as a prep job on another cluster would.
            org.apache.spark.sql.Dataset<Row> input = prepared(spark, x, y).repartition(inputPartitions)
                    .orderBy(org.apache.spark.sql.functions.rand(inputPartitions));
            StoreLayout s0 = new StoreLayout(dir.resolve("a" + inputPartitions).toString());
            StoreLayout s1 = new StoreLayout(dir.resolve("b" + inputPartitions).toString());
            ShareJob.share(spark, input, "unit", "unit", FEATURES, CLASSES, codec, 4, s0, s1, false);
            layouts.add(spark.read().parquet(s1.data("unit") + "/data").orderBy("partition", "position")
                    .select("partition", "position", "row_id").collectAsList().toString());
        }
        assertEquals(layouts.get(0), layouts.get(1));
    }

    @Test
    void refusesAnExistingDataSetUnlessOverwrite(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        double[][] x = {{1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}};
        int[] y = {0, 2};
        StoreLayout s0 = new StoreLayout(dir.resolve("a").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("b").toString());
        FixedPoint codec = FixedPoint.defaults();
        ShareJob.share(spark, prepared(spark, x, y), "d", "d", FEATURES, CLASSES, codec, 1, s0, s1, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShareJob.share(spark, prepared(spark, x, y), "d", "d", FEATURES, CLASSES, codec, 1, s0, s1, false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        ShareJob.share(spark, prepared(spark, x, y), "d", "d", FEATURES, CLASSES, codec, 1, s0, s1, true);
    }

    @Test
    void labelOutOfRangeFailsWithoutOutputAndWithoutTheValue(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        double[][] x = {{1, 2, 3, 4, 5}};
        int[] y = {7};
        StoreLayout s0 = new StoreLayout(dir.resolve("a").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("b").toString());
        Exception e = assertThrows(Exception.class, () -> ShareJob.share(spark, prepared(spark, x, y), "d", "d",
                FEATURES, CLASSES, FixedPoint.defaults(), 1, s0, s1, false));
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains("row_id 0: label outside 0..2"), message);
        assertFalse(message.contains("label 7"), message);
        assertFalse(Files.exists(dir.resolve("a/data/d")), "no complete-looking output after a failure");
        assertFalse(Files.exists(dir.resolve("b/data/d")), "no complete-looking output after a failure");
    }

    @Test
    void aRepeatedRowIdIsRefusedWithoutOutput(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        double[][] x = {{1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}, {0, 0, 0, 0, 1}};
        Dataset<Row> twice = prepared(spark, x, new int[] {0, 1, 2}).union(prepared(spark, new double[][] {x[1]},
                new int[] {2}).selectExpr("1L as id", "features", "label"));
        StoreLayout s0 = new StoreLayout(dir.resolve("a").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("b").toString());
        Exception e = assertThrows(Exception.class, () -> ShareJob.share(spark, twice, "d", "d", FEATURES, CLASSES,
                FixedPoint.defaults(), 2, s0, s1, false));
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append(" | ");
        }
        String message = chain.toString();
        assertTrue(message.contains("row_id 1 appears more than once"), message);
        assertFalse(Files.exists(dir.resolve("a/data/d")));
        assertFalse(Files.exists(dir.resolve("b/data/d")));
    }
}
