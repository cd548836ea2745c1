package org.twintrain.dataprep.etl;

import java.io.IOException;
import java.io.InputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.twintrain.dataprep.format.DataFormatException;
import org.twintrain.dataprep.format.Vocabulary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A prepared set written by {@link PrepJob}, for later jobs: checks the {@code _COMPLETE} marker and the manifest's
 * format version, then gives the rows (with the schema stored in the manifest), the manifest and, for text, the
 * vocabularies.
 */
public final class PreparedDataset {
    private final SparkSession spark;
    private final Path root;
    private final ObjectNode manifest;
    private final StructType schema;

    private PreparedDataset(SparkSession spark, Path root, ObjectNode manifest) {
        this.spark = spark;
        this.root = root;
        this.manifest = manifest;
        this.schema = (StructType) DataType.fromJson(manifest.get("schema").toString());
    }

    /** Opens a prepared set; refuses an incomplete one or another format version. */
    public static PreparedDataset load(SparkSession spark, String path) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path root = new Path(path);
        if (!AtomicOutput.isComplete(root, conf)) {
            throw DataFormatException.of(path, "not a complete prepared set (no " + AtomicOutput.COMPLETE + ")");
        }
        ObjectNode manifest = Manifest.read(root, conf);
        int version = manifest.path("formatVersion").asInt(-1);
        if (version != Manifest.FORMAT_VERSION) {
            throw DataFormatException.of(path + "/" + Manifest.FILE, "format version " + version
                    + ", this reader supports " + Manifest.FORMAT_VERSION);
        }
        return new PreparedDataset(spark, root, manifest);
    }

    public ObjectNode manifest() {
        return manifest;
    }

    /** cifar10, cifar100, mnist or text. */
    public String dataset() {
        return manifest.get("dataset").asText();
    }

    public StructType schema() {
        return schema;
    }

    /** All rows, all splits, columns in schema order (Spark would put the partition column last). */
    public Dataset<Row> rows() {
        org.apache.spark.sql.Column[] columns = java.util.Arrays.stream(schema.fieldNames())
                .map(functions::col).toArray(org.apache.spark.sql.Column[]::new);
        return spark.read().schema(schema).parquet(new Path(root, Manifest.DATA).toString()).select(columns);
    }

    /** Rows of one split (Parquet partition pruning reads only that folder). */
    public Dataset<Row> split(String name) {
        if (!manifest.path("splits").has(name)) {
            throw new IllegalArgumentException("no split " + name + " in " + root + "; splits: "
                    + manifest.path("splits").properties().stream().map(java.util.Map.Entry::getKey).toList());
        }
        return rows().where(functions.col("split").equalTo(name));
    }

    /** Number of rows of a split, from the manifest. */
    public long count(String split) {
        return manifest.path("splits").path(split).path("count").asLong();
    }

    /** Images: class names in label order. */
    public String[] classNames() {
        return strings(manifest.get("classNames"));
    }

    /** Images: per-channel mean of the features on the training split. */
    public double[] channelMean() {
        return doubles(manifest.path("normalization").get("mean"));
    }

    /** Images: per-channel standard deviation of the features on the training split. */
    public double[] channelStd() {
        return doubles(manifest.path("normalization").get("std"));
    }

    /** Text: the source-side vocabulary. */
    public Vocabulary sourceVocabulary() throws IOException {
        return vocabulary(manifest.path("vocabulary").get("sourceFile").asText());
    }

    /** Text: the target-side vocabulary. */
    public Vocabulary targetVocabulary() throws IOException {
        return vocabulary(manifest.path("vocabulary").get("targetFile").asText());
    }

    private Vocabulary vocabulary(String file) throws IOException {
        Path p = new Path(root, file);
        try (InputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
            return Vocabulary.read(in, p.toString());
        }
    }

    private static String[] strings(JsonNode array) {
        String[] out = new String[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asText();
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
