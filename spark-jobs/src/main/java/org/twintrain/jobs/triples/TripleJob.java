package org.twintrain.jobs.triples;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.TripleFile;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.AtomicFolder;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TripleManifest;

/**
 * The offline phase: makes the triples of a {@link TriplePlan} for both servers. A fresh dealer seed
 * (SecureRandom, 32 bytes) is drawn for the run and never written anywhere; server 0's store receives only the
 * plan and its 32-byte party-0 seed ({@link Dealer#party0Seed}); server 1's halves are made in parallel, one
 * Spark task per contiguous range of the plan (ranges balanced by words), each writing one part file to
 * server 1's store. Both folders are written atomically ({@link AtomicFolder}, manifest last) under
 * {@code STORE/triples/PLAN_ID/}; layout in {@link TripleFile}.
 *
 * <p>What crosses where: store 0 gets nothing of server 1's halves, store 1 nothing of server 0's seed (its
 * files are server 1's halves, which are uniformly random without the seed). The dealer seed travels to the
 * tasks that compute server 1's halves inside the task closure (in memory; Spark may keep task binaries in its
 * local block store while the job runs); in a real deployment this job runs as the dealer's own Spark
 * application, neither server's.
 */
public final class TripleJob {
    private TripleJob() {
    }

    /** What a triple run wrote, and how long it took. */
    public record Result(TripleManifest server0, TripleManifest server1, double seconds, long bytes0, long bytes1) {

        /** Keys made per second. */
        public double keysPerSecond() {
            return server1.keys() / seconds;
        }

        /** A one-line summary: run time and bytes per server (no values). */
        public String summary() {
            return String.format("triples for plan %s: %d keys %s in %.2f s (%.0f keys/s); server 0 wrote %d bytes, "
                    + "server 1 wrote %d bytes (%.1f MB/s)", server1.planId(), server1.keys(), server1.counts(), seconds,
                    keysPerSecond(), bytes0, bytes1, bytes1 / seconds / 1e6);
        }
    }

    /** One writer task's range of the plan. */
    record Range(int task, int first, int count) implements Serializable {
    }

    /** What a writer task wrote. */
    record Written(String name, long bytes, String sha256) implements Serializable {
    }

    /**
     * Makes the triples of plan into store0 and store1 with the given number of writer tasks; refuses existing
     * complete folders unless overwrite.
     */
    public static Result run(SparkSession spark, TriplePlan plan, StoreLayout store0, StoreLayout store1, int tasks,
            boolean overwrite) throws IOException {
        checkTasks(plan, tasks);
        return deal(spark, plan, plan.whole(), 0, store0.triples(plan.id()), store1.triples(plan.id()), tasks, overwrite);
    }

    /**
     * Deals window w of a plan dealt in windows of windowSteps steps into the window folders target0 and target1
     * (replacing existing ones only when overwrite).
     */
    static Result dealWindow(SparkSession spark, TriplePlan plan, TriplePlan.Window w, int windowSteps, Path target0,
            Path target1, int tasks, boolean overwrite) throws IOException {
        checkTasks(plan, tasks);
        return deal(spark, plan, w, windowSteps, target0, target1, tasks, overwrite);
    }

