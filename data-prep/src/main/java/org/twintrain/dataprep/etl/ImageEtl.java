package org.twintrain.dataprep.etl;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.LabelKind;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The image part of {@link PrepJob}: plans record ranges, decodes them in Spark tasks (one task per chunk) twice
 * -- once for exact statistics (counts per class, per-channel sums) and once to write Parquet -- and fills the
 * manifest.
 *
 * <p>Row schema ({@link #SCHEMA}): {@code id} long (position in the split, in file order), {@code split} string
 * (Parquet partition column), {@code label} int, {@code features} array&lt;float&gt; of fixed length
 * channels*height*width, CHW order, value = pixel / 255 in [0, 1] (pixel / 16 for the optical digits, whose
 * pixels are 0..16). A plain float array rather than an MLlib
 * vector: it needs no MLlib to read and maps one to one onto the training engine's matrices. Features are not
 * normalized; the training split's per-channel mean and std are in the manifest for the consumer to apply.
 */
final class ImageEtl {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("split", DataTypes.StringType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private ImageEtl() {
    }

    /** Runs the image ETL into {@code tmp}; returns the number of records written. */
    static long run(SparkSession spark, PrepOptions opts, Path tmp, ObjectNode manifest) throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ImageInputs inputs = ImageInputs.discover(opts.dataset(), opts.input(), opts.labels(), conf);
        int partitions = opts.partitions() > 0 ? opts.partitions() : 2 * jsc.defaultParallelism();
        long perChunk = Math.max(1, (inputs.totalRecords() + partitions - 1) / partitions);
        List<ImageChunk> chunks = inputs.plan(perChunk);

        HadoopConf hconf = new HadoopConf(conf);
        CifarVariant variant = opts.dataset().equals("cifar100") ? CifarVariant.CIFAR100 : CifarVariant.CIFAR10;
        LabelKind kind = opts.labels();
        int classes = inputs.classNames.length;
        int channels = inputs.channels;
        int imageSize = inputs.channels * inputs.height * inputs.width;
        float maxValue = maxValue(opts.dataset());
        JavaRDD<ImageChunk> planned = jsc.parallelize(chunks, chunks.size());

        long t0 = System.nanoTime();
        List<SplitStats> parts = planned.map(chunk -> {
            SplitStats stats = new SplitStats(chunk.split(), classes, channels);
            try (ChunkReader reader = new ChunkReader(chunk, hconf, variant, kind, imageSize)) {
                while (reader.hasNext()) {
                    ChunkReader.Image image = reader.next();
                    stats.add(image.label(), image.pixels());
                }
            }
            return stats;
        }).collect();
        long t1 = System.nanoTime();
        Map<String, SplitStats> bySplit = new LinkedHashMap<>();
        for (SplitStats p : parts) {
            bySplit.merge(p.split, p, SplitStats::merge);
        }

        JavaRDD<Row> rows = planned.flatMap(chunk -> toRows(chunk, hconf, variant, kind, imageSize, maxValue));
        spark.createDataFrame(rows, SCHEMA).write().partitionBy("split").parquet(new Path(tmp, Manifest.DATA).toString());
        long t2 = System.nanoTime();

        long total = inputs.totalRecords();
        System.out.printf("%s: %d records in %d chunks; statistics pass %.2f s (%.0f records/s), "
                        + "decode+write pass %.2f s (%.0f records/s)%n", opts.dataset(), total, chunks.size(),
                (t1 - t0) / 1e9, total / ((t1 - t0) / 1e9), (t2 - t1) / 1e9, total / ((t2 - t1) / 1e9));
        fillManifest(manifest, inputs, bySplit, conf, jsc, chunks.size(), maxValue);
        return total;
    }

    /** The largest pixel value of a data set's files: 255, or 16 for the optical digits (counts of a 4x4 block). */
    static float maxValue(String dataset) {
        return dataset.equals("digits") ? org.twintrain.dataprep.format.DigitsReader.MAX_VALUE : 255f;
    }

    private static Iterator<Row> toRows(ImageChunk chunk, HadoopConf hconf, CifarVariant variant, LabelKind kind,
                                        int imageSize, float maxValue) throws Exception {
        ChunkReader reader = new ChunkReader(chunk, hconf, variant, kind, imageSize);
        // The reader closes itself at the end; a task killed midway closes it here.
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> reader.close());
        }
        String split = chunk.split();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return reader.hasNext();
            }

            @Override
            public Row next() {
                ChunkReader.Image image = reader.next();
                byte[] px = image.pixels();
                float[] features = new float[px.length];
                for (int i = 0; i < px.length; i++) {
                    features[i] = (px[i] & 0xFF) / maxValue;
                }
                return RowFactory.create(image.id(), split, image.label(), features);
            }
        };
    }

    private static void fillManifest(ObjectNode m, ImageInputs inputs, Map<String, SplitStats> bySplit,
                                     Configuration conf, JavaSparkContext jsc, int chunks, float maxValue)
            throws Exception {
        m.set("sources", Sources.checksums(inputs.files, conf, jsc));
        ArrayNode names = m.putArray("classNames");
        for (String n : inputs.classNames) {
            names.add(n);
        }
        ObjectNode image = m.putObject("image");
        image.put("channels", inputs.channels);
        image.put("height", inputs.height);
        image.put("width", inputs.width);
        image.put("featureLength", inputs.channels * inputs.height * inputs.width);
        image.put("featureOrder", "CHW");
        image.put("featureScale", "pixel / " + (int) maxValue);
        ObjectNode splits = m.putObject("splits");
        for (SplitStats s : bySplit.values()) {
            ObjectNode node = splits.putObject(s.split);
            node.put("count", s.count);
            ArrayNode counts = node.putArray("classCounts");
            for (long c : s.classCounts) {
                counts.add(c);
            }
        }
        SplitStats train = bySplit.get("train");
        int plane = inputs.height * inputs.width;
        ObjectNode norm = m.putObject("normalization");
        norm.put("computedOn", "train");
        norm.put("appliedToFeatures", false);
        ArrayNode mean = norm.putArray("mean");
        ArrayNode std = norm.putArray("std");
        for (int c = 0; c < inputs.channels; c++) {
            mean.add(train.mean(c, plane, maxValue));
            std.add(train.std(c, plane, maxValue));
        }
        m.put("decodeTasks", chunks);
        m.set("schema", Manifest.JSON.readTree(SCHEMA.json()));
        m.put("layout", Manifest.DATA + "/split=<name>/*.parquet");
    }
}
