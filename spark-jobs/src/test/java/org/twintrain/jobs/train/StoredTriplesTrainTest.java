package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.StoreLayout;

/** Training from the offline phase's stored triples: the run consumes exactly its plan, and no other plan. */
class StoredTriplesTrainTest {
    private static final int FEATURES = 6;
    private static final int CLASSES = 3;
    private static final int ROWS = 96;

    @Test
    void aRunConsumesExactlyItsPlanAndRefusesAnotherBeforeItStarts(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            List<Double> f = new ArrayList<>();
            for (int j = 0; j < FEATURES; j++) {
                f.add(rnd.nextDouble(-1, 1));
            }
            rows.add(RowFactory.create((long) i, f, rnd.nextInt(CLASSES)));
        }
        Dataset<Row> prepared = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType));
        TwinTrainConf conf = TwinTrainConf.defaults().with("train.batchSize", "32").with("train.epochs", "2");
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        ShareJob.Result shared = ShareJob.share(spark, prepared, "toy", "toy", FEATURES, CLASSES,
                new FixedPoint(conf.getInt("ring.fractionalBits")), 2, s0, s1, false);
        TriplePlan plan = EngineProgram.plan(conf.asMap(), shared.server0());
        TripleJob.run(spark, plan, s0, s1, 2, false);

        SecureTrainJob.Result r = SecureTrainJob.run(spark, conf.with("triples.plan", plan.id()), s0, s1, "toy", "run1",
                new EngineProgram(), InMemoryChannels.named("stored-1"));
        assertEquals(plan.size(), r.server0().triplesTaken(), "the run takes every key of its plan");
        assertEquals(plan.size(), r.server1().triplesTaken());
        for (int party = 0; party < 2; party++) {
            org.twintrain.sharing.triples.TripleLedger.Contents ledger = org.twintrain.sharing.triples.TripleLedger.read(
                    dir.resolve("store" + party + "/triples/" + plan.id() + "/ledger-party" + party));
            assertEquals(plan.size(), ledger.consumed().size(), "the ledger records every key the run took");
            assertEquals(List.of("run1"), ledger.runs());
        }

        // Three epochs need more triples than the stores hold: refused before any task starts.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                conf.with("train.epochs", "3").with("triples.plan", plan.id()), s0, s1, "toy", "run2",
                new EngineProgram(), InMemoryChannels.named("stored-2")));
        assertTrue(e.getMessage().contains("is not the plan of this run"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("store0/model/run2")), "nothing written for a refused run");

        // train.maxSteps inside an epoch: the plan holds just those steps (3 of 6), and the run takes all of them.
        TwinTrainConf short3 = conf.with("train.maxSteps", "4").with("train.epochs", "2");
        TriplePlan partial = EngineProgram.plan(short3.asMap(), shared.server0());
        assertEquals(plan.keys().stream().filter(k -> k.step() < 4).count(), partial.size(), "4 of the 6 steps' keys");
        assertTrue(partial.keys().stream().allMatch(k -> k.step() < 4));
        TripleJob.run(spark, partial, s0, s1, 2, false);
        SecureTrainJob.Result r3 = SecureTrainJob.run(spark, short3.with("triples.plan", partial.id()), s0, s1, "toy",
                "run3", new EngineProgram(), InMemoryChannels.named("stored-3"));
        assertEquals(partial.size(), r3.server0().triplesTaken());
    }
}