    private static void checkTasks(TriplePlan plan, int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
        }
        if (plan.size() == 0) {
            throw new IllegalArgumentException("plan " + plan.id() + " holds no keys");
        }
    }

    /**
     * Deals window's keys of plan into the folders target0 and target1 (the plan's own folders when windowSteps
     * is 0, else the window's). A fresh dealer seed per dealing, never written.
     */
    private static Result deal(SparkSession spark, TriplePlan plan, TriplePlan.Window window, int windowSteps,
            Path target0, Path target1, int tasks, boolean overwrite) throws IOException {
        long start = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        AtomicFolder out0 = AtomicFolder.begin(target0, overwrite, hadoop);
        AtomicFolder out1;
        try {
            out1 = AtomicFolder.begin(target1, overwrite, hadoop);
        } catch (IOException | RuntimeException e) {
            out0.abort();
            throw e;
        }
        byte[] dealerSeed = new byte[32];
        new SecureRandom().nextBytes(dealerSeed);
        // The triple session: both halves of this dealing carry it, so halves of two dealings never pair up.
        String sessionId = newSession();
        try {
            byte[] planText = planText(plan);
            spark.sparkContext().setJobDescription("triples for plan " + plan.id().substring(0, 12)
                    + (windowSteps == 0 ? "" : ", window " + window.index()) + ": server 1's halves (" + tasks
                    + " tasks)");
            spark.sparkContext().setLocalProperty("spark.scheduler.pool", "offline");
            boolean shared = plan.hasSharedParts(window);
            List<Written[]> parts = writeParts(spark, plan, window, planText, dealerSeed, out0.path(), out1.path(),
                    shared, tasks, hadoop);

            Map<String, String> sums0 = new TreeMap<>(), sums1 = new TreeMap<>();
            long bytes0 = 0, bytes1 = 0;
            for (Written[] w : parts) {
                sums1.put(w[1].name(), w[1].sha256());
                bytes1 += w[1].bytes();
                if (w[0] != null) {
                    sums0.put(w[0].name(), w[0].sha256());
                    bytes0 += w[0].bytes();
                }
            }
            if (windowSteps == 0) { // a window's plan is its plan folder's
                bytes1 += writeFile(out1.path(), TripleFile.PLAN_FILE, planText, sums1, hadoop);
                bytes0 += writeFile(out0.path(), TripleFile.PLAN_FILE, planText, sums0, hadoop);
            }
            ByteArrayOutputStream seedFile = new ByteArrayOutputStream();
            TripleFile.writeParty0(seedFile, plan, new Dealer(dealerSeed, new FixedPoint(plan.fractionalBits()))
                    .party0Seed());
            bytes0 += writeFile(out0.path(), TripleFile.PARTY0_FILE, seedFile.toByteArray(), sums0, hadoop);

            int index = windowSteps == 0 ? 0 : window.index();
            TripleManifest m0 = manifest(plan, window, 0, sessionId, shared ? "seed+parts" : "seed", bytes0, sums0,
                    windowSteps, index);
            TripleManifest m1 = manifest(plan, window, 1, sessionId, "parts", bytes1, sums1, windowSteps, index);
            Manifests.write(out0.path(), m0, hadoop);
            Manifests.write(out1.path(), m1, hadoop);
            out0.commit();
            out1.commit();
            return new Result(m0, m1, (System.nanoTime() - start) / 1e9, bytes0, bytes1);
        } catch (IOException | RuntimeException e) {
            out0.abort();
            out1.abort();
            throw e;
        } finally {
            Arrays.fill(dealerSeed, (byte) 0); // the dealer keeps nothing
            spark.sparkContext().setJobDescription(null);
            spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
        }
    }

    /**
     * Writes party's plan folder of a plan dealt in windows of windowSteps steps at target, atomically: plan.txt
     * and a manifest of layout "windows" (window -1) naming the dealing's session.
     */
    static void writeWindowedPlanFolder(TriplePlan plan, int party, String session, int windowSteps, Path target,
            Configuration hadoop) throws IOException {
        AtomicFolder out = AtomicFolder.begin(target, false, hadoop);
        try {
            Map<String, String> sums = new TreeMap<>();
            long bytes = writeFile(out.path(), TripleFile.PLAN_FILE, planText(plan), sums, hadoop);
            Manifests.write(out.path(), manifest(plan, plan.whole(), party, session, TripleManifest.WINDOWS, bytes,
                    sums, windowSteps, -1), hadoop);
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /** A fresh triple session id: 16 random bytes, hex. */
    static String newSession() {
        byte[] session = new byte[16];
        new SecureRandom().nextBytes(session);
        return HexFormat.of().formatHex(session);
    }

    /**
     * Server 1's part files and, when the plan has keys whose parts both servers store (DCF correction words),
     * server 0's part files of the same ranges, one task per range; each key's halves are made once. Returns
     * {server 0's file or null, server 1's file} per range.
     */
    private static List<Written[]> writeParts(SparkSession spark, TriplePlan plan, TriplePlan.Window window,
            byte[] planText, byte[] dealerSeed, Path folder0, Path folder1, boolean shared, int tasks,
            Configuration hadoop) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Range> ranges = ranges(plan, window, tasks);
        Broadcast<byte[]> planBytes = jsc.broadcast(planText);
        SerializableConfiguration conf = new SerializableConfiguration(hadoop);
        String planId = plan.id();
        String dir0 = folder0.toString(), dir1 = folder1.toString();
        try {
            return jsc.parallelize(ranges, ranges.size()).map(r -> {
                TriplePlan p = TriplePlan.read(new ByteArrayInputStream(planBytes.value()), planId);
                Dealer dealer = new Dealer(dealerSeed, new FixedPoint(p.fractionalBits()));
                Path file1 = new Path(dir1, TripleFile.partName(r.task()));
                MessageDigest sha1 = sha256();
                FileSystem fs = file1.getFileSystem(conf.value());
                // A retried task overwrites its own part files: the dealer is deterministic, so they are the same.
                try (OutputStream o1 = new DigestOutputStream(new java.io.BufferedOutputStream(
                        org.twintrain.store.StoreFiles.create(fs, file1, true), 1 << 20), sha1)) {
                    if (!shared) {
                        long bytes = TripleFile.writeParty1(o1, p, dealer, r.first(), r.count());
                        return new Written[] {null, new Written(file1.getName(), bytes, hex(sha1))};
                    }
                    Path file0 = new Path(dir0, TripleFile.partName(r.task()));
                    MessageDigest sha0 = sha256();
                    long[] bytes;
                    try (OutputStream o0 = new DigestOutputStream(new java.io.BufferedOutputStream(
                            org.twintrain.store.StoreFiles.create(file0.getFileSystem(conf.value()), file0, true),
                            1 << 20), sha0)) {
                        bytes = TripleFile.writeBoth(o0, o1, p, dealer, r.first(), r.count());
                    }
                    o1.flush();
                    return new Written[] {new Written(file0.getName(), bytes[0], hex(sha0)),
                        new Written(file1.getName(), bytes[1], hex(sha1))};
                }
            }).collect();
        } finally {
            planBytes.destroy();
        }
    }

    private static String hex(MessageDigest sha) {
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Splits the plan into at most tasks contiguous ranges of about equal words (server 1's bytes). */
    static List<Range> ranges(TriplePlan plan, int tasks) {
        return ranges(plan, plan.whole(), tasks);
    }

    /** Splits window's keys into at most tasks contiguous ranges of about equal words (server 1's bytes). */
    static List<Range> ranges(TriplePlan plan, TriplePlan.Window window, int tasks) {
        long total = plan.totalWords(window);
        List<Range> out = new ArrayList<>();
        int first = window.first();
        long done = 0;
        for (int t = 0; t < tasks && first < window.end(); t++) {
            long target = (total * (t + 1)) / tasks;
            int end = first;
            while (end < window.end() && (end == first || done < target || t == tasks - 1)) {
                done += TriplePlan.words(plan.key(end));
                end++;
            }
            out.add(new Range(out.size(), first, end - first));
            first = end;
        }
        return out;
    }

    private static TripleManifest manifest(TriplePlan plan, TriplePlan.Window window, int party, String sessionId,
            String layout, long bytes, Map<String, String> checksums, int windowSteps, int index) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = window.first(); i < window.end(); i++) {
            counts.merge(plan.key(i).kind().name(), 1, Integer::sum);
        }
        return new TripleManifest(TripleManifest.FORMAT_VERSION, party, plan.id(), sessionId, TripleManifest.RING,
                plan.fractionalBits(), plan.truncation().name(), layout, window.keys(), counts, bytes, checksums,
                windowSteps, index);
    }

    private static long writeFile(Path folder, String name, byte[] bytes, Map<String, String> sums, Configuration hadoop)
            throws IOException {
        Path file = new Path(folder, name);
        try (OutputStream o = org.twintrain.store.StoreFiles.create(file.getFileSystem(hadoop), file, false)) {
            o.write(bytes);
        }
        sums.put(name, HexFormat.of().formatHex(sha256().digest(bytes)));
        return bytes.length;
    }

    private static byte[] planText(TriplePlan plan) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        plan.write(out);
        return out.toByteArray();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
