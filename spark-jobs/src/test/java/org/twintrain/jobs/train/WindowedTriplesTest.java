package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.reveal.ModelReveal;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.jobs.triples.WindowedDealer;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TripleLedger;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TripleWindows;

/**
 * The offline phase running a bounded number of windows ahead of training (issue 17's storage): the dealer
 * deals a plan window by window beside the run and never holds more than --ahead unconsumed windows per store;
 * the servers delete each window once a confirmed checkpoint covers it; an interrupted run resumes bit for bit
 * from windows still held; a missing window, a swapped one and settings that would stall the dealer are refused
 * with errors that name them. 96 rows, batch 16, 2 epochs: 12 steps, windows of 3 steps, a checkpoint every 3.
 */
class WindowedTriplesTest {
    private static final int FEATURES = 6;
    private static final int CLASSES = 3;
    private static final int ROWS = 96;
    private static final int WINDOW = 3;

    @TempDir
    static Path dir;
    private static TwinTrainConf conf;
    private static TriplePlan plan;
    private static Map<String, DoubleMatrix> wholeModel;

    @BeforeAll
    static void shareAndTrainFromAWholeDealing() throws Exception {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> prepared = StorePairs.threeClassRows(spark, 23, ROWS, FEATURES);
        TwinTrainConf base = TwinTrainConf.defaults().with("train.batchSize", "16").with("train.epochs", "2")
                .with("train.checkpointEvery", String.valueOf(WINDOW)).with("train.maxAttempts", "3");
        StoreLayout[] s = stores("base");
        ShareJob.Result shared = ShareJob.share(spark, prepared, "toy", "toy", FEATURES, CLASSES,
                new FixedPoint(base.getInt("ring.fractionalBits")), 2, s[0], s[1], false);
        plan = EngineProgram.plan(base.asMap(), shared.server0());
        conf = base.with("triples.plan", plan.id());

        StoreLayout[] whole = copy("base", "whole");
        TripleJob.run(spark, plan, whole[0], whole[1], 2, false);
        SecureTrainJob.run(spark, conf, whole[0], whole[1], "toy", "run1", new EngineProgram(),
                InMemoryChannels.named("whole"));
        wholeModel = ModelReveal.reveal(whole[0], whole[1], "run1", new Configuration()).parameters();
    }

