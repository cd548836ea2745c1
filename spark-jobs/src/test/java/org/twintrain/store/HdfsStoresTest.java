package org.twintrain.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.reveal.ModelReveal;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.train.EngineProgram;
import org.twintrain.jobs.train.SecureTrainJob;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.jobs.train.InMemoryChannels;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TriplePlan;

/**
 * Both servers' stores on HDFS (a one-datanode MiniDFSCluster on 127.0.0.1, two roots standing for two
 * clusters): share, offline triples, secure training from the stored triples, and the reveal, all through
 * hdfs:// paths.
 */
class HdfsStoresTest {
    private static MiniDFSCluster cluster;
    private static String hdfs;

    @BeforeAll
    static void start() throws Exception {
        Configuration conf = new Configuration();
        File base = new File("target/minidfs-stores-" + System.nanoTime()).getAbsoluteFile();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getPath());
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @Test
    void shareTriplesTrainAndRevealOnHdfsStores() throws Exception {
        SparkSession spark = LocalSpark.get();
        int features = 4;
        int classes = 2;
        SplittableRandom rnd = new SplittableRandom(9);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            List<Double> f = new ArrayList<>();
            for (int j = 0; j < features; j++) {
                f.add(rnd.nextDouble(-1, 1));
            }
            rows.add(RowFactory.create((long) i, f, f.get(0) > 0 ? 1 : 0));
        }
        Dataset<Row> prepared = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType));
        TwinTrainConf conf = TwinTrainConf.defaults().with("train.batchSize", "32").with("train.epochs", "1");
        StoreLayout s0 = new StoreLayout(hdfs + "/server0");
        StoreLayout s1 = new StoreLayout(hdfs + "/server1");

        ShareJob.Result shared = ShareJob.share(spark, prepared, "toy", "toy", features, classes,
                new FixedPoint(conf.getInt("ring.fractionalBits")), 2, s0, s1, false);
        TriplePlan plan = EngineProgram.plan(conf.asMap(), shared.server0());
        TripleJob.run(spark, plan, s0, s1, 2, false);
        SecureTrainJob.Result r = SecureTrainJob.run(spark, conf.with("triples.plan", plan.id()), s0, s1, "toy", "hdfs-run",
                new EngineProgram(), InMemoryChannels.named("hdfs"));
        assertEquals(plan.size(), r.server0().triplesTaken());

        FileSystem fs = cluster.getFileSystem();
        assertTrue(fs.exists(new Path("/server0/model/hdfs-run/manifest.json")));
        assertTrue(fs.exists(new Path("/server1/model/hdfs-run/manifest.json")));
        // Store 0 holds seeds only: no Parquet anywhere under its root.
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
                fs.listFiles(new Path("/server0"), true);
        while (files.hasNext()) {
            assertFalse(files.next().getPath().getName().endsWith(".parquet"));
        }
        ModelReveal.RevealedParameters revealed = ModelReveal.reveal(s0, s1, "hdfs-run",
                spark.sparkContext().hadoopConfiguration());
        assertEquals("hdfs-run", revealed.provenance().runId());
        assertEquals(features * classes, revealed.parameters().values().iterator().next().size());
    }
}
