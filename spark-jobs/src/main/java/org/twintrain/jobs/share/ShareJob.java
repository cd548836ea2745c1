package org.twintrain.jobs.share;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.Prg;
import org.twintrain.store.AtomicFolder;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.DataShares;
import org.twintrain.store.Manifests;
import org.twintrain.store.SeedFile;
import org.twintrain.store.StoreLayout;

/**
 * Splits a prepared data set into two additive halves, one per server store. Every partition gets a fresh
 * 32-byte seed; server 0's half is that seed's PRG stream (so store 0 holds only the seeds), server 1's half
 * is encode(x) minus the stream, materialized as Parquet. Labels are shared one-hot. Neither store receives
 * anything of the other's half, and both manifests carry the same random session id, so halves of different
 * runs are refused together.
 */
public final class ShareJob {
    /** Schema of server 1's materialized half. */
    public static final StructType SHARE_SCHEMA = new StructType()
            .add("partition", DataTypes.IntegerType, false)
            .add("position", DataTypes.IntegerType, false)
            .add("row_id", DataTypes.LongType, false)
            .add(DataShares.FEATURES, DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add(DataShares.LABELS, DataTypes.createArrayType(DataTypes.LongType, false), false);

    private ShareJob() {
    }

    /** What a share run wrote. */
    public record Result(DataShareManifest server0, DataShareManifest server1) {
    }

    /**
     * @param prepared   rows of the data-prep schema: {@code id} (long), {@code features} (array of numbers or an ML vector)
     *                   and {@code label} (int in 0..classes-1)
     * @param name       the name of the shared data set inside each store
     */
    public static Result share(SparkSession spark, Dataset<Row> prepared, String datasetId, String name,
            int features, int classes, FixedPoint codec, int partitions, StoreLayout store0, StoreLayout store1,
            boolean overwrite) throws IOException {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        byte[][] seeds = freshSeeds(partitions);
        String sessionId = HexFormat.of().formatHex(randomBytes(16));

        AtomicFolder out0 = AtomicFolder.begin(store0.data(name), overwrite, hadoop);
        AtomicFolder out1 = AtomicFolder.begin(store1.data(name), overwrite, hadoop);
        try {
            spark.sparkContext().setJobDescription("share " + datasetId + ": server 1's half (" + partitions + " partitions)");
            // Rows go to partitions by a hash of their id and in id order within each: the layout (which row sits
            // at which partition and position, and so the order training visits them) then depends only on the
            // ids, not on how the input happened to be split, so the same data shares alike on any cluster.
            JavaRDD<Row> shares = prepared.select("id", "features", "label")
                    .repartition(partitions, functions.col("id")).sortWithinPartitions("id").javaRDD()
                    .mapPartitionsWithIndex(shareServer1(seeds, features, classes, codec.fractionalBits()), true);
            Path data1 = new Path(out1.path(), "data");
            spark.createDataFrame(shares, SHARE_SCHEMA).write().parquet(data1.toString());

            List<Integer> counts = partitionCounts(spark, data1.toString(), partitions);
            long rows = counts.stream().mapToLong(Integer::longValue).sum();

            Path seedFile = new Path(out0.path(), "seeds.bin");
            SeedFile.write(seedFile, seeds, hadoop);
            DataShareManifest m0 = new DataShareManifest(DataShareManifest.FORMAT_VERSION, 0, datasetId, sessionId,
                    DataShareManifest.RING, codec.fractionalBits(), features, classes, "seeds", counts, rows,
                    Map.of("seeds.bin", Manifests.sha256(seedFile, hadoop)));
            DataShareManifest m1 = new DataShareManifest(DataShareManifest.FORMAT_VERSION, 1, datasetId, sessionId,
                    DataShareManifest.RING, codec.fractionalBits(), features, classes, "parquet", counts, rows,
                    checksums(data1, hadoop));
            Manifests.write(out0.path(), m0, hadoop);
            Manifests.write(out1.path(), m1, hadoop);
            out0.commit();
            out1.commit();
            return new Result(m0, m1);
        } catch (IOException | RuntimeException e) {
            out0.abort();
            out1.abort();
            throw e;
        } finally {
            spark.sparkContext().setJobDescription(null);
        }
    }

    private static Function2<Integer, Iterator<Row>, Iterator<Row>> shareServer1(byte[][] seeds, int features,
            int classes, int fractionalBits) {
        return (partition, rows) -> {
            FixedPoint codec = new FixedPoint(fractionalBits);
            Prg featureMask = new Prg(seeds[partition], DataShares.FEATURES);
            Prg labelMask = new Prg(seeds[partition], DataShares.LABELS);
            List<Row> out = new ArrayList<>();
            int position = 0;
            long previous = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                long rowId = r.getLong(0);
                // Rows arrive in id order within the partition and equal ids hash to one partition, so a repeated
                // id is the previous row's: refused, since a row's place (and so its mask) must be its own.
                if (position > 0 && rowId == previous) {
                    throw new IllegalArgumentException("row_id " + rowId + " appears more than once in the input; each"
                            + " row of a data set needs its own id");
                }
                previous = rowId;
                double[] x = featuresOf(r, 1, rowId);
                if (x.length != features) {
                    throw new IllegalArgumentException("row_id " + rowId + " has " + x.length + " features, expected "
                            + features);
                }
                int label = r.getInt(2);
                if (label < 0 || label >= classes) {
                    // The label's value is the data owner's secret: name the row, not the value.
                    throw new IllegalArgumentException("row_id " + rowId + ": label outside 0.." + (classes - 1));
                }
                long[] xs = new long[features];
                for (int i = 0; i < features; i++) {
                    long encoded;
                    try {
                        encoded = codec.encode(x[i]);
                    } catch (ArithmeticException e) {
                        // Name the row and the column, never the value (the data owner's secret).
                        throw new IllegalArgumentException("row_id " + rowId + ", feature " + i + ": " + e.getMessage(), e);
                    }
                    xs[i] = encoded - featureMask.nextLong();
                }
                long[] ys = new long[classes];
                for (int c = 0; c < classes; c++) {
                    ys[c] = (c == label ? codec.one() : 0L) - labelMask.nextLong();
                }
                out.add(RowFactory.create(partition, position++, rowId, xs, ys));
            }
            return out.iterator();
        };
    }

