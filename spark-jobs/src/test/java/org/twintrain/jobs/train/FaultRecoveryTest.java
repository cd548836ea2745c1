package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TripleLedger;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.CheckpointStore;
import org.twintrain.store.StoreLayout;

/**
 * Faults during secure training from stored triples (the real deployment's mode): a server's channel dies
 * mid-run, the job retries both tasks, they resume from the last common checkpoint, and the model shares end
 * bit for bit as in an uninterrupted run, with every triple key in each ledger exactly once. 96 rows, batch
 * 16, 2 epochs: 12 steps, a checkpoint every 4.
 */
class FaultRecoveryTest {
    private static final int FEATURES = 6;
    private static final int CLASSES = 3;
    private static final int ROWS = 96;
    private static final long STEPS = 12;

    @TempDir
    static Path dir;
    private static TwinTrainConf conf;
    private static TriplePlan plan;
    private static byte[][] reference;
    private static long referenceRounds;

    @BeforeAll
    static void shareMakeTriplesAndTrainUninterrupted() throws Exception {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> prepared = StorePairs.threeClassRows(spark, 17, ROWS, FEATURES);
        TwinTrainConf base = TwinTrainConf.defaults().with("train.batchSize", "16").with("train.epochs", "2")
                .with("train.checkpointEvery", "4").with("train.maxAttempts", "3");
        StoreLayout[] s = stores("base");
        ShareJob.Result shared = ShareJob.share(spark, prepared, "toy", "toy", FEATURES, CLASSES,
                new FixedPoint(base.getInt("ring.fractionalBits")), 2, s[0], s[1], false);
        plan = EngineProgram.plan(base.asMap(), shared.server0());
        TripleJob.run(spark, plan, s[0], s[1], 2, false);
        conf = base.with("triples.plan", plan.id());

        // The uninterrupted run, and the same without checkpoints: checkpoints change nothing in the shares.
        StoreLayout[] clean = copy("clean");
        SecureTrainJob.Result r = SecureTrainJob.run(spark, conf, clean[0], clean[1], "toy", "run1",
                new EngineProgram(), FaultChannels.healthy("clean"));
        reference = shareBytes(clean);
        referenceRounds = r.server0().rounds();
        StoreLayout[] plain = copy("plain");
        SecureTrainJob.run(spark, conf.with("train.checkpointEvery", "0"), plain[0], plain[1], "toy", "run1",
                new EngineProgram(), FaultChannels.healthy("plain"));
        assertShares(plain, "without checkpoints");
        assertEquals(List.of(8L, 12L), new CheckpointStore(clean[0], "run1", new Configuration()).steps(),
                "the last two checkpoints are kept");
    }

    @Test
    void aChannelKilledMidRunIsRetriedAndResumedBitForBit() throws Exception {
        StoreLayout[] s = copy("retry");
        long midStep6 = referenceRounds * 6 / STEPS; // in step 6 or 7: after the checkpoint of step 4
        SecureTrainJob.Result r = SecureTrainJob.run(LocalSpark.get(), conf, s[0], s[1], "toy", "run1",
                new EngineProgram(), FaultChannels.breaking("retry", 0, 1, midStep6));
        assertEquals(1, FaultChannels.faults("retry"));
        assertEquals(2, FaultChannels.opens("retry", 0), "one retry of server 0");
        assertEquals(2, FaultChannels.opens("retry", 1), "and of server 1");
        assertEquals(keysOfSteps(4, STEPS), r.server0().triplesTaken(), "the retry resumed at the checkpoint of step 4");
        assertEquals(keysOfSteps(4, STEPS), r.server1().triplesTaken());
        assertShares(s, "after a retry");
        assertLedgersHoldEveryKeyOnce(s);
    }

