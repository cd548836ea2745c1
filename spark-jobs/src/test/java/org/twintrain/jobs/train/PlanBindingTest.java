package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
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
import org.twintrain.sharing.channel.ChannelException;
import org.twintrain.sharing.channel.InMemoryChannel;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.PlanClaim;
import org.twintrain.store.PlanSpentException;
import org.twintrain.store.StoreFiles;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TripleStore;

/**
 * Stored triples serve one data set, one dealing and one run: triples made for one data set are refused for another
 * of the same shape, halves of two dealings of one plan are refused (by the driver and by the plan agreement), a
 * spent plan is refused before pairing with nothing written, train without a plan is refused, and everything
 * secret in a store is created readable by its owner only.
 */
class PlanBindingTest {
    private static final int FEATURES = 4, CLASSES = 2, ROWS = 64;

    private static Dataset<Row> data(SparkSession spark, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            List<Double> f = new ArrayList<>();
            for (int j = 0; j < FEATURES; j++) {
                f.add(rnd.nextDouble(-1, 1));
            }
            rows.add(RowFactory.create((long) i, f, f.get(0) > 0 ? 1 : 0));
        }
        return spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType));
    }

    private static TwinTrainConf conf() {
        return TwinTrainConf.defaults().with("train.batchSize", "32").with("train.epochs", "1")
                .with("train.checkpointEvery", "1");
    }

    @Test
    void triplesServeOneDataSetOneDealingAndOneRun(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        TwinTrainConf conf = conf();
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        ShareJob.Result a = ShareJob.share(spark, data(spark, 1), "toy", "a", FEATURES, CLASSES, codec, 2, s0, s1, false);
        ShareJob.Result b = ShareJob.share(spark, data(spark, 2), "toy", "b", FEATURES, CLASSES, codec, 2, s0, s1, false);
        TriplePlan plan = EngineProgram.plan(conf.asMap(), a.server0());
        assertFalse(plan.id().equals(EngineProgram.plan(conf.asMap(), b.server0()).id()),
                "two data sets of one shape have two plans");
        TripleJob.run(spark, plan, s0, s1, 2, false);
        TwinTrainConf stored = conf.with("triples.plan", plan.id());

        // Triples made for data set a are refused for data set b of the same shape, before anything runs.
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                stored, s0, s1, "b", "run-b", new EngineProgram(), InMemoryChannels.named("binding-b")));
        assertTrue(other.getMessage().contains("is not the plan of this run"), other.getMessage());

        // The run on a trains and claims the plan in both stores; its secret files are owner-only.
        SecureTrainJob.run(spark, stored, s0, s1, "a", "run-a", new EngineProgram(), InMemoryChannels.named("binding-a"));
        for (StoreLayout s : new StoreLayout[] {s0, s1}) {
            assertEquals("run-a", PlanClaim.holder(s, plan.id(), new Configuration()));
        }
        assertOwnerOnly(dir.resolve("store0"), dir.resolve("store1"));

        // A second run on the spent plan: refused at start-up, naming the run that holds it, with nothing written.
        Exception spent = assertThrows(Exception.class, () -> SecureTrainJob.run(spark, stored, s0, s1, "a", "run-2",
                new EngineProgram(), InMemoryChannels.named("binding-2")));
        assertInstanceOf(PlanSpentException.class, spent);
        assertTrue(spent.getMessage().contains("held by run run-a"), spent.getMessage());
        assertFalse(SecureTrainJob.retryable(spent));
        for (String p : new String[] {"store0", "store1"}) {
            assertFalse(Files.exists(dir.resolve(p + "/checkpoints/run-2")), "no checkpoint folder for the refused run");
            assertFalse(Files.exists(dir.resolve(p + "/model/run-2")));
        }

        // A server's own application is refused the same way, before it opens its channel.
        ChannelOpener never = (party, task) -> {
            throw new AssertionError("a spent plan must be refused before pairing");
        };
        assertThrows(PlanSpentException.class, () -> PerServerTrainJob.run(spark, stored, 1, s1, "a", "run-3",
                new EngineProgram(), never));
    }

    @Test
    void halvesOfTwoDealingsOfOnePlanAreRefused(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.get();
        TwinTrainConf conf = conf();
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        StoreLayout x0 = new StoreLayout(dir.resolve("x0").toString());
        StoreLayout x1 = new StoreLayout(dir.resolve("x1").toString());
        ShareJob.Result a = ShareJob.share(spark, data(spark, 1), "toy", "a", FEATURES, CLASSES, codec, 2, s0, s1, false);
        TriplePlan plan = EngineProgram.plan(conf.asMap(), a.server0());
        TripleJob.run(spark, plan, s0, s1, 2, false);
        // A second dealing of the same plan, whose server-1 half replaces store 1's (as after a failed --overwrite).
        TripleJob.run(spark, plan, x0, x1, 2, false);
        Path ours = dir.resolve("store1/triples/" + plan.id()), theirs = dir.resolve("x1/triples/" + plan.id());
        org.apache.hadoop.fs.FileUtil.fullyDelete(ours.toFile());
        Files.move(theirs, ours);
        Configuration hadoop = new Configuration();
        String session0 = TripleStore.manifest(s0, 0, plan.id(), hadoop).sessionId();
        String session1 = TripleStore.manifest(s1, 1, plan.id(), hadoop).sessionId();
        assertFalse(session0.equals(session1));

        IllegalArgumentException driver = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                conf.with("triples.plan", plan.id()), s0, s1, "a", "run-a", new EngineProgram(),
                InMemoryChannels.named("dealings")));
        assertTrue(driver.getMessage().contains("two different dealings"), driver.getMessage());

        // Two server applications see only their own halves: the plan agreement compares the triple sessions.
        InMemoryChannel[] pair = InMemoryChannel.pair();
        var statement0 = PlanAgreement.statement(conf.asMap(), "run-a", a.server0(), null, session0);
        var statement1 = PlanAgreement.statement(conf.asMap(), "run-a", a.server0(), null, session1);
        java.util.concurrent.CompletableFuture<Throwable> other = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                PlanAgreement.agree(pair[1], 1, statement1);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        ChannelException refused = assertThrows(ChannelException.class, () -> PlanAgreement.agree(pair[0], 0, statement0));
        assertTrue(refused.getMessage().contains("triples.session"), refused.getMessage());
        assertInstanceOf(ChannelException.class, other.get());
        SortedMap<String, String> same = PlanAgreement.statement(conf.asMap(), "run-a", a.server0(), null, session0);
        assertEquals(statement0, same);
    }

    @Test
    void trainWithoutAPlanIsRefusedUnlessTheRiskIsNamed(@TempDir Path dir) {
        String[] args = {"--store0", dir.resolve("s0").toString(), "--store1", dir.resolve("s1").toString(), "--data",
            "train", "--run", "r"};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainCommand().run(args));
        assertTrue(e.getMessage().contains("train needs stored triples") && e.getMessage().contains("triples.plan")
                && e.getMessage().contains(TrainCommand.INSECURE_DEALER), e.getMessage());
        // Naming the risk passes this check (the run then stops at the next missing input, its key files).
        String[] risky = java.util.stream.Stream.concat(java.util.Arrays.stream(args), Stream.of("--set",
                "triples.inApplicationDealer=" + TrainCommand.INSECURE_DEALER)).toArray(String[]::new);
        IllegalArgumentException next = assertThrows(IllegalArgumentException.class, () -> new TrainCommand().run(risky));
        assertTrue(next.getMessage().contains("channel.server0.key"), next.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainCommand.checkTriples(TwinTrainConf.defaults()
                .with("triples.inApplicationDealer", "yes")));
    }

    /** Every file a run wrote into the stores is rw------- and every folder rwx------ (Spark's Parquet aside). */
    private static void assertOwnerOnly(Path... roots) throws Exception {
        int checked = 0;
        for (Path root : roots) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    String rel = root.relativize(p).toString();
                    boolean sparkWritten = rel.matches("data/[^/]+/data/.+"); // inside a 0700 folder, see StoreFiles
                    if (p.equals(root) || sparkWritten || p.getFileName().toString().endsWith(".crc")) {
                        continue;
                    }
                    String want = Files.isDirectory(p) ? "rwx------" : "rw-------";
                    assertEquals(want, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), rel);
                    checked++;
                }
            }
            assertTrue(StoreFiles.readableByOthers(new org.apache.hadoop.fs.Path(root.toUri()), new Configuration(), 5)
                    .isEmpty(), "nothing in " + root + " is reachable by other users");
        }
        assertTrue(checked > 20, "checked " + checked + " files and folders");
    }
}