    static double[] featuresOf(Row r, int index, long rowId) {
        Object v = r.get(index);
        if (v instanceof Vector vec) {
            return vec.toArray();
        }
        if (!(v instanceof scala.collection.Seq<?>)) {
            throw new IllegalArgumentException("row_id " + rowId + ": column features must be an array of numbers or an "
                    + "ML vector, found " + (v == null ? "null" : v.getClass().getSimpleName()));
        }
        List<Object> list = r.getList(index); // Spark's own view of an array column
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }

    private static List<Integer> partitionCounts(SparkSession spark, String data, int partitions) {
        Map<Integer, Integer> byPartition = new TreeMap<>();
        for (Row r : spark.read().parquet(data).groupBy("partition").count().collectAsList()) {
            byPartition.put(r.getInt(0), (int) r.getLong(1));
        }
        List<Integer> counts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            counts.add(byPartition.getOrDefault(p, 0));
        }
        return counts;
    }

    private static Map<String, String> checksums(Path folder, Configuration hadoop) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        for (FileStatus f : folder.getFileSystem(hadoop).listStatus(folder)) {
            if (f.isFile() && f.getPath().getName().endsWith(".parquet")) {
                sums.put("data/" + f.getPath().getName(), Manifests.sha256(f.getPath(), hadoop));
            }
        }
        return sums;
    }

    /** Per-partition seeds: HMAC-SHA256 of a fresh master secret, so no two partitions or runs share a stream. */
    private static byte[][] freshSeeds(int partitions) {
        byte[] master = randomBytes(32);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            byte[][] seeds = new byte[partitions][];
            for (int p = 0; p < partitions; p++) {
                seeds[p] = mac.doFinal(("partition/" + p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return seeds;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        } finally {
            java.util.Arrays.fill(master, (byte) 0);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
