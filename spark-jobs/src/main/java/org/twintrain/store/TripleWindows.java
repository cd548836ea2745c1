package org.twintrain.store;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.twintrain.sharing.triples.MissingTripleException;
import org.twintrain.sharing.triples.StoredTripleSource;
import org.twintrain.sharing.triples.TriplePlan;

/**
 * One server's view of a plan dealt window by window (the offline phase running a bounded number of windows
 * ahead of training, so a run's triples never need to fit on disk at once): waits for the dealer's next window,
 * checks and verifies it before use, and once a checkpoint both servers confirmed covers a window, deletes it
 * and leaves a marker that tells the dealer it was consumed.
 */
public final class TripleWindows {
    private static final Logger LOG = LoggerFactory.getLogger(TripleWindows.class);
    private static final long POLL_MS = 200;

    /** How the two servers confirm that they hold the same dealing of a window before using it. */
    @FunctionalInterface
    public interface Agreement {
        /** Refuses (throws) when the peer holds another dealing of window than the one of the given session. */
        void agree(int window, String sessionId);
    }

    private TripleWindows() {
    }

    /** The state of one window in one store. */
    public enum State {
        /** Not (yet) dealt. */
        ABSENT,
        /** Complete (its manifest written) and not yet consumed. */
        COMPLETE,
        /** Consumed and deleted by its server. */
        CONSUMED
    }

    /** Window w's state in store. */
    public static State state(StoreLayout store, String planId, int w, Configuration hadoop) throws IOException {
        FileSystem fs = store.root().getFileSystem(hadoop);
        if (fs.exists(store.tripleWindowConsumed(planId, w))) {
            return State.CONSUMED;
        }
        return fs.exists(new Path(store.tripleWindow(planId, w), Manifests.MANIFEST)) ? State.COMPLETE : State.ABSENT;
    }

    /**
     * The opener of party's windows of a windowed plan (planManifest): waits up to wait for each window's
     * folder, checks its manifest against the plan's, verifies its checksums (every byte read once), agrees
     * with the peer on its dealing, then hands it to the stored triple source.
     */
    public static StoredTripleSource.WindowOpener opener(StoreLayout store, int party, TripleManifest planManifest,
            Duration wait, Agreement agreement, Configuration hadoop) {
        String planId = planManifest.planId();
        return window -> {
            Path folder = store.tripleWindow(planId, window.index());
            long began = System.nanoTime();
            boolean waited = false;
            while (true) {
                State s = state(store, planId, window.index(), hadoop);
                if (s == State.CONSUMED) {
                    throw new MissingTripleException("window " + window.index() + " of plan " + planId + " in "
                            + store.root() + " was consumed and deleted (a checkpoint both servers confirmed covered "
                            + "it), but the run needs it again: its checkpoints were lost; make new triples");
                }
                if (s == State.COMPLETE) {
                    break;
                }
                if (System.nanoTime() - began > wait.toNanos()) {
                    throw new MissingTripleException("window " + window.index() + " of plan " + planId + " (plan indices "
                            + window.first() + ".." + (window.end() - 1) + ", up to step " + window.lastStep()
                            + ") is not in " + store.root() + " after " + wait.toSeconds() + " s (triples."
                            + "windowWaitSeconds): is the dealer (submit/twintrain triples --window-steps "
                            + planManifest.windowSteps() + ") running?");
                }
                if (!waited) {
                    LOG.info("server {}: waiting for the dealer's window {} of plan {}", party, window.index(),
                            planId.substring(0, 12));
                    waited = true;
                }
                sleep();
            }
            TripleManifest m = Manifests.read(folder, TripleManifest.class, hadoop);
            if (m.formatVersion() != TripleManifest.FORMAT_VERSION || m.party() != party || !m.planId().equals(planId)
                    || m.windowSteps() != planManifest.windowSteps() || m.window() != window.index()
                    || m.keys() != window.keys()) {
                throw new IllegalArgumentException(folder + " holds window " + m.window() + " (" + m.keys() + " keys, "
                        + m.windowSteps() + " steps per window) of party " + m.party() + "'s triples of plan "
                        + m.planId() + ", not window " + window.index() + " (" + window.keys() + " keys, "
                        + planManifest.windowSteps() + " steps per window) of party " + party + "'s of plan " + planId);
            }
            TripleStore.verify(m, folder, hadoop);
            agreement.agree(window.index(), m.sessionId());
            if (waited) {
                LOG.info("server {}: window {} arrived after {} s", party, window.index(),
                        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - began) / 1e9));
            }
            return TripleStore.byteSource(folder, hadoop);
        };
    }

    /**
     * Deletes the windows of windows that a checkpoint both servers confirmed at confirmedStep covers, each
     * after writing its consumed marker (so the dealer never takes a deleted window for one not yet made).
     * Returns the bytes freed.
     */
    public static long release(StoreLayout store, String planId, List<TriplePlan.Window> windows, long confirmedStep,
            Configuration hadoop) throws IOException {
        FileSystem fs = store.root().getFileSystem(hadoop);
        long freed = 0;
        for (TriplePlan.Window w : windows) {
            if (!w.coveredBy(confirmedStep)) {
                continue;
            }
            Path folder = store.tripleWindow(planId, w.index());
            Path marker = store.tripleWindowConsumed(planId, w.index());
            if (!fs.exists(folder) && fs.exists(marker)) {
                continue;
            }
            if (!fs.exists(marker)) {
                StoreFiles.createNew(fs, marker, ("consumed: covered by the checkpoint at step " + confirmedStep + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (fs.exists(folder)) {
                freed += fs.getContentSummary(folder).getLength();
                if (!fs.delete(folder, true)) {
                    throw new IOException("could not delete the consumed triple window " + folder);
                }
            }
        }
        return freed;
    }

    /**
     * Bytes under the plan's folder in store now (its plan, windows, ledgers). The servers delete and the dealer
     * renames folders meanwhile: what vanishes while it is counted is not counted.
     */
    public static long storedBytes(StoreLayout store, String planId, Configuration hadoop) throws IOException {
        Path folder = store.triples(planId);
        FileSystem fs = folder.getFileSystem(hadoop);
        if (!fs.exists(folder)) {
            return 0;
        }
        long bytes = 0;
        for (org.apache.hadoop.fs.FileStatus child : fs.listStatus(folder)) {
            try {
                bytes += child.isDirectory() ? fs.getContentSummary(child.getPath()).getLength() : child.getLen();
            } catch (IOException | RuntimeException vanished) {
                // deleted or renamed while counted (RawLocalFileSystem reports that as a RuntimeException)
            }
        }
        return bytes;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a triple window", e);
        }
    }
}
