package org.twintrain.dataprep.etl;

import org.apache.spark.sql.SparkSession;

/** The local Spark session the ETL tests share (one per test class, stopped after). */
final class SparkTestSession {
    private SparkTestSession() {
    }

    static SparkSession start() {
        return SparkSession.builder()
                .appName("data-prep-test")
                .master("local[2]")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }
}
