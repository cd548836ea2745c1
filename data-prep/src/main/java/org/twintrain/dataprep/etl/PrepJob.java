package org.twintrain.dataprep.etl;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.twintrain.dataprep.format.DataFormatException;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The data-prep Spark job: a data set in its release format (local path or any Hadoop URI) to partitioned
 * Parquet plus {@code manifest.json}, written atomically ({@link AtomicOutput}). Options: {@link PrepOptions}.
 * Output layout: {@code OUT/data/split=<name>/part-*.parquet}, {@code OUT/manifest.json},
 * text also {@code OUT/vocab.<lang>.txt}, and {@code OUT/_COMPLETE} (last). Read it back with
 * {@link PreparedDataset}.
 *
 * <p>Run with {@code spark-submit --class org.twintrain.dataprep.etl.PrepJob}, or with plain {@code java}: when no
 * master is configured it runs on {@code local[*]} bound to 127.0.0.1.
 */
public final class PrepJob {
    private PrepJob() {
    }

    public static void main(String[] args) throws Exception {
        PrepOptions opts;
        try {
            opts = PrepOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: PrepJob --dataset cifar10|cifar100|mnist|digits|text --input PATH --output PATH "
                    + "[--labels fine|coarse] [--vocab-size N | --min-count N] [--src en --tgt fr] "
                    + "[--bucket-width N] [--partitions N] [--overwrite]");
            System.exit(2);
            return;
        }
        SparkConf conf = new SparkConf().setAppName("twintrain-prep-" + opts.dataset());
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false");
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        int status = 0;
        try {
            ObjectNode manifest = run(spark, opts);
            System.out.println("wrote " + opts.output() + ": " + manifest.get("splits"));
        } catch (Exception e) {
            DataFormatException bad = dataError(e);
            System.err.println("error: " + (bad != null ? bad.getMessage() : e.toString()));
            if (bad == null) {
                e.printStackTrace();
            }
            status = 1;
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    /**
     * Prepares one data set; returns its manifest. Refuses an existing output unless {@code --overwrite}, before
     * reading any input.
     */
    public static ObjectNode run(SparkSession spark, PrepOptions opts) throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path target = new Path(opts.output());
        AtomicOutput.checkTarget(target, conf, opts.overwrite());
        ObjectNode manifest = Manifest.newManifest(opts.dataset(), opts);
        long start = System.nanoTime();
        long[] records = new long[1];
        AtomicOutput.write(target, conf, opts.overwrite(), tmp -> {
            records[0] = opts.dataset().equals("text")
                    ? TextEtl.run(spark, opts, tmp, manifest)
                    : ImageEtl.run(spark, opts, tmp, manifest);
            double seconds = (System.nanoTime() - start) / 1e9;
            manifest.put("etlSeconds", seconds);
            manifest.put("recordsPerSecond", records[0] / seconds);
            Manifest.write(manifest, tmp, conf);
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: %d records prepared in %.2f s: %.0f records/s (Spark start-up excluded)%n",
                opts.dataset(), records[0], seconds, records[0] / seconds);
        return manifest;
    }

    /** The data error behind a (possibly Spark-wrapped) failure, or null. */
    public static DataFormatException dataError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataFormatException d) {
                return d;
            }
        }
        // Task failures arrive as SparkException with the remote stack trace in the message only.
        String msg = String.valueOf(e.getMessage());
        int at = msg.indexOf(DataFormatException.class.getName() + ": ");
        if (at >= 0) {
            String rest = msg.substring(at + DataFormatException.class.getName().length() + 2);
            int end = rest.indexOf('\n');
            return new DataFormatException(end < 0 ? rest : rest.substring(0, end));
        }
        return null;
    }
}
