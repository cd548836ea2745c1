package org.twintrain.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A stored plan's triples serve exactly one run. The first run to train from them claims the plan in each server's
 * store by creating {@code STORE/triples/PLAN/claim.txt} exclusively (atomic on a local disk and on HDFS: of two
 * runs that race, one wins); from then on only that run id may use the plan (its attempts and resumptions), and
 * every other run is refused before anything is opened, with the name of the run that holds the plan. Without
 * this, a second run on the same triples would open X - U and X' - U under the same masks, and both servers
 * would learn X - X'.
 *
 * <p>File (UTF-8): {@code twintrain-plan-claim 1}, {@code plan PLAN_ID}, {@code run RUN_ID}, one per line.
 */
public final class PlanClaim {
    static final String FILE = "claim.txt";
    private static final String HEADER = "twintrain-plan-claim 1";

    private PlanClaim() {
    }

    /** The run holding planId in store, or null when no run has claimed it yet. */
    public static String holder(StoreLayout store, String planId, Configuration hadoop) throws IOException {
        Path file = new Path(store.triples(planId), FILE);
        FileSystem fs = file.getFileSystem(hadoop);
        String text;
        try (InputStream in = fs.open(file)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (FileNotFoundException none) {
            return null;
        }
        String[] lines = text.split("\n");
        if (lines.length != 3 || !lines[0].equals(HEADER) || !lines[1].equals("plan " + planId)
                || !lines[2].startsWith("run ")) {
            throw new IllegalArgumentException(file + " is not this plan's claim file (expected '" + HEADER + "', 'plan "
                    + planId + "', 'run RUN_ID'); the store was changed by hand");
        }
        return lines[2].substring(4);
    }

    /**
     * Refuses runId when another run holds planId in store (read only: nothing is written). Call it before pairing;
     * {@link #claim} makes the claim once both servers agreed on the run.
     */
    public static void check(StoreLayout store, int party, String planId, String runId, Configuration hadoop)
            throws IOException {
        String holder = holder(store, planId, hadoop);
        if (holder != null && !holder.equals(runId)) {
            throw refused(store, party, planId, runId, holder);
        }
    }

    /** Claims planId in store for runId, or confirms that runId holds it; refuses when another run does. */
    public static void claim(StoreLayout store, int party, String planId, String runId, Configuration hadoop)
            throws IOException {
        Path file = new Path(store.triples(planId), FILE);
        FileSystem fs = file.getFileSystem(hadoop);
        byte[] text = (HEADER + "\nplan " + planId + "\nrun " + runId + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            StoreFiles.createNew(fs, file, text);
            return;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException taken) {
            // claimed before: by this run (a resumed attempt) or by another
        }
        check(store, party, planId, runId, hadoop);
    }

    private static PlanSpentException refused(StoreLayout store, int party, String planId, String runId, String holder) {
        return new PlanSpentException("server " + party + " refuses run " + runId + ": the triples of plan "
                + planId.substring(0, Math.min(12, planId.length())) + "... in " + store.root() + " are held by run "
                + holder + " (a plan's triples serve exactly one run; reusing them would let both servers learn the"
                + " difference of two data sets). Resume run " + holder + " with --run " + holder + ", or make new"
                + " triples with submit/twintrain triples for this run");
    }
}
