package org.twintrain.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession of a command. Under spark-submit the master and cluster settings come from
 * spark-submit; from the launcher's local mode ({@code -Dtwintrain.launcher=local}) or in tests the master is
 * {@code spark.master} of the configuration and every address is loopback. Either way the FAIR scheduler
 * pools {@code server0}, {@code server1} and {@code offline} of {@code conf/fairscheduler.xml} are enabled.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession start(String appName, TwinTrainConf conf) {
        SparkSession.Builder b = SparkSession.builder().appName(appName)
                .config("spark.scheduler.mode", "FAIR")
                .config("spark.scheduler.allocation.file", fairSchedulerFile().toString())
                // Files that Spark itself writes into a store (server 1's Parquet half) are owner-only: HDFS applies
                // this umask at creation; on a local disk the store folder around them is made 0700 (StoreFiles).
                .config("spark.hadoop.fs.permissions.umask-mode", "077");
        boolean submitted = System.getProperty("spark.master") != null
                && !"local".equals(System.getProperty("twintrain.launcher"));
        if (!submitted) {
            b.master(conf.get("spark.master"))
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4");
        }
        SparkSession spark = b.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** A command's work on the session. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(SparkSession spark) throws Exception;
    }

    /**
     * Runs a command's work on the session and stops the session afterwards, unless it existed before (a
     * command called inside a running application, as in tests, leaves that application's session alone).
     */
    public static <T> T run(String appName, TwinTrainConf conf, Work<T> work) throws Exception {
        boolean existed = SparkSession.getDefaultSession().isDefined() || SparkSession.getActiveSession().isDefined();
        SparkSession spark = start(appName, conf);
        try {
            return work.apply(spark);
        } finally {
            if (!existed) {
                spark.stop();
            }
        }
    }

    /** Spark reads the allocation file by path, so the copy packed in the jar is written to a temp file once. */
    private static synchronized Path fairSchedulerFile() {
        try (InputStream in = SparkSessions.class.getResourceAsStream("/twintrain/conf/fairscheduler.xml")) {
            if (in == null) {
                throw new IllegalStateException("missing twintrain/conf/fairscheduler.xml on the classpath (broken build)");
            }
            Path tmp = Files.createTempFile("twintrain-fairscheduler", ".xml");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().deleteOnExit();
            return tmp;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the FAIR scheduler allocation file", e);
        }
    }
}
