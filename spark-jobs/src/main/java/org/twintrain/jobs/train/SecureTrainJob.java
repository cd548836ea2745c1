package org.twintrain.jobs.train;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.triples.DealerTripleSource;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;

/**
 * Secure training in one Spark application whose two FAIR pools stand for the two servers. Each server's
 * loop runs in one long-lived task of its pool (submitted from its own driver thread, so both run at once):
 * server 0's task expands its half of the data from its seeds, server 1's task receives its materialized
 * half as rows, each opens its end of the channel, runs the same {@link SecureProgram} on {@link
 * TwoPartyArithmetic}, and writes its model share to its own store. The driver sees manifests and counters.
 *
 * <p>Triples: with {@code triples.plan} set, each task reads its own server's half of that plan from its own
 * store (made beforehand by the offline triple job), and the driver first checks that the plan is exactly
 * this run's. With it empty, the job uses the in-application dealer ({@link DealerTripleSource}): the driver draws a dealer
 * seed and both tasks derive their halves from it. That is only acceptable where one application stands for
 * both servers (the demo, tests); a real deployment uses the offline triple job's stored halves.
 */
public final class SecureTrainJob {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SecureTrainJob.class);

    private SecureTrainJob() {
    }

    /** The outcome: both servers' counters and the model-share folders. */
    public record Result(ServerReport server0, ServerReport server1, Path model0, Path model1) {
    }

    public static Result run(SparkSession spark, TwinTrainConf conf, StoreLayout store0, StoreLayout store1,
            String dataName, String runId, SecureProgram program, ChannelOpener channels) throws Exception {
        return run(spark, conf, store0, store1, dataName, null, runId, program, channels);
    }

    /**
     * The same, and when testName is not null, after training both tasks evaluate the model on that shared
     * data set ({@link SecureProgram#evaluate}): only the count of correct predictions is revealed, to both.
     */
    public static Result run(SparkSession spark, TwinTrainConf conf, StoreLayout store0, StoreLayout store1,
            String dataName, String testName, String runId, SecureProgram program, ChannelOpener channels)
            throws Exception {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        DataShareManifest m0 = Manifests.read(store0.data(dataName), DataShareManifest.class, hadoop);
        DataShareManifest m1 = Manifests.read(store1.data(dataName), DataShareManifest.class, hadoop);
        checkHalves(m0, m1, conf, dataName);
        DataShareManifest t0 = null, t1 = null;
        if (testName != null) {
            t0 = Manifests.read(store0.data(testName), DataShareManifest.class, hadoop);
            t1 = Manifests.read(store1.data(testName), DataShareManifest.class, hadoop);
            checkHalves(t0, t1, conf, testName);
            if (t0.features() != m0.features() || t0.classes() != m0.classes()) {
                throw new IllegalArgumentException("test set " + testName + " has " + t0.features() + " features and "
                        + t0.classes() + " classes, the training set " + dataName + " " + m0.features() + " and "
                        + m0.classes());
            }
        }

        String planId = conf.get("triples.plan");
        byte[] dealerSeed = null; // stored triples: no dealer seed anywhere in this application
        if (!planId.isEmpty()) {
            checkStoredTriples(conf, store0, store1, planId, new DataShareManifest[] {m0, m1}, t0, hadoop);
            String[] sessions = new String[2];
            for (int p = 0; p < 2; p++) {
                StoreLayout s = p == 0 ? store0 : store1;
                org.twintrain.store.PlanClaim.check(s, p, planId, runId, hadoop);
                sessions[p] = org.twintrain.store.TripleStore.manifest(s, p, planId, hadoop).sessionId();
            }
            if (!sessions[0].equals(sessions[1])) {
                throw new IllegalArgumentException("the two stores hold halves of two different dealings of plan "
                        + planId.substring(0, 12) + "... (triple sessions " + sessions[0] + " and " + sessions[1]
                        + "): one store's triples were made again; run submit/twintrain triples for both stores");
            }
        } else {
            dealerSeed = new byte[32];
            new SecureRandom().nextBytes(dealerSeed);
        }
        Map<String, String> settings = conf.asMap();
        SecureRunChecks.warnings(settings, m0, LOG);
        SecureRunChecks.warnIfReadableByOthers(store0, 0, hadoop, LOG);
        SecureRunChecks.warnIfReadableByOthers(store1, 1, hadoop, LOG);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        DataParallel.checkJob(settings, m0, 2, jsc.defaultParallelism());
        RunCheckpoints.keepEvery(settings); // a wrong train.checkpointKeepEvery is refused before any task

        ServerTraining work0 = new ServerTraining(0, store0.root().toString(), dataName, testName, runId, m0, t0, settings,
                dealerSeed, program, channels);
        ServerTraining work1 = new ServerTraining(1, store1.root().toString(), dataName, testName, runId, m1, t1, settings,
                dealerSeed, program, channels);
        int tasks = DataParallel.tasks(settings);
        JavaRDD<Row> seeds0 = ServerTraining.input(spark, 0, store0, dataName, testName, tasks);
        JavaRDD<Row> rows1 = ServerTraining.input(spark, 1, store1, dataName, testName, tasks);

        int maxAttempts = conf.getInt("train.maxAttempts");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("train.maxAttempts must be at least 1, got " + maxAttempts);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                ServerReport[] r = attempt(jsc, seeds0, work0, rows1, work1, runId, attempt);
                return new Result(r[0], r[1], store0.model(runId), store1.model(runId));
            } catch (Exception e) {
                if (!retryable(e)) {
                    throw e;
                }
                if (attempt >= maxAttempts) {
                    throw new IllegalStateException("secure train " + runId + ": attempt " + attempt + " of " + maxAttempts
                            + " failed (" + rootMessage(e) + "); rerun with the same run id to resume"
                            + (conf.getLong("train.checkpointEvery") > 0 ? " from the last checkpoint both servers hold"
                                    : " (train.checkpointEvery is 0: from step 0)"), e);
                }
                LOG.warn("secure train {}: attempt {} of {} failed ({}); submitting both servers' tasks again{}", runId,
                        attempt, maxAttempts, rootMessage(e), conf.getLong("train.checkpointEvery") > 0
                                ? ", they resume from the last checkpoint both hold" : ", from step 0 (no checkpoints)");
            }
        }
    }

    /**
     * One attempt: both servers' tasks, each in its pool from its own driver thread. When one fails, the other's
     * job is cancelled (its peer is gone); both must have ended before a next attempt starts.
     */
    private static ServerReport[] attempt(JavaSparkContext jsc, JavaRDD<Row> seeds0, ServerTraining work0, JavaRDD<Row> rows1,
            ServerTraining work1, String runId, int attempt) throws Exception {
        String[] groups = {"twintrain-" + runId + "-attempt" + attempt + "-server0",
            "twintrain-" + runId + "-attempt" + attempt + "-server1"};
        ExecutorService drivers = Executors.newFixedThreadPool(2);
        try {
            ExecutorCompletionService<ServerReport> done = new ExecutorCompletionService<>(drivers);
            List<Future<ServerReport>> futures = List.of(
                    done.submit(() -> runInPool(jsc, "server0", groups[0], seeds0, work0, runId)),
                    done.submit(() -> runInPool(jsc, "server1", groups[1], rows1, work1, runId)));
            ServerReport[] reports = new ServerReport[2];
            List<Exception> failures = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Future<ServerReport> f = failures.size() == 1 && channelFailure(failures.get(0))
                        ? done.poll(PEER_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS) : done.take();
                if (f == null) { // the peer's job did not end by itself: stop it
                    int other = futures.get(0).isDone() ? 1 : 0;
                    jsc.cancelJobGroup(groups[other]);
                    f = done.take();
                }
                int p = futures.indexOf(f);
                try {
                    reports[p] = f.get();
                } catch (ExecutionException e) {
                    failures.add(e.getCause() instanceof Exception c ? c : e);
                    // A server whose channel broke waits briefly for its peer's own error (the cause); any other
                    // failure stops the peer at once (it may be waiting on something else than the channel).
                    if (failures.size() == 1 && !channelFailure(failures.get(0)) && !futures.get(1 - p).isDone()) {
                        jsc.cancelJobGroup(groups[1 - p]);
                    }
                }
            }
            if (failures.isEmpty()) {
                return reports;
            }
            // The cause first: a server's own refusal or error rather than its peer's "channel closed".
            Exception primary = failures.stream().filter(e -> !channelFailure(e)).findFirst().orElse(failures.get(0));
            for (Exception other : failures) {
                if (other != primary) {
                    primary.addSuppressed(other);
                }
            }
            throw primary;
        } finally {
            drivers.shutdownNow();
        }
    }

    /**
     * Whether another attempt may succeed: not for bad input or a refused triple (the same attempt would fail
     * the same way), yes for anything else (a broken channel, a lost task, a failed write).
     */
    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof UnsupportedOperationException
                    || t instanceof LinkageError || t instanceof org.twintrain.sharing.triples.TripleReuseException
                    || t instanceof org.twintrain.sharing.triples.MissingTripleException
                    || t instanceof org.twintrain.store.PlanSpentException
                    || t instanceof org.twintrain.engine.telemetry.TelemetryStopException) {
                return false;
            }
            for (Throwable other : t.getSuppressed()) {
                if (!retryable(other)) {
                    return false; // the other server's failure, e.g. a bad checkpoint behind a broken channel
                }
            }
        }
        return true;
    }

    /** How long a server whose channel broke waits for its peer's job to report its own error. */
    private static final long PEER_GRACE_SECONDS = 10;

    /** Whether e is (caused by) a broken or closed peer channel: the other server's failure seen from here. */
    static boolean channelFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.twintrain.sharing.channel.ChannelException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost error of ours in the chain (e.g. the channel's, naming the peer), else the root cause. */
    private static String rootMessage(Throwable e) {
        Throwable ours = null, t = e;
        for (; t.getCause() != null && t.getCause() != t; t = t.getCause()) {
            if (t.getClass().getName().startsWith("org.twintrain.")) {
                ours = t;
            }
        }
        if (t.getClass().getName().startsWith("org.twintrain.")) {
            ours = t;
        }
        Throwable shown = ours != null ? ours : t;
        return shown.getClass().getSimpleName() + ": " + shown.getMessage();
    }

    static ServerReport runInPool(JavaSparkContext jsc, String pool, String group, JavaRDD<Row> input,
            ServerTraining work, String runId) {
        jsc.setLocalProperty("spark.scheduler.pool", pool);
        jsc.setJobGroup(group, "secure train " + runId + ": " + pool, true);
        int tasks = DataParallel.tasks(work.settings());
        jsc.setJobDescription("secure train " + runId + ": " + pool + "'s training loop (" + work.settings().get("model.name")
                + (tasks == 1 ? ", one long-lived task" : ", " + tasks + " long-lived data-parallel tasks in a barrier stage")
                + " talking to the other server over the peer channel)");
        // k > 1: gang-scheduled, so the server's tasks start together (they meet to sum gradients) and fail together.
        List<ServerReport> reports = (tasks == 1 ? input.mapPartitions(work)
                : org.twintrain.jobs.pools.ServerPools.barrierMapPartitions(input, work)).collect();
        if (reports.size() != tasks) {
            throw new IllegalStateException(pool + " produced " + reports.size() + " reports, expected " + tasks);
        }
        return ServerReport.combine(reports);
    }

    /**
     * Before anything runs: the stored triples of planId must be exactly the plan this run will consume (same
     * keys, fixed point and truncation), in both stores, each holding its own server's half.
     */
    static void checkStoredTriples(TwinTrainConf conf, StoreLayout store0, StoreLayout store1, String planId,
            DataShareManifest[] halves, DataShareManifest test, Configuration hadoop) throws IOException {
        DataShareManifest data = halves[0];
        checkPlanId(conf, planId, data, test);
        for (int party = 0; party < 2; party++) {
            checkStoredHalf(party == 0 ? store0 : store1, party, planId, halves[party], hadoop);
        }
    }

    /**
     * planId must be the plan of this configuration on this data set, with the evaluation on test when it is not
     * null (same keys, fixed point, truncation).
     */
    static void checkPlanId(TwinTrainConf conf, String planId, DataShareManifest data, DataShareManifest test) {
        String needed = EngineProgram.plan(conf.asMap(), data, test).id();
        if (!needed.equals(planId)) {
            throw new IllegalArgumentException("triples.plan " + planId + " is not the plan of this run (" + needed
                    + "): the triples were made for another model, data size, batch size, epochs, encoding, or "
                    + (test == null ? "with" : "without") + " a test set (triples --test NAME)");
        }
    }

    /** One store holds its own server's half of planId, made for this data set's encoding. */
    static void checkStoredHalf(StoreLayout store, int party, String planId, DataShareManifest data,
            Configuration hadoop) throws IOException {
        org.twintrain.store.TripleManifest m = org.twintrain.store.TripleStore.manifest(store, party, planId, hadoop);
        org.twintrain.store.TripleStore.checkMatchesData(m, data);
    }

    static void checkHalves(DataShareManifest m0, DataShareManifest m1, TwinTrainConf conf, String dataName) {
        if (m0.party() != 0 || m1.party() != 1) {
            throw new IllegalArgumentException("data set " + dataName + ": store 0 holds party " + m0.party()
                    + "'s half and store 1 party " + m1.party() + "'s; each store must hold its own server's half");
        }
        if (!m0.sessionId().equals(m1.sessionId())) {
            throw new IllegalArgumentException("data set " + dataName + ": the two halves come from different sharing"
                    + " sessions (" + m0.sessionId() + " vs " + m1.sessionId() + "); share the data again");
        }
        if (m0.rows() != m1.rows() || m0.features() != m1.features() || m0.classes() != m1.classes()
                || !m0.partitions().equals(m1.partitions())) {
            throw new IllegalArgumentException("data set " + dataName + ": the two halves of one sharing session"
                    + " describe different data (rows " + m0.rows() + " vs " + m1.rows() + ", features "
                    + m0.features() + " vs " + m1.features() + ", classes " + m0.classes() + " vs " + m1.classes()
                    + ", partitions " + m0.partitions().size() + " vs " + m1.partitions().size()
                    + "): a manifest was changed or damaged; share the data again");
        }
        int f = conf.getInt("ring.fractionalBits");
        if (m0.fractionalBits() != f) {
            throw new IllegalArgumentException("data set " + dataName + " is encoded with " + m0.fractionalBits()
                    + " fractional bits but ring.fractionalBits is " + f);
        }
    }
}
