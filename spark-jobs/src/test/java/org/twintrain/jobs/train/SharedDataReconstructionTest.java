package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.store.StoreLayout;

/** Both halves of a shared data set added up: the prepared rows, in the order the servers train on them. */
class SharedDataReconstructionTest {
    private static final int FEATURES = 5;
    private static final int CLASSES = 3;
    private static final FixedPoint CODEC = new FixedPoint(16);

    @Test
    void addsUpToThePreparedRowsInTheServersOrder(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> prepared = StorePairs.threeClassRows(spark, 11, 70, FEATURES);
        StoreLayout[] s = StorePairs.stores(dir, "a");
        ShareJob.share(spark, prepared, "toy", "train", FEATURES, CLASSES, CODEC, 3, s[0], s[1], false);

        SharedDataReconstruction.Data d = SharedDataReconstruction.read(spark, s[0].root().toString(), s[1].root().toString(), "train");
        assertEquals(70, d.rows());
        assertEquals(FEATURES, d.featureCount());

        Map<Long, Row> byId = new HashMap<>();
        for (Row r : prepared.collectAsList()) {
            byId.put(r.getLong(0), r);
        }
        // The servers' order: server 1's rows by (partition, position); row_id names the prepared row.
        List<Row> order = new java.util.ArrayList<>(spark.read().parquet(s[1].data("train") + "/data")
                .select("partition", "position", "row_id").collectAsList());
        order.sort(Comparator.<Row>comparingInt(r -> r.getInt(0)).thenComparingInt(r -> r.getInt(1)));
        boolean shuffled = false;
        for (int i = 0; i < order.size(); i++) {
            long id = order.get(i).getLong(2);
            shuffled |= id != i;
            Row p = byId.get(id);
            List<Double> f = p.getList(1);
            for (int j = 0; j < FEATURES; j++) {
                assertEquals(CODEC.decode(CODEC.encode(f.get(j))), d.features()[i * FEATURES + j], 0.0,
                        "row " + i + " feature " + j);
            }
            assertEquals(p.getInt(2), d.labels()[i], "row " + i + " label");
        }
        assertTrue(shuffled || order.size() < 2, "the share job's order is not the prepared order here, so the test"
                + " tells the two apart");
    }

    @Test
    void refusesHalvesOfTwoSharingsAndSwappedStores(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> prepared = StorePairs.threeClassRows(spark, 12, 30, FEATURES);
        StoreLayout[] a = StorePairs.stores(dir, "a");
        StoreLayout[] b = StorePairs.stores(dir, "b");
        ShareJob.share(spark, prepared, "toy", "train", FEATURES, CLASSES, CODEC, 2, a[0], a[1], false);
        ShareJob.share(spark, prepared, "toy", "train", FEATURES, CLASSES, CODEC, 2, b[0], b[1], false);

        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> SharedDataReconstruction.read(spark, a[0].root().toString(), b[1].root().toString(), "train"));
        assertTrue(mixed.getMessage().contains("not the two halves of one sharing run"), mixed.getMessage());
        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
                () -> SharedDataReconstruction.read(spark, a[1].root().toString(), a[0].root().toString(), "train"));
        assertTrue(swapped.getMessage().contains("give server 0's store first"), swapped.getMessage());
    }

    @Test
    void trainLocalEmulatesOnTheStoredRows(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        StoreLayout[] s = StorePairs.stores(dir, "a");
        ShareJob.share(spark, StorePairs.threeClassRows(spark, 13, 64, FEATURES), "toy", "train", FEATURES, CLASSES,
                CODEC, 2, s[0], s[1], false);
        ShareJob.share(spark, StorePairs.threeClassRows(spark, 14, 40, FEATURES), "toy-dev", "dev", FEATURES, CLASSES,
                CODEC, 1, s[0], s[1], false);
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            org.twintrain.tools.TrainLocal.main(new String[] {"--shares", s[0].root() + "," + s[1].root(), "--model",
                "secureml", "--width", "0.25", "--backend", "fixed:16", "--epochs", "2", "--batch", "16", "--lr", "0.1"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("train=64 dev=40"), out);
        assertTrue(out.contains("epoch 2.00 step 8 dev_accuracy"), out);
        assertFalse(spark.sparkContext().isStopped(), "the test's session is left running");

        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> org.twintrain.tools.TrainLocal
                .main(new String[] {"--shares", s[0].root().toString(), "--model", "secureml"}));
        assertTrue(one.getMessage().contains("--shares needs two store roots"), one.getMessage());
    }
}