    @Test
    void aDealerBesideTheRunStaysWithinItsWindowsAndTheModelMatchesAWholeDealing() throws Exception {
        StoreLayout[] s = copy("base", "live");
        List<TriplePlan.Window> windows = plan.windows(WINDOW);
        assertEquals(4, windows.size(), "12 steps in windows of 3");
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> watch = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                for (StoreLayout store : s) {
                    int held = 0;
                    for (TriplePlan.Window w : windows) {
                        held += complete(store, w.index()) ? 1 : 0;
                    }
                    mostHeld.accumulateAndGet(held, Math::max);
                }
                Thread.onSpinWait();
            }
        });
        List<String> progress = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<WindowedDealer.Report> dealer = CompletableFuture.supplyAsync(() -> {
            try {
                return WindowedDealer.run(LocalSpark.get(), plan, WINDOW, 2, s[0], s[1], 1, Duration.ofMinutes(2),
                        progress::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        SecureTrainJob.Result r = SecureTrainJob.run(LocalSpark.get(), conf, s[0], s[1], "toy", "run1",
                new EngineProgram(), InMemoryChannels.named("live"));
        WindowedDealer.Report report = dealer.get();
        done.set(true);
        watch.get();

        assertEquals(plan.size(), r.server0().triplesTaken());
        assertEquals(4, report.dealt(), String.join("\n", progress));
        assertTrue(mostHeld.get() >= 1 && mostHeld.get() <= 2, "never more than --ahead 2 unconsumed windows: "
                + mostHeld.get());
        for (int p = 0; p < 2; p++) {
            for (TriplePlan.Window w : windows) {
                assertEquals(TripleWindows.State.CONSUMED, TripleWindows.state(s[p], plan.id(), w.index(),
                        new Configuration()), "server " + p + " deleted window " + w.index());
            }
        }
        assertTrue(report.peakBytes1() > 0 && report.bytes1() > report.peakBytes1(), "the peak store ("
                + report.peakBytes1() + " bytes) holds less than the whole run's triples (" + report.bytes1() + ")");
        assertLedgersHoldEveryKeyOnce(s);

        // Other dealings differ only in the truncations' random rounding: the same model to a few ulps per step.
        Map<String, DoubleMatrix> model = ModelReveal.reveal(s[0], s[1], "run1", new Configuration()).parameters();
        assertEquals(wholeModel.keySet(), model.keySet());
        double worst = 0;
        for (String name : model.keySet()) {
            double[] a = model.get(name).data(), b = wholeModel.get(name).data();
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
        }
        assertTrue(worst < 1e-2, "the windowed run's model is the whole dealing's up to rounding: " + worst);
    }

    @Test
    void anInterruptedRunResumesBitForBitFromTheWindowsItStillHolds() throws Exception {
        SparkSession spark = LocalSpark.get();
        StoreLayout[] dealt = allWindowsDealt("dealt");
        StoreLayout[] clean = copy("dealt", "clean");
        SecureTrainJob.Result ok = SecureTrainJob.run(spark, conf, clean[0], clean[1], "toy", "run1",
                new EngineProgram(), FaultChannels.healthy("w-clean"));
        StoreLayout[] broken = copy("dealt", "broken");
        long inStep7 = ok.server0().rounds() * 15 / (2 * 12);
        SecureTrainJob.Result r = SecureTrainJob.run(spark, conf, broken[0], broken[1], "toy", "run1",
                new EngineProgram(), FaultChannels.breaking("w-broken", 0, 1, inStep7));
        assertEquals(1, FaultChannels.faults("w-broken"));
        assertEquals(plan.size() / 12 * 6, r.server0().triplesTaken(), "resumed at the checkpoint of step 6");
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(Files.readAllBytes(Path.of(clean[p].model("run1").toString()).resolve("share.bin")),
                    Files.readAllBytes(Path.of(broken[p].model("run1").toString()).resolve("share.bin")),
                    "server " + p + "'s share after the resume");
        }
        assertLedgersHoldEveryKeyOnce(broken);
    }

    @Test
    void aMissingOrSwappedWindowIsRefusedByName() throws Exception {
        SparkSession spark = LocalSpark.get();
        StoreLayout[] dealt = allWindowsDealt("gaps");

        // The dealer has not made window 2 (both stores lack it): each server waits, then stops naming it.
        StoreLayout[] missing = copy("gaps", "missing");
        for (StoreLayout store : missing) {
            org.apache.hadoop.fs.FileUtil.fullyDelete(new java.io.File(store.tripleWindow(plan.id(), 2).toString()));
        }
        Exception e = assertThrows(Exception.class, () -> SecureTrainJob.run(spark, conf.with("train.maxAttempts", "1")
                .with("triples.windowWaitSeconds", "1"), missing[0], missing[1], "toy", "run1", new EngineProgram(),
                InMemoryChannels.named("missing")));
        String why = FaultRecoveryTest.rootMessages(e);
        assertTrue(why.contains("window 2 of plan " + plan.id()) && why.contains("is the dealer"), why);

        StoreLayout[] swapped = copy("gaps", "swapped");
        // Each store's window 2 replaced by a copy of its own window 1: each server refuses it by name (one store alone would race the peer's "channel closed" to the job's error).
        for (StoreLayout store : swapped) {
            swapWindow2For1(store);
        }
        Exception s = assertThrows(Exception.class, () -> SecureTrainJob.run(spark, conf.with("train.maxAttempts", "1"),
                swapped[0], swapped[1], "toy", "run1", new EngineProgram(), InMemoryChannels.named("swapped")));
        String swappedWhy = FaultRecoveryTest.rootMessages(s);
        assertTrue(swappedWhy.contains("holds window 1 ") && swappedWhy.contains("not window 2 "), swappedWhy);

        // Only server 0's window swapped: server 1 sees its channel close, but the job reports server 0's refusal.
        StoreLayout[] oneSide = copy("gaps", "one-side");
        swapWindow2For1(oneSide[0]);
        Exception one = assertThrows(Exception.class, () -> SecureTrainJob.run(spark, conf.with("train.maxAttempts", "1"),
                oneSide[0], oneSide[1], "toy", "run1", new EngineProgram(), InMemoryChannels.named("one-side")));
        assertTrue(one.getMessage().contains("IllegalArgumentException") && one.getMessage().contains("holds window 1 "),
                "the refusing server's error comes first: " + one.getMessage());
        assertFalse(SecureTrainJob.retryable(one), "and is not retried");
    }

    @Test
    void settingsThatWouldStallTheDealerAreRefused() throws Exception {
        SparkSession spark = LocalSpark.get();
        StoreLayout[] s = allWindowsDealt("stall");
        for (String every : new String[] {"0", "4"}) {
            Exception e = assertThrows(Exception.class, () -> SecureTrainJob.run(spark, conf
                    .with("train.maxAttempts", "1").with("train.checkpointEvery", every), s[0], s[1], "toy", "run-" + every,
                    new EngineProgram(), InMemoryChannels.named("stall-" + every)));
            assertTrue(FaultRecoveryTest.rootMessages(e).contains("train.checkpointEvery must be between 1 and 3"),
                    FaultRecoveryTest.rootMessages(e));
        }

        // A dealer whose windows nobody consumes gives up after its idle limit, naming the count.
        StoreLayout[] idle = copy("base", "idle");
        IllegalStateException stuck = assertThrows(IllegalStateException.class, () -> WindowedDealer.run(spark, plan,
                WINDOW, 2, idle[0], idle[1], 1, Duration.ofSeconds(1), line -> { }));
        assertTrue(stuck.getMessage().contains("hold 2 unconsumed windows") && stuck.getMessage().contains("--ahead 2"),
                stuck.getMessage());
        // Restarted with room, it continues where it stopped instead of dealing again.
        WindowedDealer.Report more = WindowedDealer.run(spark, plan, WINDOW, 4, idle[0], idle[1], 1,
                Duration.ofSeconds(10), line -> { });
        assertEquals(2, more.skipped());
        assertEquals(2, more.dealt());
        // Another window size for the same stores is refused.
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> WindowedDealer.run(spark,
                plan, 4, 2, idle[0], idle[1], 1, Duration.ofSeconds(1), line -> { }));
        assertTrue(other.getMessage().contains("in windows of 3 steps, not in windows of 4"), other.getMessage());
    }

    private static boolean complete(StoreLayout store, int w) {
        try {
            return TripleWindows.state(store, plan.id(), w, new Configuration()) == TripleWindows.State.COMPLETE;
        } catch (IOException e) {
            return false; // a window being renamed or deleted this instant
        }
    }

    private static void assertLedgersHoldEveryKeyOnce(StoreLayout[] s) throws IOException {
        for (int p = 0; p < 2; p++) {
            TripleLedger.Contents ledger = TripleLedger.read(Path.of(s[p].triples(plan.id()).toString())
                    .resolve("ledger-party" + p));
            assertEquals(new HashSet<>(plan.keys()), ledger.consumed(), "server " + p + "'s ledger");
        }
    }

    private static StoreLayout[] stores(String name) {
        return StorePairs.stores(dir, name);
    }

    private static StoreLayout[] copy(String fromName, String name) throws IOException {
        StoreLayout[] s = StorePairs.copy(dir, fromName, name);
        assertFalse(Files.exists(dir.resolve(name).resolve("store0/model")), "a copy holds no model yet");
        return s;
    }

    /** A copy of the shared data with every window dealt (--ahead 4: all four at once). */
    private static StoreLayout[] allWindowsDealt(String name) throws IOException {
        StoreLayout[] s = copy("base", name);
        WindowedDealer.run(LocalSpark.get(), plan, WINDOW, 4, s[0], s[1], 1, Duration.ofSeconds(10), line -> { });
        return s;
    }

    /** Replaces store's window 2 with a copy of its window 1 (whole, with intact checksums). */
    private static void swapWindow2For1(StoreLayout store) throws IOException {
        Path w2 = Path.of(store.tripleWindow(plan.id(), 2).toString());
        org.apache.hadoop.fs.FileUtil.fullyDelete(w2.toFile());
        StorePairs.copyTree(Path.of(store.tripleWindow(plan.id(), 1).toString()), w2);
    }
}
