package org.twintrain.jobs.triples;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TripleManifest;
import org.twintrain.store.TripleStore;
import org.twintrain.store.TripleWindows;

/**
 * The offline phase running ahead of training by a bounded number of windows: deals a plan window by window
 * ({@link TriplePlan#windows}), each window a dealing of its own (fresh dealer seed, each half written only to
 * its own server's store), and never holds more than {@code ahead} unconsumed windows in either store: before
 * dealing the next it waits until the servers have deleted windows a confirmed checkpoint covers ({@link
 * TripleWindows#release}). Restartable: windows already dealt or consumed are skipped; a window complete in one
 * store only (the dealer stopped between its two commits) is dealt again into both.
 */
public final class WindowedDealer {
    private static final long POLL_MS = 200;

    private WindowedDealer() {
    }

    /**
     * What a windowed dealing did.
     *
     * @param peakBytes0 the largest size of the plan's folder in store 0 seen after a window was dealt
     */
    public record Report(String planId, int windows, int dealt, int skipped, double seconds, double dealingSeconds,
            long bytes0, long bytes1, long peakBytes0, long peakBytes1) {

        /** One line: windows, time, bytes and peak store sizes (no values). */
        public String summary() {
            return String.format(java.util.Locale.ROOT, "triples for plan %s in %d windows: %d dealt, %d skipped "
                    + "(dealt before) in %.1f s (%.1f s dealing); server 0 wrote %d bytes, server 1 %d bytes; peak "
                    + "plan folder: %d bytes in store 0, %d bytes in store 1", planId, windows, dealt, skipped, seconds,
                    dealingSeconds, bytes0, bytes1, peakBytes0, peakBytes1);
        }
    }

