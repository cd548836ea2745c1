package org.twintrain.jobs;

import org.apache.spark.sql.SparkSession;

/** One local SparkSession for the test JVM, on loopback, with the FAIR pools of conf/ (via SparkSessions). */
public final class LocalSpark {
    private static SparkSession spark;

    private LocalSpark() {
    }

    public static synchronized SparkSession get() {
        if (spark == null) {
            // local[4]: secure runs with two data-parallel tasks per server need four slots (two barrier stages at once).
            spark = SparkSessions.start("twintrain-test", TwinTrainConf.defaults().with("spark.master", "local[4]"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
        }
        return spark;
    }
}
