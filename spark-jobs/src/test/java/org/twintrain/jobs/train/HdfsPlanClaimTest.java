package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
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
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TripleLedger;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.PlanSpentException;
import org.twintrain.store.StoreFiles;
import org.twintrain.store.StoreLayout;

/**
 * One plan, one run, on HDFS stores (a MiniDFSCluster on 127.0.0.1): the run claims the plan in both stores with an
 * exclusive create, a run whose channel dies mid-run is retried and resumes from its checkpoints bit for bit, its
 * ledgers on HDFS list every key once, and a second run on the plan is refused before any opening, with nothing
 * written. Before this, hdfs:// stores ran without a ledger, and a second run could reuse the triples.
 */
class HdfsPlanClaimTest {
    private static MiniDFSCluster cluster;
    private static String hdfs;

    @BeforeAll
    static void start() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File("target/minidfs-claims-" + System.nanoTime())
                .getAbsolutePath());
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

    private static StoreLayout[] stores(String name) {
        return new StoreLayout[] {new StoreLayout(hdfs + "/" + name + "/server0"),
            new StoreLayout(hdfs + "/" + name + "/server1")};
    }

    private static byte[] share(FileSystem fs, StoreLayout s) throws Exception {
        try (InputStream in = fs.open(new Path(s.model("run1"), "share.bin"))) {
            return in.readAllBytes();
        }
    }

    @Test
    void aPlanServesOneRunWhichResumesBitForBitAfterAFault() throws Exception {
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            List<Double> f = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                f.add(rnd.nextDouble(-1, 1));
            }
            rows.add(RowFactory.create((long) i, f, f.get(0) > 0 ? 1 : 0));
        }
        TwinTrainConf base = TwinTrainConf.defaults().with("train.batchSize", "16").with("train.epochs", "2")
                .with("train.checkpointEvery", "2").with("train.maxAttempts", "3");
        StoreLayout[] b = stores("base");
        ShareJob.Result shared = ShareJob.share(spark, spark.createDataFrame(rows, new StructType()
                .add("id", DataTypes.LongType).add("features", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("label", DataTypes.IntegerType)), "toy", "toy", 4, 2, new FixedPoint(base.getInt("ring.fractionalBits")),
                2, b[0], b[1], false);
        TriplePlan plan = EngineProgram.plan(base.asMap(), shared.server0());
        TripleJob.run(spark, plan, b[0], b[1], 2, false);
        TwinTrainConf conf = base.with("triples.plan", plan.id());
        FileSystem fs = cluster.getFileSystem();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        for (String copy : new String[] {"clean", "retry"}) {
            assertTrue(FileUtil.copy(fs, new Path("/base"), fs, new Path("/" + copy), false, hadoop));
        }

        StoreLayout[] clean = stores("clean");
        SecureTrainJob.Result reference = SecureTrainJob.run(spark, conf, clean[0], clean[1], "toy", "run1",
                new EngineProgram(), FaultChannels.healthy("hdfs-clean"));

        // The channel dies in step 5 of 8 (after the checkpoint of step 4): both tasks are retried and resume.
        StoreLayout[] retry = stores("retry");
        SecureTrainJob.Result r = SecureTrainJob.run(spark, conf, retry[0], retry[1], "toy", "run1",
                new EngineProgram(), FaultChannels.breaking("hdfs-retry", 0, 1, reference.server0().rounds() * 5 / 8));
        assertEquals(1, FaultChannels.faults("hdfs-retry"));
        assertTrue(r.server0().triplesTaken() < plan.size(), "the retry resumed from a checkpoint");
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(share(fs, clean[p]), share(fs, retry[p]), "server " + p + "'s share, bit for bit");
            TripleLedger.Contents ledger = TripleLedger.read(StoreFiles.ledgerFolder(
                    new Path(retry[p].triples(plan.id()), ServerTraining.ledgerName(p, 0, 1)), hadoop));
            assertEquals(new HashSet<>(plan.keys()), ledger.consumed(), "server " + p + "'s ledger on HDFS: every key once");
        }

        // A second run on the same plan: refused before any opening, nothing written.
        Exception second = assertThrows(Exception.class, () -> SecureTrainJob.run(spark, conf, retry[0], retry[1], "toy",
                "run2", new EngineProgram(), FaultChannels.healthy("hdfs-second")));
        assertInstanceOf(PlanSpentException.class, second);
        assertTrue(second.getMessage().contains("held by run run1"), second.getMessage());
        assertEquals(0, FaultChannels.opens("hdfs-second", 0), "no channel was opened");
        for (int p = 0; p < 2; p++) {
            assertFalse(fs.exists(retry[p].checkpoints("run2")), "no checkpoint folder for run2");
            assertFalse(fs.exists(retry[p].model("run2")));
            assertEquals("rw-------", fs.getFileStatus(new Path(retry[p].triples(plan.id()), "claim.txt")).getPermission()
                    .toString(), "the claim is owner-only");
        }
    }
}