    /**
     * Deals plan into store0 and store1 in windows of windowSteps steps, at most ahead unconsumed windows per
     * store; gives up when no window is consumed for idleLimit while it waits.
     */
    public static Report run(SparkSession spark, TriplePlan plan, int windowSteps, int ahead, StoreLayout store0,
            StoreLayout store1, int tasks, Duration idleLimit, Consumer<String> progress) throws IOException {
        if (ahead < 1) {
            throw new IllegalArgumentException("--ahead must be at least 1 window, got " + ahead);
        }
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
        }
        List<TriplePlan.Window> windows = plan.windows(windowSteps);
        long start = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        planFolders(plan, windowSteps, store0, store1, hadoop);
        StoreLayout[] stores = {store0, store1};
        int dealt = 0, skipped = 0;
        long bytes0 = 0, bytes1 = 0, peak0 = 0, peak1 = 0;
        double dealing = 0;
        int[] consumedBelow = new int[2]; // per store: every window below is consumed (its marker stays)
        for (TriplePlan.Window w : windows) {
            TripleWindows.State s0 = TripleWindows.state(store0, plan.id(), w.index(), hadoop);
            TripleWindows.State s1 = TripleWindows.state(store1, plan.id(), w.index(), hadoop);
            if (s0 != TripleWindows.State.ABSENT && s1 != TripleWindows.State.ABSENT) {
                skipped++;
                continue;
            }
            if (s0 == TripleWindows.State.CONSUMED || s1 == TripleWindows.State.CONSUMED) {
                throw new IllegalStateException("window " + w.index() + " of plan " + plan.id() + " was consumed by "
                        + "server " + (s0 == TripleWindows.State.CONSUMED ? 0 : 1) + " but is missing in server "
                        + (s0 == TripleWindows.State.CONSUMED ? 1 : 0) + "'s store: the stores do not belong to one "
                        + "run; make new triples");
            }
            awaitRoom(stores, plan.id(), w.index(), ahead, idleLimit, consumedBelow, hadoop);
            // Complete in one store only: that half has no partner; both are dealt again.
            boolean redeal = s0 == TripleWindows.State.COMPLETE || s1 == TripleWindows.State.COMPLETE;
            TripleJob.Result r = TripleJob.dealWindow(spark, plan, w, windowSteps,
                    store0.tripleWindow(plan.id(), w.index()), store1.tripleWindow(plan.id(), w.index()), tasks, redeal);
            dealt++;
            dealing += r.seconds();
            bytes0 += r.bytes0();
            bytes1 += r.bytes1();
            peak0 = Math.max(peak0, TripleWindows.storedBytes(store0, plan.id(), hadoop));
            peak1 = Math.max(peak1, TripleWindows.storedBytes(store1, plan.id(), hadoop));
            progress.accept(String.format(java.util.Locale.ROOT, "window %d of %d (steps to %d, %d keys) dealt in "
                    + "%.1f s: %d + %d bytes", w.index() + 1, windows.size(), w.lastStep(), w.keys(), r.seconds(),
                    r.bytes0(), r.bytes1()));
        }
        return new Report(plan.id(), windows.size(), dealt, skipped, (System.nanoTime() - start) / 1e9, dealing, bytes0,
                bytes1, peak0, peak1);
    }

    /**
     * Waits until each store holds fewer than ahead complete windows before window next; consumedBelow[s] moves
     * past store s's consumed windows, so a poll looks only at the windows still held or not yet consumed.
     */
    private static void awaitRoom(StoreLayout[] stores, String planId, int next, int ahead, Duration idleLimit,
            int[] consumedBelow, Configuration hadoop) throws IOException {
        long since = System.nanoTime();
        int lastHeld = -1;
        while (true) {
            int held = 0;
            for (int s = 0; s < stores.length; s++) {
                int complete = 0;
                for (int w = consumedBelow[s]; w < next; w++) {
                    TripleWindows.State state = TripleWindows.state(stores[s], planId, w, hadoop);
                    if (state == TripleWindows.State.CONSUMED && w == consumedBelow[s]) {
                        consumedBelow[s]++;
                    } else if (state == TripleWindows.State.COMPLETE) {
                        complete++;
                    }
                }
                held = Math.max(held, complete);
            }
            if (held < ahead) {
                return;
            }
            if (held != lastHeld) {
                since = System.nanoTime();
                lastHeld = held;
            }
            if (System.nanoTime() - since > idleLimit.toNanos()) {
                throw new IllegalStateException("the stores hold " + held + " unconsumed windows of plan " + planId
                        + " (--ahead " + ahead + ") and none was consumed for " + idleLimit.toSeconds() + " s: is the "
                        + "training run going?");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for room in the triple stores", e);
            }
        }
    }

    /**
     * The plan's folder in both stores (plan.txt and a manifest of layout "windows"), made atomically when absent;
     * an existing one must be of this plan dealt with the same window size.
     */
    private static void planFolders(TriplePlan plan, int windowSteps, StoreLayout store0, StoreLayout store1,
            Configuration hadoop) throws IOException {
        StoreLayout[] stores = {store0, store1};
        String session = null;
        for (int p = 0; p < 2; p++) {
            Path folder = stores[p].triples(plan.id());
            FileSystem fs = folder.getFileSystem(hadoop);
            if (fs.exists(new Path(folder, Manifests.MANIFEST))) {
                TripleManifest m = TripleStore.manifest(stores[p], p, plan.id(), hadoop);
                if (m.windowSteps() != windowSteps) {
                    throw new IllegalArgumentException(folder + " holds plan " + plan.id() + " dealt " + (m.windowed()
                            ? "in windows of " + m.windowSteps() + " steps" : "whole") + ", not in windows of "
                            + windowSteps + " steps; give the same --window-steps or make the triples into new stores");
                }
                session = m.sessionId();
            }
        }
        if (session == null) {
            session = TripleJob.newSession();
        }
        for (int p = 0; p < 2; p++) {
            Path folder = stores[p].triples(plan.id());
            if (!folder.getFileSystem(hadoop).exists(new Path(folder, Manifests.MANIFEST))) {
                TripleJob.writeWindowedPlanFolder(plan, p, session, windowSteps, folder, hadoop);
            }
        }
    }
}
