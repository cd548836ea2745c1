package org.twintrain.dataprep.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.format.CifarReader;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.ImageSet;
import org.twintrain.dataprep.format.LabelKind;
import org.twintrain.dataprep.generate.Generators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Inputs and outputs on HDFS: a one-datanode MiniDFSCluster on 127.0.0.1, data under target/. */
class HdfsRoundTripTest {
    private static MiniDFSCluster cluster;
    private static SparkSession spark;
    private static String hdfs;

    @TempDir
    Path local;

    @BeforeAll
    static void start() throws Exception {
        Configuration conf = new Configuration();
        File base = new File("target/minidfs-" + System.nanoTime()).getAbsoluteFile();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getPath());
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        spark = SparkTestSession.start();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @Test
    void cifarThroughHdfs() throws Exception {
        Generators.cifar10(local.resolve("cifar10"), 2, 40, 20, 12, false);
        FileSystem fs = cluster.getFileSystem();
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.resolve("cifar10").toUri()),
                new org.apache.hadoop.fs.Path(hdfs + "/raw/cifar10"));

        String out = hdfs + "/prepared/cifar10";
        ObjectNode m = PrepJob.run(spark, PrepOptions.parse("--dataset", "cifar10", "--input", hdfs + "/raw/cifar10",
                "--output", out, "--partitions", "3"));
        ImageSet train = CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE,
                local.resolve("cifar10/data_batch_1.bin"), local.resolve("cifar10/data_batch_2.bin"));
        assertEquals(80, m.at("/splits/train/count").asLong());
        for (JsonNode s : m.get("sources")) {
            assertTrue(s.get("path").asText().startsWith(hdfs + "/raw/cifar10/"), s.toString());
        }
        PreparedDataset prepared = PreparedDataset.load(spark, out);
        assertEquals(80, prepared.split("train").count());
        org.apache.spark.sql.Row row = prepared.split("train").where("id = 41").first();
        assertEquals(train.labels[41], row.getInt(row.fieldIndex("label")));
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out, AtomicOutput.COMPLETE)));
        // Only the published folder: no temporary sibling left behind.
        assertEquals(1, fs.listStatus(new org.apache.hadoop.fs.Path(hdfs + "/prepared")).length);
    }
}
