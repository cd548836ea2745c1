package org.twintrain.jobs;

import org.apache.spark.sql.SparkSession;

/** One local SparkSession for the test JVM, on loopback, with the FAIR pools of conf/ (via SparkSessions). */
public final class LocalSpark {
    private static SparkSession spark;

    private LocalSpark() {
    }

    public static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSessions.start("twintrain-test", TwinTrainConf.defaults());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
        }
        return spark;
    }
}