    @Test
    void aRunInterruptedBeforeItsFirstCheckpointRestartsFromStepZero() throws Exception {
        StoreLayout[] s = copy("early");
        long inStep1 = referenceRounds * 3 / (2 * STEPS);
        SecureTrainJob.Result r = SecureTrainJob.run(LocalSpark.get(), conf, s[0], s[1], "toy", "run1",
                new EngineProgram(), FaultChannels.breaking("early", 1, 1, inStep1));
        assertEquals(1, FaultChannels.faults("early"));
        assertEquals(plan.size(), r.server1().triplesTaken(), "the second attempt ran every step");
        assertShares(s, "after a restart from step 0");
        assertLedgersHoldEveryKeyOnce(s);
    }

    @Test
    void checkpointsAtMultiplesOfKeepEveryStayForALearningCurve() throws Exception {
        StoreLayout[] s = copy("keep");
        SparkSession spark = LocalSpark.get();
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> SecureTrainJob.run(spark,
                conf.with("train.checkpointKeepEvery", "6"), s[0], s[1], "toy", "run1", new EngineProgram(),
                FaultChannels.healthy("keep-wrong")));
        assertTrue(wrong.getMessage().contains("a positive multiple of train.checkpointEvery (4), got 6"),
                wrong.getMessage());
        assertEquals(0, FaultChannels.opens("keep-wrong", 0), "refused before any task opened a channel");
        assertFalse(Files.exists(Path.of(s[0].checkpoints("run1").toString())), "nothing written");

        SecureTrainJob.run(spark, conf.with("train.checkpointKeepEvery", "4"), s[0], s[1], "toy", "run1",
                new EngineProgram(), FaultChannels.healthy("keep"));
        for (StoreLayout store : s) {
            assertEquals(List.of(4L, 8L, 12L), new CheckpointStore(store, "run1", new Configuration()).steps());
        }
        assertShares(s, "keeping every checkpoint");

        // Their learning curve: each kept checkpoint revealed and scored; the last is the final model's score.
        String data = dir.resolve("keep-prepared").toString();
        StorePairs.threeClassRows(spark, 17, ROWS, FEATURES).write().parquet(data);
        List<org.twintrain.jobs.reveal.CheckpointCurve.Point> curve = org.twintrain.jobs.reveal.CheckpointCurve.curve(spark, conf,
                s[0], s[1], "run1", null, data);
        assertEquals(List.of(4L, 8L, 12L), curve.stream().map(org.twintrain.jobs.reveal.CheckpointCurve.Point::step).toList());
        org.twintrain.ml.TwinTrainModel finalModel = org.twintrain.jobs.reveal.RevealedModels.build(
                org.twintrain.jobs.reveal.ModelReveal.reveal(s[0], s[1], "run1", new Configuration()), conf,
                org.twintrain.jobs.reveal.RevealedModels.Overrides.NONE);
        double last = org.twintrain.jobs.reveal.EvaluateCommand.evaluate(spark, finalModel, data, "label",
                finalModel.getFeaturesCol(), "accuracy").value();
        assertEquals(last, curve.get(2).accuracy(), 0.0, "step 12's checkpoint is the final model");
        assertEquals(ROWS, curve.get(0).rows());
        assertTrue(curve.get(2).accuracy() > 0.5, "the toy run learns: " + curve);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> org.twintrain.jobs.reveal.CheckpointCurve.curve(spark, conf, s[0], s[1], "run2", null, data));
        assertTrue(none.getMessage().contains("no step has a checkpoint of run run2"), none.getMessage());
    }

    @Test
    void aKilledRunIsResumedByARerunAndAnotherComputationUnderItsIdIsRefused() throws Exception {
        StoreLayout[] s = copy("rerun");
        SparkSession spark = LocalSpark.get();
        long midStep9 = referenceRounds * 9 / STEPS;
        Exception killed = assertThrows(Exception.class, () -> SecureTrainJob.run(spark,
                conf.with("train.maxAttempts", "1"), s[0], s[1], "toy", "run1", new EngineProgram(),
                FaultChannels.breaking("killed", 0, 1, midStep9)));
        assertTrue(killed.getMessage().contains("attempt 1 of 1 failed (ChannelException: channel")
                && killed.getMessage().contains("in-memory party"), "the error names the peer: " + killed.getMessage());
        assertFalse(Files.exists(Path.of(s[0].model("run1").toString())), "no model after the kill");
        assertEquals(List.of(4L, 8L), new CheckpointStore(s[1], "run1", new Configuration()).steps());

        // The same run id with another learning rate would replay steps with used triples on other values.
        Exception other = assertThrows(Exception.class, () -> SecureTrainJob.run(spark,
                conf.with("train.learningRate", "0.05"), s[0], s[1], "toy", "run1", new EngineProgram(),
                FaultChannels.healthy("other")));
        assertTrue(rootMessages(other).contains("use a new run id"), rootMessages(other));
        // Refused right after the two servers agreed on the plan (a refused pairing writes nothing, so the run's
        // identity in the store is claimed only then), before any triple or share.
        assertEquals(1, FaultChannels.opens("other", 0), "refused after the plan agreement, at its only channel");
        assertFalse(SecureTrainJob.retryable(other), "and not retried");

        // What a kill while writing the next checkpoint would leave: a temporary folder, a folder without manifest.
        Path checkpoints0 = Path.of(s[0].checkpoints("run1").toString());
        Files.write(Files.createDirectories(checkpoints0.resolve(".step-12.tmp-killed")).resolve("params.bin"),
                new byte[] {1, 2, 3});
        Files.write(Files.createDirectories(checkpoints0.resolve("step-12")).resolve("params.bin"), new byte[] {4});

        SecureTrainJob.Result r = SecureTrainJob.run(spark, conf, s[0], s[1], "toy", "run1", new EngineProgram(),
                FaultChannels.healthy("rerun"));
        assertEquals(keysOfSteps(8, STEPS), r.server0().triplesTaken(), "the rerun resumed at step 8");
        assertShares(s, "after a rerun");
        assertLedgersHoldEveryKeyOnce(s);
    }

    @Test
    void aPeerThatStopsAnsweringOverTlsTimesOutAndTheRetryResumes() throws Exception {
        StoreLayout[] s = copy("tls");
        Path keys = Files.createDirectories(dir.resolve("tls-keys"));
        String[][] files = new String[2][];
        for (int p = 0; p < 2; p++) {
            org.twintrain.sharing.channel.PeerIdentity.generate("server" + p)
                    .write(keys.resolve("key" + p + ".pem"), keys.resolve("cert" + p + ".pem"));
        }
        for (int p = 0; p < 2; p++) {
            files[p] = new String[] {keys.resolve("key" + p + ".pem").toString(),
                keys.resolve("cert" + p + ".pem").toString(), keys.resolve("cert" + (1 - p) + ".pem").toString()};
        }
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        long readTimeoutMs = 3_000;
        ChannelOpener tls = new TlsChannelOpener("127.0.0.1", port, "run1", files, 20_000, readTimeoutMs);
        long start = System.nanoTime();
        // Server 1 goes silent in step 6 without closing anything: server 0 must time out, not hang.
        SecureTrainJob.Result r = SecureTrainJob.run(LocalSpark.get(), conf, s[0], s[1], "toy", "run1",
                new EngineProgram(), FaultChannels.stalling("tls", tls, 1, referenceRounds * 6 / STEPS));
        assertEquals(keysOfSteps(4, STEPS), r.server1().triplesTaken(), "resumed at step 4");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, FaultChannels.faults("tls"));
        assertEquals(2, FaultChannels.opens("tls", 0), "server 0 retried over a new TLS connection");
        assertTrue(seconds < 60, "the silent peer was detected by the read timeout, not waited for: " + seconds + " s");
        assertShares(s, "after a TLS peer timed out");
        assertLedgersHoldEveryKeyOnce(s);
    }

    @Test
    void aServerThatLostItsNewestConfirmedCheckpointCannotReplayCommittedTriples() throws Exception {
        StoreLayout[] s = copy("lost");
        SparkSession spark = LocalSpark.get();
        assertThrows(Exception.class, () -> SecureTrainJob.run(spark, conf.with("train.maxAttempts", "1"), s[0], s[1],
                "toy", "run1", new EngineProgram(), FaultChannels.breaking("lost-kill", 0, 1, referenceRounds * 9 / STEPS)));
        // Server 1 loses the checkpoint of step 8 that both servers had confirmed (and whose keys both committed).
        org.apache.hadoop.fs.FileUtil.fullyDelete(new java.io.File(s[1].checkpoints("run1") + "/step-8"));
        Exception e = assertThrows(Exception.class, () -> SecureTrainJob.run(spark, conf, s[0], s[1], "toy", "run1",
                new EngineProgram(), FaultChannels.healthy("lost")));
        assertTrue(rootMessages(e).contains("ledger"), "the ledger refuses to hand out committed keys again: "
                + rootMessages(e));
        assertFalse(SecureTrainJob.retryable(e), "and that is not retried");
        assertEquals(1, FaultChannels.opens("lost", 0));
        assertFalse(Files.exists(Path.of(s[0].model("run1").toString())));
    }

    @Test
    void aRunOnTheInApplicationDealerIsRetriedAndTrainsTheSameModel() throws Exception {
        StoreLayout[] s = copy("dealer");
        TwinTrainConf dealer = conf.with("triples.plan", "");
        SecureTrainJob.Result r = SecureTrainJob.run(LocalSpark.get(), dealer, s[0], s[1], "toy", "run1",
                new EngineProgram(), FaultChannels.breaking("dealer", 0, 1, referenceRounds * 6 / STEPS));
        assertEquals(1, FaultChannels.faults("dealer"));
        assertEquals(keysOfSteps(4, STEPS), r.server1().triplesTaken(), "resumed at step 4");
        // The dealer's triples differ from the stored ones, and so do the local-truncation errors: the revealed
        // model equals the uninterrupted stored-triples run's up to a few ulps. (The dealer seed is drawn once
        // per SecureTrainJob.run, so the retry derives the first attempt's triples; this test cannot tell.)
        var got = org.twintrain.jobs.reveal.ModelReveal.reveal(s[0], s[1], "run1", new Configuration()).parameters();
        StoreLayout[] clean = stores("clean");
        var want = org.twintrain.jobs.reveal.ModelReveal.reveal(clean[0], clean[1], "run1", new Configuration())
                .parameters();
        assertEquals(want.keySet(), got.keySet());
        double ulp = new FixedPoint(conf.getInt("ring.fractionalBits")).ulp();
        for (String name : want.keySet()) {
            double[] w = want.get(name).data(), g = got.get(name).data();
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], g[i], 64 * ulp, name + "[" + i + "]");
            }
        }
    }

    /** Triple keys of steps [from, to): every step of the plan draws the same number. */
    private static long keysOfSteps(long from, long to) {
        return plan.size() / STEPS * (to - from);
    }

    static String rootMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    private static void assertShares(StoreLayout[] s, String what) throws IOException {
        byte[][] got = shareBytes(s);
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(reference[p], got[p], "server " + p + "'s share.bin " + what);
        }
    }

    private static void assertLedgersHoldEveryKeyOnce(StoreLayout[] s) throws IOException {
        for (int p = 0; p < 2; p++) {
            // read() refuses a ledger that lists a key twice.
            TripleLedger.Contents ledger = TripleLedger.read(Path.of(s[p].triples(plan.id()).toString())
                    .resolve("ledger-party" + p));
            assertEquals(new HashSet<>(plan.keys()), ledger.consumed(), "server " + p + "'s ledger");
            assertEquals(List.of("run1"), ledger.runs());
        }
    }

    private static byte[][] shareBytes(StoreLayout[] s) throws IOException {
        return new byte[][] {Files.readAllBytes(Path.of(s[0].model("run1").toString()).resolve("share.bin")),
            Files.readAllBytes(Path.of(s[1].model("run1").toString()).resolve("share.bin"))};
    }

    private static StoreLayout[] stores(String name) {
        return StorePairs.stores(dir, name);
    }

    /** A copy of the shared data and triples, so each scenario starts from the same stores and fresh ledgers. */
    private static StoreLayout[] copy(String name) throws IOException {
        return StorePairs.copy(dir, "base", name);
    }
}
